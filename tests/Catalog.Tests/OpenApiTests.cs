using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace TaskFlow.Catalog.Tests;

/// <summary>The shop's OpenAPI document: every catalog and inventory route, and the design's examples for products.</summary>
public sealed partial class OpenApiTests(SqliteShopApp app) : IClassFixture<SqliteShopApp>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static readonly string[] Prefixes = ["/v1/products", "/v1/categories", "/v1/inventory"];

    [GeneratedRegex(@":[a-z]+(\(.*?\))?")]
    private static partial Regex Constraint();

    async Task<JsonElement> Document() => await app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);

    [Fact]
    public async Task Every_catalog_and_inventory_route_is_in_the_shops_openapi_document()
    {
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: Constraint().Replace(e.RoutePattern.RawText ?? "", "").TrimEnd('/'), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []))
            .Where(r => Prefixes.Any(p => r.Pattern.StartsWith(p, StringComparison.Ordinal)))
            .SelectMany(r => r.Methods.Select(m => $"{m} {r.Pattern}"))
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(routes.Count >= 25, string.Join('\n', routes));

        var paths = (await Document()).GetProperty("paths");
        var documented = paths.EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name.TrimEnd('/')}"))
            .Where(r => Prefixes.Any(p => r.Split(' ')[1].StartsWith(p, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(routes, documented);

        // Every operation says what it does.
        foreach (var path in paths.EnumerateObject().Where(p => Prefixes.Any(x => p.Name.StartsWith(x, StringComparison.Ordinal))))
            foreach (var operation in path.Value.EnumerateObject())
                Assert.True(operation.Value.TryGetProperty("summary", out var summary) && summary.GetString() is { Length: > 0 }, $"{operation.Name} {path.Name} has no summary");
    }

    [Fact]
    public async Task The_product_examples_are_the_designs_in_snake_case_with_data_and_metadata()
    {
        var schemas = (await Document()).GetProperty("components").GetProperty("schemas");
        string[] productFields = ["id", "name", "description", "price", "currency", "category", "stock_quantity", "image_url", "created_at", "updated_at"];

        var product = schemas.GetProperty("ProductResponse").GetProperty("examples")[0];
        Assert.Equal(productFields, product.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Smartphone X", product.GetProperty("name").GetString());
        Assert.Equal("999.99", product.GetProperty("price").GetRawText());
        Assert.Equal("Electronics", product.GetProperty("category").GetString());
        Assert.Equal(150, product.GetProperty("stock_quantity").GetInt32());
        Assert.Equal("https://cdn.ecommerce.com/images/prod_123.jpg", product.GetProperty("image_url").GetString());
        Assert.Equal("2023-01-01T10:00:00Z", product.GetProperty("created_at").GetString());
        Assert.Equal("2023-10-25T15:30:00Z", product.GetProperty("updated_at").GetString());
        Assert.Equal(productFields, schemas.GetProperty("ProductResponse").GetProperty("properties").EnumerateObject().Select(p => p.Name));

        var page = schemas.GetProperty("ProductPage").GetProperty("examples")[0];
        Assert.Equal(["data", "metadata"], page.EnumerateObject().Select(p => p.Name));
        Assert.Equal(productFields, page.GetProperty("data")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["total", "limit", "offset"], page.GetProperty("metadata").EnumerateObject().Select(p => p.Name));
        Assert.Equal(1000, page.GetProperty("metadata").GetProperty("total").GetInt32());

        var request = schemas.GetProperty("ProductRequest").GetProperty("examples")[0];
        Assert.Equal("New Laptop Pro", request.GetProperty("name").GetString());
        Assert.Equal("1499.00", request.GetProperty("price").GetRawText());
        Assert.Equal(50, request.GetProperty("stock_quantity").GetInt32());

        var import = schemas.GetProperty("ImportReport").GetProperty("examples")[0];
        Assert.Equal(["imported", "rejected", "product_ids", "row_errors"], import.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["row", "field", "message"], import.GetProperty("row_errors")[0].EnumerateObject().Select(p => p.Name));
    }
}
