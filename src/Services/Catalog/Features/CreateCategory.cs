using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary><c>POST /v1/categories</c> (admin).</summary>
internal static class CreateCategory
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder admin) =>
        admin.MapPost("", Handle)
            .WithName("CreateCategory")
            .WithSummary("Add a category (admin)")
            .WithDescription("201 with Location. 400 naming each invalid field (name, slug, parent_id); 409 when the name or slug is taken.");

    static async Task<Results<Created<CategoryResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        CategoryRequest request, CatalogDb db, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var tree = await CategoryTree.Load(db, ct);
        if (CategoryInput.Validate(request, tree, null, errors) is not { } valid) return TypedResults.ValidationProblem(errors);
        var (name, slug) = valid;
        if (CategoryInput.Clash(tree, name, slug, null) is { } clash) return Problems.CategoryTaken(clash);
        var now = Clock.Now(time);
        var category = new Category
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            NormalizedName = name.ToLowerInvariant(),
            Slug = slug,
            ParentId = request.ParentId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Categories.Add(category);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/v1/categories/{category.Id}", CategoryResponse.From(category));
    }
}
