namespace TaskFlow.Catalog.Features;

/// <summary>Prices: decimal end to end, always written with two decimals (<c>1499.00</c>, never <c>1499</c> or a float).</summary>
internal static class Money
{
    /// <summary>The same amount with exactly two decimals (scale 2), so JSON shows <c>999.99</c> and <c>1499.00</c>.</summary>
    public static decimal TwoDecimals(decimal amount) => decimal.Round(amount * 1.00m, 2);

    /// <summary>Validates a price: not negative, at most two decimals, at most DECIMAL(10,2).</summary>
    public static string? Check(decimal price) => price switch
    {
        < 0 => "The price must not be negative.",
        _ when decimal.Round(price, 2) != price => "The price has at most two decimals.",
        > Data.CatalogDb.PriceMax => "The price is at most 99999999.99.",
        _ => null,
    };
}

/// <summary>Times the catalog writes: UTC, whole seconds, as the design shows them (<c>2023-10-26T09:00:00Z</c>) and alike on both providers.</summary>
internal static class Clock
{
    public static DateTime Now(TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
    }
}
