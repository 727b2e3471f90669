using System.Text.Json.Serialization;
using TaskFlow.Inventory.Data;

namespace TaskFlow.Inventory.Features;

// The shop's API is snake_case, as the design's /v1/products is (docs/adr/0034-inventory-reservations.md);
// the names are fixed per property so the shared JSON options of an all-in-one process do not matter.

/// <summary>A product's stock.</summary>
/// <param name="ProductId">The product (the catalog's id).</param>
/// <param name="OnHand">Units physically in stock, reserved ones included.</param>
/// <param name="Reserved">Units held by open reservations.</param>
/// <param name="Available">Units that can still be reserved or sold: on hand minus reserved (the catalog's stock_quantity).</param>
/// <param name="Version">Grows by one with every change of this product's stock.</param>
/// <param name="UpdatedAt">When it last changed (UTC).</param>
internal sealed record StockResponse(
    [property: JsonPropertyName("product_id")] Guid ProductId,
    [property: JsonPropertyName("on_hand")] int OnHand,
    [property: JsonPropertyName("reserved")] int Reserved,
    [property: JsonPropertyName("available")] int Available,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt)
{
    public static StockResponse From(StockItem s) => new(s.ProductId, s.OnHand, s.Reserved, s.Available, s.Version, s.UpdatedAt);
}

/// <summary>One change of a product's on-hand quantity.</summary>
/// <param name="Id">Entry id.</param>
/// <param name="ProductId">The product.</param>
/// <param name="Quantity">Signed change of the on-hand quantity.</param>
/// <param name="Reason">receiving, correction, damage, initial (the first PUT) or sale (a committed reservation).</param>
/// <param name="Note">The admin's note, if any.</param>
/// <param name="OnHandAfter">On hand right after this change.</param>
/// <param name="Version">The stock version this change produced.</param>
/// <param name="ReservationId">For a sale: the committed reservation.</param>
/// <param name="OrderId">For a sale: its order.</param>
/// <param name="ActorId">Who made the change.</param>
/// <param name="CreatedAt">When (UTC).</param>
internal sealed record LedgerEntryResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("product_id")] Guid ProductId,
    [property: JsonPropertyName("quantity")] int Quantity,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("note")] string? Note,
    [property: JsonPropertyName("on_hand_after")] int OnHandAfter,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("reservation_id")] Guid? ReservationId,
    [property: JsonPropertyName("order_id")] Guid? OrderId,
    [property: JsonPropertyName("actor_id")] Guid? ActorId,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt)
{
    public static LedgerEntryResponse From(LedgerEntry e) =>
        new(e.Id, e.ProductId, e.Quantity, e.Reason, e.Note, e.OnHandAfter, e.Version, e.ReservationId, e.OrderId, e.ActorId, e.CreatedAt);
}

/// <summary>An adjustment just recorded, with the stock after it.</summary>
/// <param name="Entry">The ledger entry.</param>
/// <param name="Stock">The product's stock after the adjustment.</param>
internal sealed record AdjustmentResponse(
    [property: JsonPropertyName("entry")] LedgerEntryResponse Entry,
    [property: JsonPropertyName("stock")] StockResponse Stock);

/// <summary>Paging of a list, as the shop's lists do it.</summary>
/// <param name="Total">Items in the whole list.</param>
/// <param name="Limit">Page size asked for.</param>
/// <param name="Offset">Items skipped.</param>
internal sealed record PageMetadata(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("offset")] int Offset);

/// <summary>A page of a product's ledger, newest first.</summary>
/// <param name="Data">The entries.</param>
/// <param name="Metadata">Paging.</param>
internal sealed record LedgerPage(
    [property: JsonPropertyName("data")] IReadOnlyList<LedgerEntryResponse> Data,
    [property: JsonPropertyName("metadata")] PageMetadata Metadata);

/// <summary>Units of one product held for one order line.</summary>
/// <param name="Id">Reservation id.</param>
/// <param name="OrderId">The order.</param>
/// <param name="OrderLineId">The order line; one reservation per order line, ever.</param>
/// <param name="ProductId">The product.</param>
/// <param name="Quantity">Units held.</param>
/// <param name="Status">held (counts as reserved), committed (sold: left on-hand stock), released (given back) or expired (given back by the expiry sweep).</param>
/// <param name="ExpiresAt">When a held reservation expires (UTC).</param>
/// <param name="CreatedAt">When it was made (UTC).</param>
/// <param name="UpdatedAt">When its status last changed (UTC).</param>
internal sealed record ReservationResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("order_id")] Guid OrderId,
    [property: JsonPropertyName("order_line_id")] Guid OrderLineId,
    [property: JsonPropertyName("product_id")] Guid ProductId,
    [property: JsonPropertyName("quantity")] int Quantity,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("expires_at")] DateTime ExpiresAt,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt)
{
    public static ReservationResponse From(Reservation r) =>
        new(r.Id, r.OrderId, r.OrderLineId, r.ProductId, r.Quantity, r.Status.ToName(), r.ExpiresAt, r.CreatedAt, r.UpdatedAt);
}

internal static class ReservationStatusNames
{
    public static string ToName(this ReservationStatus status) => status switch
    {
        ReservationStatus.Held => "held",
        ReservationStatus.Committed => "committed",
        ReservationStatus.Released => "released",
        _ => "expired",
    };
}
