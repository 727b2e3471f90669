using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary><c>GET /v1/categories/{categoryId}</c>.</summary>
internal static class GetCategory
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder categories) =>
        categories.MapGet("/{categoryId}", Handle).AllowAnonymous()
            .WithName("GetCategory")
            .WithSummary("Retrieve one category")
            .WithDescription("404 when no category has this id or the id is not a UUID.");

    static async Task<Results<Ok<CategoryResponse>, ProblemHttpResult>> Handle(string categoryId, CatalogDb db, CancellationToken ct) =>
        Guid.TryParse(categoryId, out var id) && await db.Categories.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct) is { } category
            ? TypedResults.Ok(CategoryResponse.From(category))
            : Problems.CategoryNotFound();
}
