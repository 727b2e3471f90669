namespace TaskFlow.Catalog.Features;

/// <summary>The design's examples, shown in the OpenAPI document.</summary>
internal static class Examples
{
    static readonly DateTime Created = new(2023, 1, 1, 10, 0, 0, DateTimeKind.Utc);
    static readonly DateTime Updated = new(2023, 10, 25, 15, 30, 0, DateTimeKind.Utc);

    public static readonly ProductResponse Product = new(Guid.Parse("0193a7f0-7b1e-7c3a-9d41-6f2b8c1e0a01"), "Smartphone X", "Latest model smartphone...",
        999.99m, "USD", "Electronics", 150, "https://cdn.ecommerce.com/images/prod_123.jpg", Created, Updated);

    public static readonly ProductPage Page = new([Product], new PageMetadata(1000, 20, 0));

    public static readonly ProductRequest NewProduct = new("New Laptop Pro", "High-performance laptop.", 1499.00m, "USD", "Electronics", 50,
        "https://cdn.ecommerce.com/images/new_laptop.jpg");

    public static readonly CategoryResponse Category = new(Guid.Parse("0193a7f0-7b1e-7c3a-9d41-6f2b8c1e0b02"), "Smartphones", "smartphones",
        Guid.Parse("0193a7f0-7b1e-7c3a-9d41-6f2b8c1e0b01"), Created, Created);

    public static readonly ImportReport Import = new(2, 1,
        [Guid.Parse("0193a7f0-7b1e-7c3a-9d41-6f2b8c1e0a02"), Guid.Parse("0193a7f0-7b1e-7c3a-9d41-6f2b8c1e0a03")],
        [new ImportError(3, "price", "The price has at most two decimals.")]);

    public static readonly CategoryRequest NewCategory = new("Smartphones", "smartphones", Guid.Parse("0193a7f0-7b1e-7c3a-9d41-6f2b8c1e0b01"));
}
