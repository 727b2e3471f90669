using System.Text.Json.Serialization;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary>A product's fields as an admin sends them (POST, PUT), snake_case as in the design.</summary>
/// <param name="Name">Required, 1–255 characters.</param>
/// <param name="Description">Optional text.</param>
/// <param name="Price">Required, 0 or more, at most two decimals.</param>
/// <param name="Currency">ISO 4217 code; USD when absent.</param>
/// <param name="Category">Required: an existing category's name or slug.</param>
/// <param name="StockQuantity">POST only: units in stock to start with (0 when absent); later changes go through the inventory service.</param>
/// <param name="ImageUrl">Optional absolute http(s) address, at most 2048 characters, or an uploaded image's <c>/v1/products/images/{name}</c>.</param>
internal sealed record ProductRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("price")] decimal? Price,
    [property: JsonPropertyName("currency")] string? Currency,
    [property: JsonPropertyName("category")] string? Category,
    [property: JsonPropertyName("stock_quantity")] int? StockQuantity,
    [property: JsonPropertyName("image_url")] string? ImageUrl);

/// <summary>Validation of product fields, shared by create, replace and patch; errors are keyed by the JSON field name.</summary>
internal static class ProductInput
{
    public const int DescriptionMax = 20_000;

    public static string? Name(string? name, Dictionary<string, string[]> errors)
    {
        var value = name?.Trim();
        if (string.IsNullOrEmpty(value)) errors["name"] = ["name is required."];
        else if (value.Length > CatalogDb.NameMax) errors["name"] = [$"name is at most {CatalogDb.NameMax} characters."];
        else return value;
        return null;
    }

    public static string? Description(string? description, Dictionary<string, string[]> errors)
    {
        if (description is { Length: > DescriptionMax }) errors["description"] = [$"description is at most {DescriptionMax} characters."];
        return string.IsNullOrWhiteSpace(description) ? null : description;
    }

    public static decimal? Price(decimal? price, Dictionary<string, string[]> errors)
    {
        if (price is null) errors["price"] = ["price is required."];
        else if (Money.Check(price.Value) is { } problem) errors["price"] = [problem];
        else return price.Value;
        return null;
    }

    public static string Currency(string? currency, Dictionary<string, string[]> errors)
    {
        if (currency is null) return "USD";
        var code = currency.Trim().ToUpperInvariant();
        if (code.Length != 3 || !Currencies.IsKnown(code)) errors["currency"] = ["currency must be an ISO 4217 code such as USD or EUR."];
        return code;
    }

    public static CategoryTree.Node? Category(string? category, CategoryTree tree, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(category)) errors["category"] = ["category is required: a category's name or slug."];
        else if (tree.Find(category) is { } node) return node;
        else errors["category"] = [$"There is no category named '{category.Trim()}'."];
        return null;
    }

    public static string? ImageUrl(string? imageUrl, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(imageUrl)) return null;
        if (ProductImages.IsOwnUrl(imageUrl)) return imageUrl;
        if (imageUrl.Length > CatalogDb.ImageUrlMax) errors["image_url"] = [$"image_url is at most {CatalogDb.ImageUrlMax} characters."];
        else if (!Uri.TryCreate(imageUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            errors["image_url"] = ["image_url must be an absolute http or https address."];
        return imageUrl;
    }

    public static int Stock(int? stock, Dictionary<string, string[]> errors)
    {
        if (stock is < 0) errors["stock_quantity"] = ["stock_quantity must be 0 or more."];
        return stock ?? 0;
    }
}
