using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary><c>DELETE /v1/categories/{categoryId}</c> (admin): only an empty leaf.</summary>
internal static class DeleteCategory
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder admin) =>
        admin.MapDelete("/{categoryId}", Handle)
            .WithName("DeleteCategory")
            .WithSummary("Delete a category (admin)")
            .WithDescription("204. 409 while it has subcategories or products (deleted products included: their orders still name them); 404 when unknown.");

    static async Task<Results<NoContent, ProblemHttpResult>> Handle(string categoryId, CatalogDb db, CancellationToken ct)
    {
        if (!Guid.TryParse(categoryId, out var id) || await db.Categories.SingleOrDefaultAsync(c => c.Id == id, ct) is not { } category)
            return Problems.CategoryNotFound();
        if (await db.Categories.AnyAsync(c => c.ParentId == id, ct))
            return Problems.CategoryInUse("The category has subcategories. Move or delete them first.");
        if (await db.Products.AnyAsync(p => p.CategoryId == id, ct))
            return Problems.CategoryInUse("Products are filed under this category. Move them to another category first.");
        db.Categories.Remove(category);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
