using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary><c>PUT /v1/categories/{categoryId}</c> (admin): rename, change the slug, or move in the tree.</summary>
internal static class UpdateCategory
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder admin) =>
        admin.MapPut("/{categoryId}", Handle)
            .WithName("UpdateCategory")
            .WithSummary("Rename or move a category (admin)")
            .WithDescription("The body of POST; parent_id null moves it to the top. 400 when moved under itself or a subcategory; 409 when the name or slug is taken; 404 when unknown. Its products show the new name at once.");

    static async Task<Results<Ok<CategoryResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        string categoryId, CategoryRequest request, CatalogDb db, TimeProvider time, CancellationToken ct)
    {
        if (!Guid.TryParse(categoryId, out var id) || await db.Categories.SingleOrDefaultAsync(c => c.Id == id, ct) is not { } category)
            return Problems.CategoryNotFound();
        var errors = new Dictionary<string, string[]>();
        var tree = await CategoryTree.Load(db, ct);
        if (CategoryInput.Validate(request, tree, id, errors) is not { } valid) return TypedResults.ValidationProblem(errors);
        var (name, slug) = valid;
        if (CategoryInput.Clash(tree, name, slug, id) is { } clash) return Problems.CategoryTaken(clash);
        category.Name = name;
        category.NormalizedName = name.ToLowerInvariant();
        category.Slug = slug;
        category.ParentId = request.ParentId;
        category.UpdatedAt = Clock.Now(time);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(CategoryResponse.From(category));
    }
}
