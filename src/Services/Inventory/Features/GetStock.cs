using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Inventory.Data;

namespace TaskFlow.Inventory.Features;

internal static class GetStock
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder product) =>
        product.MapGet("/", Handle)
            .WithName("GetStock")
            .WithSummary("Get a product's stock")
            .WithDescription("Any signed-in user. On hand, reserved (held by open reservations) and available (on hand − reserved). 404 stock-not-found when no stock was ever recorded for the product.");

    static async Task<Results<Ok<StockResponse>, ProblemHttpResult>> Handle(Guid productId, InventoryDb db, CancellationToken ct)
    {
        var stock = await db.Stock.AsNoTracking().SingleOrDefaultAsync(s => s.ProductId == productId, ct);
        return stock is null ? Problems.StockNotFound() : TypedResults.Ok(StockResponse.From(stock));
    }
}
