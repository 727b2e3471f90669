using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary>A product as the design's API shows it: snake_case fields, <c>category</c> the category's name, price with two decimals.</summary>
/// <param name="Id">The product's id.</param>
/// <param name="Name">Its name (1–255 characters).</param>
/// <param name="Description">Its description, or null.</param>
/// <param name="Price">Its price, a JSON number with two decimals.</param>
/// <param name="Currency">ISO 4217 code of the price.</param>
/// <param name="Category">The name of its category.</param>
/// <param name="StockQuantity">Units available to buy, from the inventory service.</param>
/// <param name="ImageUrl">Absolute http(s) address of its image, or null.</param>
/// <param name="CreatedAt">When it was created (UTC).</param>
/// <param name="UpdatedAt">When it last changed (UTC).</param>
internal sealed record ProductResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("price")] decimal Price,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("stock_quantity")] int StockQuantity,
    [property: JsonPropertyName("image_url")] string? ImageUrl,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt)
{
    /// <summary>Normalises what came from the database (two-decimal price, UTC times).</summary>
    public ProductResponse Normalized() => this with
    {
        Price = Money.TwoDecimals(Price),
        CreatedAt = DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc),
        UpdatedAt = DateTime.SpecifyKind(UpdatedAt, DateTimeKind.Utc),
    };
}

/// <summary>A page of products: <c>{"data":[…],"metadata":{"total","limit","offset"}}</c>.</summary>
/// <param name="Data">The products of this page.</param>
/// <param name="Metadata">Paging, and facet counts when asked for.</param>
internal sealed record ProductPage(
    [property: JsonPropertyName("data")] IReadOnlyList<ProductResponse> Data,
    [property: JsonPropertyName("metadata")] PageMetadata Metadata);

/// <summary>Paging of a product list.</summary>
/// <param name="Total">Products matching the filter, over all pages.</param>
/// <param name="Limit">Page size asked for (1–100, default 20).</param>
/// <param name="Offset">Products skipped (default 0).</param>
/// <param name="Facets">Only with <c>facets=category</c>: matching products per category.</param>
internal sealed record PageMetadata(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("facets"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Facets? Facets = null);

/// <summary>Facet counts of a product list.</summary>
/// <param name="Category">Matching products per category (the category a product is filed under), most first.</param>
internal sealed record Facets([property: JsonPropertyName("category")] IReadOnlyList<CategoryFacet> Category);

/// <summary>Matching products in one category.</summary>
internal sealed record CategoryFacet(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("slug")] string Slug,
    [property: JsonPropertyName("count")] int Count);

internal static class ProductQueries
{
    public static IQueryable<Product> Visible(CatalogDb db) => db.Products.AsNoTracking().Where(p => p.DeletedAt == null);

    /// <summary>One visible product as a response; a compiled query (per model: the tests hold both providers' in one process).</summary>
    public static async Task<ProductResponse?> One(CatalogDb db, Guid id, CancellationToken ct) =>
        (await CompiledOne.GetValue(db.Model, _ => EF.CompileAsyncQuery(OneShape))(db, id, ct))?.Normalized();

    static readonly Expression<Func<CatalogDb, Guid, CancellationToken, ProductResponse?>> OneShape = (db, id, ct) =>
        (from p in db.Products.AsNoTracking()
         where p.Id == id && p.DeletedAt == null
         join c in db.Categories on p.CategoryId equals c.Id
         join s in db.Stock on p.Id equals s.ProductId into stock
         from s in stock.DefaultIfEmpty()
         select new ProductResponse(p.Id, p.Name, p.Description, p.Price, p.Currency, c.Name, s == null ? 0 : s.Available, p.ImageUrl, p.CreatedAt, p.UpdatedAt))
        .FirstOrDefault();

    static readonly ConditionalWeakTable<IModel, Func<CatalogDb, Guid, CancellationToken, Task<ProductResponse?>>> CompiledOne = [];

    /// <summary>The JSON the product endpoints write (the attributes above name the fields; nulls are kept, as in the design).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
