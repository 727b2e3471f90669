using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary><c>GET /v1/categories</c>: the whole tree, flat, parents first.</summary>
internal static class ListCategories
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder categories) =>
        categories.MapGet("", Handle).AllowAnonymous()
            .WithName("ListCategories")
            .WithSummary("List every category (a tree through parent_id)");

    static async Task<Ok<CategoryList>> Handle(CatalogDb db, CancellationToken ct)
    {
        var all = await db.Categories.AsNoTracking().ToListAsync(ct);
        var children = all.ToLookup(c => c.ParentId);
        var ordered = new List<CategoryResponse>();
        void Walk(Guid? parent)
        {
            foreach (var c in children[parent].OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase))
            {
                ordered.Add(CategoryResponse.From(c));
                Walk(c.Id);
            }
        }
        Walk(null);
        return TypedResults.Ok(new CategoryList(ordered));
    }
}
