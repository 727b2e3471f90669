using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Inventory.Data;

namespace TaskFlow.Inventory.Features;

/// <summary>Releasing a held reservation: its units go back to available stock (the order was cancelled or failed).</summary>
internal static class ReleaseReservation
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder reservations) =>
        reservations.MapPost("/{reservationId:guid}/release", Handle)
            .RequireRole(InventoryAccess.Checkout, InventoryAccess.Admin)
            .WithName("ReleaseReservation")
            .WithSummary("Release a reservation")
            .WithDescription("The checkout or an admin. Reserved drops by the quantity; 200 with the reservation (status released). Releasing a released or expired reservation returns it unchanged (200); a committed one is 409 reservation-not-held.");

    static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> Handle(
        Guid reservationId, InventoryDb db, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (await ReservationSteps.Move(db, reservationId, ReservationStatus.Released, now, http.CallerId(), ct) is { } released)
            return TypedResults.Ok(ReservationResponse.From(released));
        var current = await db.Reservations.AsNoTracking().SingleOrDefaultAsync(r => r.Id == reservationId, ct);
        if (current is null) return Problems.ReservationNotFound();
        return current.Status == ReservationStatus.Committed
            ? Problems.ReservationNotHeld("committed")
            : TypedResults.Ok(ReservationResponse.From(current));
    }
}
