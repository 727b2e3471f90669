using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Inventory.Data;
using SetResult = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Created<TaskFlow.Inventory.Features.StockResponse>,
    Microsoft.AspNetCore.Http.HttpResults.Ok<TaskFlow.Inventory.Features.StockResponse>,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>;

namespace TaskFlow.Inventory.Features;

internal static class SetStock
{
    /// <summary>The on-hand quantity a product should have.</summary>
    /// <param name="OnHand">0 – 1,000,000,000, and not below what is reserved.</param>
    /// <param name="Note">Optional, up to 500 characters; kept in the ledger.</param>
    internal sealed record Request(
        [property: JsonPropertyName("on_hand"), RequiredInSchema] int? OnHand,
        [property: JsonPropertyName("note")] string? Note);

    public static RouteHandlerBuilder Map(RouteGroupBuilder product) =>
        product.MapPut("/", Handle)
            .RequireRole(InventoryAccess.Admin)
            .WithName("SetStock")
            .WithSummary("Set a product's on-hand stock")
            .WithDescription("Admins. Creates the product's stock (201, ledger reason initial) or sets its on-hand quantity (200, ledger reason correction for the difference; no change, no entry). The catalog's initial stock_quantity comes through here. Below what is reserved → 409 below-reserved.");

    static async Task<SetResult> Handle(
        Guid productId, Request request, InventoryDb db, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.OnHand is not { } onHand) errors["on_hand"] = ["on_hand is required."];
        else if (onHand is < 0 or > StockWrites.OnHandMax) errors["on_hand"] = [$"on_hand must be between 0 and {StockWrites.OnHandMax:N0}."];
        var note = StockWrites.ValidateNote(request.Note, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var target = request.OnHand!.Value;
        var actor = http.CallerId();
        // Optimistic: read, then update only if the version is still the one read; a concurrent change makes it read again.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var seen = await db.Stock.AsNoTracking().SingleOrDefaultAsync(s => s.ProductId == productId, ct);
            SetResult? result = await db.Atomically(async () =>
            {
                if (seen is null)
                {
                    var created = new StockItem { ProductId = productId, OnHand = target, Version = 1, CreatedAt = now, UpdatedAt = now };
                    db.Stock.Add(created);
                    db.Ledger.Add(Entry(created, target, LedgerReasons.Initial, note, actor, now));
                    StockWrites.PublishChange(db, created, LedgerReasons.Initial);
                    return StockWrites.Commit<SetResult?>(
                        TypedResults.Created($"/v1/inventory/{productId}", StockResponse.From(created)));
                }
                if (seen.OnHand == target) return StockWrites.Abort<SetResult?>(TypedResults.Ok(StockResponse.From(seen)));
                var version = seen.Version;
                var updated = await db.Stock
                    .Where(s => s.ProductId == productId && s.Version == version && s.Reserved <= target)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.OnHand, target).SetProperty(x => x.Version, x => x.Version + 1).SetProperty(x => x.UpdatedAt, now), ct);
                if (updated == 0)
                {
                    var current = await db.Stock.AsNoTracking().SingleAsync(s => s.ProductId == productId, ct);
                    return current.Version == version && current.Reserved > target
                        ? StockWrites.Abort<SetResult?>(Problems.BelowReserved(target, current.Reserved))
                        : StockWrites.Abort<SetResult?>(null);
                }
                var after = await StockWrites.Current(db, productId, ct);
                db.Ledger.Add(Entry(after, target - seen.OnHand, LedgerReasons.Correction, note, actor, now));
                StockWrites.PublishChange(db, after, LedgerReasons.Correction);
                return StockWrites.Commit<SetResult?>(TypedResults.Ok(StockResponse.From(after)));
            }, ct);
            if (result is not null) return result;
        }
        throw new DbUpdateConcurrencyException("The stock kept changing while it was being set.");
    }

    static LedgerEntry Entry(StockItem after, int quantity, string reason, string? note, Guid? actor, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        ProductId = after.ProductId,
        Quantity = quantity,
        Reason = reason,
        Note = note,
        OnHandAfter = after.OnHand,
        Version = after.Version,
        ActorId = actor,
        CreatedAt = now,
    };
}
