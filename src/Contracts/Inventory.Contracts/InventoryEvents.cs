using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Inventory.Contracts;

/// <summary>
/// A product's stock changed (an adjustment, a reservation, a commit, a release or an expiry). Published once per
/// change, in the same transaction as the change. <paramref name="Available"/> = <paramref name="OnHand"/> −
/// <paramref name="Reserved"/> is what a shop can still sell (the catalog's <c>stock_quantity</c>).
/// <paramref name="Version"/> grows by one with every change of this product: a consumer keeping a copy ignores an
/// event whose version is not newer than the one it holds, so late or repeated deliveries never go back in time.
/// </summary>
/// <param name="ProductId">The product (the catalog's product id).</param>
/// <param name="OnHand">Units physically in stock, including reserved ones.</param>
/// <param name="Reserved">Units held by open reservations.</param>
/// <param name="Available">Units that can still be reserved: on hand minus reserved.</param>
/// <param name="Version">The product's stock version after this change (1 for the first).</param>
public sealed record StockChanged(Guid ProductId, int OnHand, int Reserved, int Available, long Version) : IntegrationEvent
{
    /// <summary>
    /// What changed it: <c>receiving</c>, <c>correction</c>, <c>damage</c>, <c>initial</c> (an adjustment's reason),
    /// or <c>reserved</c>, <c>committed</c>, <c>released</c>, <c>expired</c> (a reservation's step).
    /// </summary>
    public string? Cause { get; init; }
}

/// <summary>
/// A reservation ran past its expiry without being committed and its units went back to available stock. An order
/// service waiting on it should treat the order line as no longer reserved.
/// </summary>
/// <param name="ReservationId">The reservation.</param>
/// <param name="OrderId">The order it was made for.</param>
/// <param name="OrderLineId">The order line it was made for (one reservation per order line).</param>
/// <param name="ProductId">The product.</param>
/// <param name="Quantity">Units that were held.</param>
public sealed record StockReservationExpired(Guid ReservationId, Guid OrderId, Guid OrderLineId, Guid ProductId, int Quantity)
    : IntegrationEvent;
