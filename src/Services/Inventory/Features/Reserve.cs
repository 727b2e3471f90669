using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Inventory.Data;
using ReserveResult = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Created<TaskFlow.Inventory.Features.ReservationResponse>,
    Microsoft.AspNetCore.Http.HttpResults.Ok<TaskFlow.Inventory.Features.ReservationResponse>,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>;

namespace TaskFlow.Inventory.Features;

internal static class Reserve
{
    /// <summary>Hold units of a product for one order line.</summary>
    /// <param name="OrderId">The order.</param>
    /// <param name="OrderLineId">The order line; the idempotency key: the same order line reserved twice is one reservation.</param>
    /// <param name="ProductId">The product.</param>
    /// <param name="Quantity">1 – 10,000 units.</param>
    /// <param name="ExpiresInSeconds">How long to hold them; default Inventory:Reservations:DefaultLifetime (15 minutes), at most MaxLifetime (24 hours).</param>
    internal sealed record Request(
        [property: JsonPropertyName("order_id"), RequiredInSchema] Guid? OrderId,
        [property: JsonPropertyName("order_line_id"), RequiredInSchema] Guid? OrderLineId,
        [property: JsonPropertyName("product_id"), RequiredInSchema] Guid? ProductId,
        [property: JsonPropertyName("quantity"), RequiredInSchema] int? Quantity,
        [property: JsonPropertyName("expires_in_seconds")] int? ExpiresInSeconds);

    const int QuantityMax = 10_000;

    public static RouteHandlerBuilder Map(RouteGroupBuilder reservations) =>
        reservations.MapPost("/", Handle)
            .RequireRole(InventoryAccess.Checkout, InventoryAccess.Admin)
            .WithName("ReserveStock")
            .WithSummary("Reserve stock for an order line")
            .WithDescription("The checkout (role checkout) or an admin. Holds quantity units until expires_at: 201 with the reservation. The same order_line_id again returns the existing reservation (200), whatever its status now; with another order, product or quantity it is 409 reservation-mismatch. Not enough available → 409 insufficient-stock (requested, available), nothing held; a product withdrawn from the catalog → 409 product-withdrawn. Reservations past their expiry are given back first, so their units count as available.");

    static async Task<ReserveResult> Handle(Request request, InventoryDb db, IOptions<InventoryOptions> options, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var lifetimes = options.Value.Reservations;
        var errors = new Dictionary<string, string[]>();
        Required(request.OrderId, "order_id", errors);
        Required(request.OrderLineId, "order_line_id", errors);
        Required(request.ProductId, "product_id", errors);
        if (request.Quantity is not { } requested) errors["quantity"] = ["quantity is required."];
        else if (requested is < 1 or > QuantityMax) errors["quantity"] = [$"quantity must be between 1 and {QuantityMax:N0}."];
        var maxSeconds = (int)Math.Min(int.MaxValue, lifetimes.MaxLifetime.TotalSeconds);
        if (request.ExpiresInSeconds is { } seconds && (seconds < 1 || seconds > maxSeconds))
            errors["expires_in_seconds"] = [$"expires_in_seconds must be between 1 and {maxSeconds}."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var (orderId, lineId, productId, quantity) = (request.OrderId!.Value, request.OrderLineId!.Value, request.ProductId!.Value, request.Quantity!.Value);
        var lifetime = request.ExpiresInSeconds is { } s ? TimeSpan.FromSeconds(s) : lifetimes.DefaultLifetime;
        var actor = http.CallerId();
        for (var pass = 0; ; pass++)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var expiredHeld = false;
            var result = await db.Atomically(async () =>
            {
                var existing = await db.Reservations.AsNoTracking().SingleOrDefaultAsync(r => r.OrderLineId == lineId, ct);
                if (existing is not null) return StockWrites.Abort(Replay(existing, orderId, productId, quantity));

                var held = await db.Stock
                    .Where(x => x.ProductId == productId && x.OnHand - x.Reserved >= quantity && x.WithdrawnAt == null)
                    .ExecuteUpdateAsync(x => x.SetProperty(v => v.Reserved, v => v.Reserved + quantity).SetProperty(v => v.Version, v => v.Version + 1).SetProperty(v => v.UpdatedAt, now), ct);
                if (held == 0)
                {
                    var stock = await db.Stock.AsNoTracking().SingleOrDefaultAsync(x => x.ProductId == productId, ct);
                    if (stock?.WithdrawnAt is not null) return StockWrites.Abort<ReserveResult>(Problems.ProductWithdrawn());
                    // Held reservations past their expiry still count as reserved until someone expires them.
                    expiredHeld = await db.Reservations.AnyAsync(r => r.ProductId == productId && r.Status == ReservationStatus.Held && r.ExpiresAt <= now, ct);
                    return StockWrites.Abort<ReserveResult>(Problems.InsufficientStock(quantity, stock?.Available ?? 0));
                }
                var reservation = new Reservation
                {
                    Id = Guid.CreateVersion7(),
                    OrderId = orderId,
                    OrderLineId = lineId,
                    ProductId = productId,
                    Quantity = quantity,
                    Status = ReservationStatus.Held,
                    ExpiresAt = now + lifetime,
                    CreatedBy = actor,
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                db.Reservations.Add(reservation);
                StockWrites.PublishChange(db, await StockWrites.Current(db, productId, ct), "reserved");
                return StockWrites.Commit<ReserveResult>(TypedResults.Created($"/v1/inventory/reservations/{reservation.Id}", ReservationResponse.From(reservation)));
            }, ct);
            // Units of reservations past their expiry are given back (here, or by the sweep meanwhile), then it is tried once more.
            if (expiredHeld && pass == 0)
            {
                await ReservationSteps.ExpireDue(db, productId, now, ct);
                continue;
            }
            return result;
        }
    }

    static ReserveResult Replay(Reservation existing, Guid orderId, Guid productId, int quantity) =>
        existing.OrderId == orderId && existing.ProductId == productId && existing.Quantity == quantity
            ? TypedResults.Ok(ReservationResponse.From(existing))
            : Problems.ReservationMismatch();

    static void Required(Guid? value, string name, Dictionary<string, string[]> errors)
    {
        if (value is null || value == Guid.Empty) errors[name] = [$"{name} is required."];
    }
}
