using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Inventory.Data;

namespace TaskFlow.Inventory.Features;

/// <summary>Reading reservations: one by id, or an order's.</summary>
internal static class GetReservations
{
    /// <summary>An order's reservations.</summary>
    /// <param name="Data">Oldest first.</param>
    internal sealed record ListResponse([property: JsonPropertyName("data")] IReadOnlyList<ReservationResponse> Data);

    public static void Map(RouteGroupBuilder reservations)
    {
        reservations.MapGet("/{reservationId:guid}", One)
            .RequireRole(InventoryAccess.Checkout, InventoryAccess.Admin)
            .WithName("GetReservation")
            .WithSummary("Get a reservation")
            .WithDescription("The checkout or an admin. A held reservation past expires_at still shows held until it is swept, committed or released.");
        reservations.MapGet("/", ByOrder)
            .RequireRole(InventoryAccess.Checkout, InventoryAccess.Admin)
            .WithName("ListReservations")
            .WithSummary("An order's reservations")
            .WithDescription("The checkout or an admin. order_id is required (400 naming it otherwise).");
    }

    static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> One(Guid reservationId, InventoryDb db, CancellationToken ct)
    {
        var reservation = await db.Reservations.AsNoTracking().SingleOrDefaultAsync(r => r.Id == reservationId, ct);
        return reservation is null ? Problems.ReservationNotFound() : TypedResults.Ok(ReservationResponse.From(reservation));
    }

    static async Task<Results<Ok<ListResponse>, ValidationProblem>> ByOrder([AsParameters] OrderQuery query, InventoryDb db, CancellationToken ct)
    {
        if (!Guid.TryParse(query.OrderId, out var orderId))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["order_id"] = ["order_id is required and must be a UUID."] });
        var list = await db.Reservations.AsNoTracking().Where(r => r.OrderId == orderId).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(ct);
        return TypedResults.Ok(new ListResponse([.. list.Select(ReservationResponse.From)]));
    }

    internal sealed record OrderQuery([property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "order_id")] string? OrderId);
}
