namespace TaskFlow.Inventory;

/// <summary>Configuration section <c>Inventory</c>.</summary>
internal sealed class InventoryOptions
{
    public const string Section = "Inventory";

    public ReservationOptions Reservations { get; set; } = new();

    internal sealed class ReservationOptions
    {
        /// <summary>How long a reservation holds its units when the request names no <c>expires_in_seconds</c>.</summary>
        public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromMinutes(15);

        /// <summary>The longest lifetime a request may ask for.</summary>
        public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromHours(24);

        /// <summary>How often the sweep looks for held reservations past their expiry and gives their units back.</summary>
        public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);
    }

    public bool IsValid() =>
        Reservations.DefaultLifetime > TimeSpan.Zero
        && Reservations.MaxLifetime >= Reservations.DefaultLifetime
        && Reservations.SweepInterval > TimeSpan.Zero;
}
