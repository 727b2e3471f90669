namespace TaskFlow.Inventory.Data;

/// <summary>
/// One product's stock. <see cref="Available"/> (on hand − reserved) is never stored: every change is one conditional
/// UPDATE that checks the invariant (0 ≤ reserved ≤ on hand, also enforced by CHECK constraints) in its WHERE clause,
/// so concurrent writers, in one process or many, can never oversell (docs/adr/0034-inventory-reservations.md).
/// </summary>
internal sealed class StockItem
{
    public Guid ProductId { get; set; }

    /// <summary>Units physically in stock, reserved ones included.</summary>
    public int OnHand { get; set; }

    /// <summary>Units held by reservations that are neither committed, released nor expired.</summary>
    public int Reserved { get; set; }

    /// <summary>Grows by one with every change; published with <c>StockChanged</c> so copies can drop stale events.</summary>
    public long Version { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Set when the catalog withdrew the product (<c>ProductDeleted</c>): no new reservations; held ones finish.</summary>
    public DateTime? WithdrawnAt { get; set; }

    public int Available => OnHand - Reserved;
}

/// <summary>
/// One change of a product's on-hand quantity: an admin's adjustment (receiving, correction, damage, initial) or a
/// committed reservation (sale). The quantities of a product's entries add up to its on-hand quantity.
/// </summary>
internal sealed class LedgerEntry
{
    public Guid Id { get; set; }
    public Guid ProductId { get; set; }

    /// <summary>Signed change of the on-hand quantity.</summary>
    public int Quantity { get; set; }

    public required string Reason { get; set; }
    public string? Note { get; set; }

    /// <summary>On hand right after this entry.</summary>
    public int OnHandAfter { get; set; }

    /// <summary>The stock version this entry produced (unique per product).</summary>
    public long Version { get; set; }

    /// <summary>For a sale: the committed reservation and its order.</summary>
    public Guid? ReservationId { get; set; }
    public Guid? OrderId { get; set; }

    /// <summary>The user who made the change (an admin, or the caller who committed the reservation).</summary>
    public Guid? ActorId { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal static class LedgerReasons
{
    public const string Receiving = "receiving";
    public const string Correction = "correction";
    public const string Damage = "damage";
    public const string Initial = "initial";
    public const string Sale = "sale";

    /// <summary>The reasons an admin may give for an adjustment.</summary>
    public static readonly string[] Adjustments = [Receiving, Correction, Damage];
}

internal enum ReservationStatus { Held, Committed, Released, Expired }

/// <summary>Units of one product held for one order line until committed, released or expired.</summary>
internal sealed class Reservation
{
    public Guid Id { get; set; }
    public Guid OrderId { get; set; }

    /// <summary>Unique: a second reservation request for the same order line returns this one.</summary>
    public Guid OrderLineId { get; set; }

    public Guid ProductId { get; set; }
    public int Quantity { get; set; }
    public ReservationStatus Status { get; set; }
    public DateTime ExpiresAt { get; set; }
    public Guid? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
