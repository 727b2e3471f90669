using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Catalog.Contracts;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary><c>DELETE /v1/products/{productId}</c> (admin): a soft delete; the row stays for the orders that name it.</summary>
internal static class DeleteProduct
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder admin) =>
        admin.MapDelete("/{productId}", Handle)
            .WithName("DeleteProduct")
            .WithSummary("Withdraw a product (admin)")
            .WithDescription("204; the product leaves lists and reads at once (404 from then on). Soft delete: orders keep their lines. 404 when unknown or already deleted.")
            .WaitForLocalConsumers<CatalogDb, RouteHandlerBuilder>();

    static async Task<Results<NoContent, ProblemHttpResult>> Handle(string productId, CatalogDb db, TimeProvider time, CancellationToken ct)
    {
        if (!Guid.TryParse(productId, out var id) || await db.Products.SingleOrDefaultAsync(p => p.Id == id && p.DeletedAt == null, ct) is not { } product)
            return Problems.ProductNotFound();
        product.DeletedAt = product.UpdatedAt = Clock.Now(time);
        db.Publish(new ProductDeleted(product.Id));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
