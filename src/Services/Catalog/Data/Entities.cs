namespace TaskFlow.Catalog.Data;

/// <summary>A product, as the design's <c>products</c> table; <see cref="DeletedAt"/> marks a soft delete.</summary>
internal sealed class Product
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    /// <summary>Two decimals; <c>numeric(10,2)</c> on PostgreSQL, integer cents on SQLite (which cannot compare decimals).</summary>
    public decimal Price { get; set; }
    public required string Currency { get; set; }
    public Guid CategoryId { get; set; }
    public string? ImageUrl { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? DeletedAt { get; set; }
}

/// <summary>A node of the category tree; names and slugs are unique in the whole tree.</summary>
internal sealed class Category
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    /// <summary>Lower-case copy of <see cref="Name"/> with a unique index: names are unique regardless of case.</summary>
    public required string NormalizedName { get; set; }
    public required string Slug { get; set; }
    public Guid? ParentId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// The catalog's copy of a product's available stock, owned by the inventory service and fed by its <c>StockChanged</c>
/// events. <see cref="Version"/> is inventory's per-product version: an older event never overwrites a newer one.
/// Version 0 is the initial stock the catalog wrote itself when the product was created.
/// </summary>
internal sealed class ProductStock
{
    public Guid ProductId { get; set; }
    public int Available { get; set; }
    public long Version { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// One row: the catalog's version, raised in the transaction of every change to products, categories or stock.
/// Cached reads are keyed by it, so an acknowledged write is never followed by a stale read.
/// </summary>
internal sealed class CatalogState
{
    public int Id { get; set; }
    public long Version { get; set; }
}

/// <summary>A full-text match: the product and its rank (higher is better).</summary>
internal sealed class SearchHit
{
    public Guid ProductId { get; set; }
    public double Rank { get; set; }
}
