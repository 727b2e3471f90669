using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Inventory.Data;
using AdjustResult = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Created<TaskFlow.Inventory.Features.AdjustmentResponse>,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>;

namespace TaskFlow.Inventory.Features;

internal static class AdjustStock
{
    /// <summary>A change of on-hand stock, kept in the ledger.</summary>
    /// <param name="Quantity">Signed change, not 0, at most 1,000,000 either way: positive for receiving, negative for damage, either for a correction.</param>
    /// <param name="Reason">receiving, correction or damage.</param>
    /// <param name="Note">Optional, up to 500 characters (a delivery note number, what broke).</param>
    internal sealed record Request(
        [property: JsonPropertyName("quantity"), RequiredInSchema] int? Quantity,
        [property: JsonPropertyName("reason"), RequiredInSchema] string? Reason,
        [property: JsonPropertyName("note")] string? Note);

    const int QuantityMax = 1_000_000;

    public static RouteHandlerBuilder Map(RouteGroupBuilder product) =>
        product.MapPost("/adjustments", Handle)
            .RequireRole(InventoryAccess.Admin)
            .WithName("AdjustStock")
            .WithSummary("Adjust a product's on-hand stock")
            .WithDescription("Admins. Adds the signed quantity to on hand and records a ledger entry with the reason; 201 with the entry and the stock after it. A product without stock starts at 0. On hand may not fall below what is reserved (nor below 0): 409 below-reserved, nothing changed.");

    static async Task<AdjustResult> Handle(Guid productId, Request request, InventoryDb db, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var reason = request.Reason?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(reason)) errors["reason"] = ["reason is required: receiving, correction or damage."];
        else if (!LedgerReasons.Adjustments.Contains(reason)) errors["reason"] = ["reason must be receiving, correction or damage."];
        if (request.Quantity is not { } quantity) errors["quantity"] = ["quantity is required."];
        else if (quantity == 0) errors["quantity"] = ["quantity must not be 0."];
        else if (quantity is < -QuantityMax or > QuantityMax) errors["quantity"] = [$"quantity must be between -{QuantityMax:N0} and {QuantityMax:N0}."];
        else if (reason == LedgerReasons.Receiving && quantity < 0) errors["quantity"] = ["Receiving adds stock: quantity must be positive."];
        else if (reason == LedgerReasons.Damage && quantity > 0) errors["quantity"] = ["Damage removes stock: quantity must be negative."];
        var note = StockWrites.ValidateNote(request.Note, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var delta = request.Quantity!.Value;
        var actor = http.CallerId();
        var now = time.GetUtcNow().UtcDateTime;
        return await db.Atomically(async () =>
        {
            var changed = await db.Stock
                .Where(s => s.ProductId == productId && s.OnHand + delta >= s.Reserved && s.OnHand + delta <= StockWrites.OnHandMax)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.OnHand, x => x.OnHand + delta).SetProperty(x => x.Version, x => x.Version + 1).SetProperty(x => x.UpdatedAt, now), ct);
            StockItem after;
            if (changed == 1)
            {
                after = await StockWrites.Current(db, productId, ct);
            }
            else
            {
                var current = await db.Stock.AsNoTracking().SingleOrDefaultAsync(s => s.ProductId == productId, ct);
                if (current is not null) return StockWrites.Abort<AdjustResult>(Refusal(current.OnHand + (long)delta, current.Reserved));
                if (delta < 0) return StockWrites.Abort<AdjustResult>(Problems.BelowReserved(delta, 0));
                // The product's first stock. Concurrently inserted elsewhere → unique violation → this runs again and updates.
                after = new StockItem { ProductId = productId, OnHand = delta, Version = 1, CreatedAt = now, UpdatedAt = now };
                db.Stock.Add(after);
            }
            var entry = new LedgerEntry
            {
                Id = Guid.CreateVersion7(),
                ProductId = productId,
                Quantity = delta,
                Reason = reason!,
                Note = note,
                OnHandAfter = after.OnHand,
                Version = after.Version,
                ActorId = actor,
                CreatedAt = now,
            };
            db.Ledger.Add(entry);
            StockWrites.PublishChange(db, after, reason!);
            return StockWrites.Commit<AdjustResult>(TypedResults.Created(
                $"/v1/inventory/{productId}/ledger/{entry.Id}",
                new AdjustmentResponse(LedgerEntryResponse.From(entry), StockResponse.From(after))));
        }, ct);
    }

    static ProblemHttpResult Refusal(long onHandAfter, int reserved) =>
        onHandAfter > StockWrites.OnHandMax
            ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, type: "https://taskflow.dev/problems/on-hand-limit",
                title: "On hand would exceed the limit.", detail: $"A product can have at most {StockWrites.OnHandMax:N0} on hand. Nothing was changed.")
            : Problems.BelowReserved((int)onHandAfter, reserved);
}
