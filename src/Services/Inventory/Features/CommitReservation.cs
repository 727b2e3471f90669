using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Inventory.Data;

namespace TaskFlow.Inventory.Features;

/// <summary>Committing a held reservation: its units leave on-hand stock (the order was paid).</summary>
internal static class CommitReservation
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder reservations) =>
        reservations.MapPost("/{reservationId:guid}/commit", Handle)
            .RequireRole(InventoryAccess.Checkout, InventoryAccess.Admin)
            .WithName("CommitReservation")
            .WithSummary("Commit a reservation")
            .WithDescription("The checkout or an admin, after payment. On hand and reserved both drop by the quantity (a sale in the ledger); 200 with the reservation. Committing again returns it unchanged (200). Released, expired or past its expiry → 409 reservation-not-held (status), nothing changed.");

    static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> Handle(
        Guid reservationId, InventoryDb db, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (await ReservationSteps.Move(db, reservationId, ReservationStatus.Committed, now, http.CallerId(), ct) is { } committed)
            return TypedResults.Ok(ReservationResponse.From(committed));
        var current = await db.Reservations.AsNoTracking().SingleOrDefaultAsync(r => r.Id == reservationId, ct);
        if (current is null) return Problems.ReservationNotFound();
        if (current.Status == ReservationStatus.Committed) return TypedResults.Ok(ReservationResponse.From(current));
        // Held but past its expiry: give the units back now rather than wait for the sweep.
        if (current.Status == ReservationStatus.Held) await ReservationSteps.Move(db, reservationId, ReservationStatus.Expired, now, null, ct);
        return Problems.ReservationNotHeld(current.Status == ReservationStatus.Held ? "expired" : current.Status.ToName());
    }
}
