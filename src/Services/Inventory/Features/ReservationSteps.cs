using Microsoft.EntityFrameworkCore;
using TaskFlow.Inventory.Contracts;
using TaskFlow.Inventory.Data;

namespace TaskFlow.Inventory.Features;

/// <summary>
/// The three ways out of <c>held</c>, shared by the commit and release endpoints and the expiry sweep. Each first moves
/// the reservation with a conditional UPDATE (<c>WHERE status = 'held'</c>): of two concurrent steps on one reservation
/// (a commit racing the sweep, two instances sweeping) exactly one wins, and only the winner touches the stock.
/// </summary>
internal static class ReservationSteps
{
    /// <summary>
    /// Moves held reservation <paramref name="id"/> to <paramref name="to"/>: <c>committed</c> takes its units out of
    /// on-hand stock (a <c>sale</c> ledger entry) and only before its expiry; <c>released</c> gives them back at any time;
    /// <c>expired</c> gives them back only after its expiry. Null when the reservation was not in a state to take this step.
    /// </summary>
    public static Task<Reservation?> Move(InventoryDb db, Guid id, ReservationStatus to, DateTime now, Guid? actor, CancellationToken ct) =>
        db.Atomically(async () =>
        {
            var held = db.Reservations.Where(r => r.Id == id && r.Status == ReservationStatus.Held);
            held = to switch
            {
                ReservationStatus.Committed => held.Where(r => r.ExpiresAt > now),
                ReservationStatus.Expired => held.Where(r => r.ExpiresAt <= now),
                _ => held,
            };
            var moved = await held.ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, to).SetProperty(r => r.UpdatedAt, now), ct);
            if (moved == 0) return StockWrites.Abort<Reservation?>(null);

            var reservation = await db.Reservations.AsNoTracking().SingleAsync(r => r.Id == id, ct);
            var quantity = reservation.Quantity;
            var stock = db.Stock.Where(s => s.ProductId == reservation.ProductId);
            if (to == ReservationStatus.Committed)
                await stock.ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.OnHand, x => x.OnHand - quantity)
                    .SetProperty(x => x.Reserved, x => x.Reserved - quantity)
                    .SetProperty(x => x.Version, x => x.Version + 1)
                    .SetProperty(x => x.UpdatedAt, now), ct);
            else
                await stock.ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.Reserved, x => x.Reserved - quantity)
                    .SetProperty(x => x.Version, x => x.Version + 1)
                    .SetProperty(x => x.UpdatedAt, now), ct);
            var after = await StockWrites.Current(db, reservation.ProductId, ct);

            if (to == ReservationStatus.Committed)
            {
                db.Ledger.Add(new LedgerEntry
                {
                    Id = Guid.CreateVersion7(),
                    ProductId = reservation.ProductId,
                    Quantity = -quantity,
                    Reason = LedgerReasons.Sale,
                    OnHandAfter = after.OnHand,
                    Version = after.Version,
                    ReservationId = reservation.Id,
                    OrderId = reservation.OrderId,
                    ActorId = actor,
                    CreatedAt = now,
                });
            }
            StockWrites.PublishChange(db, after, to.ToName());
            if (to == ReservationStatus.Expired)
                db.Publish(new StockReservationExpired(reservation.Id, reservation.OrderId, reservation.OrderLineId, reservation.ProductId, quantity));
            return StockWrites.Commit<Reservation?>(reservation);
        }, ct);

    /// <summary>Expires every held reservation past its expiry (of one product, or all); returns how many this call expired.</summary>
    public static async Task<int> ExpireDue(InventoryDb db, Guid? productId, DateTime now, CancellationToken ct)
    {
        var due = db.Reservations.AsNoTracking().Where(r => r.Status == ReservationStatus.Held && r.ExpiresAt <= now);
        if (productId is { } product) due = due.Where(r => r.ProductId == product);
        var ids = await due.OrderBy(r => r.ExpiresAt).Select(r => r.Id).Take(100).ToListAsync(ct);
        var expired = 0;
        foreach (var id in ids)
            if (await Move(db, id, ReservationStatus.Expired, now, actor: null, ct) is not null) expired++;
        return expired;
    }
}
