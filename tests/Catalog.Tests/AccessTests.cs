using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace TaskFlow.Catalog.Tests;

/// <summary>Who may do what, derived from the route table: reads are public; every other route needs the admin role.</summary>
public abstract partial class AccessTests(ShopApp app) : CatalogTestBase(app)
{
    static readonly string[] Prefixes = ["/v1/products", "/v1/categories"];

    /// <summary>Every catalog route; GETs are open to everyone, the rest are admin routes.</summary>
    static readonly (string Method, string Pattern)[] Table =
    [
        ("GET", "/v1/products"),
        ("GET", "/v1/products/{productId}"),
        ("POST", "/v1/products"),
        ("PUT", "/v1/products/{productId}"),
        ("PATCH", "/v1/products/{productId}"),
        ("DELETE", "/v1/products/{productId}"),
        ("POST", "/v1/products/import"),
        ("POST", "/v1/products/{productId}/image"),
        ("GET", "/v1/products/images/{name}"),
        ("POST", "/v1/products/{productId}/stock/refresh"),
        ("GET", "/v1/categories"),
        ("GET", "/v1/categories/{categoryId}"),
        ("POST", "/v1/categories"),
        ("PUT", "/v1/categories/{categoryId}"),
        ("DELETE", "/v1/categories/{categoryId}"),
    ];

    [GeneratedRegex(@":[a-z]+(\(.*?\))?")]
    private static partial Regex Constraint();

    IEnumerable<(string Method, string Pattern)> Routes() =>
        App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: Constraint().Replace(e.RoutePattern.RawText ?? "", "").TrimEnd('/'), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []))
            .Where(r => Prefixes.Any(p => r.Pattern.StartsWith(p, StringComparison.Ordinal)))
            .SelectMany(r => r.Methods.Select(m => (m, r.Pattern)));

    [Fact]
    public void The_table_lists_every_catalog_route()
    {
        Assert.Equal(Table.Select(r => $"{r.Method} {r.Pattern}").Order(), Routes().Select(r => $"{r.Method} {r.Pattern}").Order());
    }

    [Fact]
    public async Task A_customer_can_change_nothing_and_an_anonymous_caller_is_asked_to_sign_in()
    {
        var category = await CreateCategory(Unique("Locked"));
        var categoryName = category.GetProperty("name").GetString()!;
        var product = await CreateProduct(categoryName, "Locked product", 42m, stock: 7);
        var image = new ByteArrayContent([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { Headers = { ContentType = new("image/png") } };
        var uploaded = await Admin().PostAsync($"/v1/products/{product.GetProperty("id").GetString()}/image", new MultipartFormDataContent { { image, "file", "a.png" } }, Ct);
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var imageName = (await Json(uploaded)).GetProperty("image_url").GetString()!.Split('/')[^1];
        var ids = new Dictionary<string, string>
        {
            ["{productId}"] = product.GetProperty("id").GetString()!, ["{categoryId}"] = category.GetProperty("id").GetString()!, ["{name}"] = imageName,
        };
        var body = new { name = "Hacked", price = 0m, category = categoryName, stock_quantity = 0 };
        var before = (await GetJson($"/v1/products/{ids["{productId}"]}")).GetRawText();

        foreach (var (method, pattern) in Routes())
        {
            var path = ids.Aggregate(pattern, (p, id) => p.Replace(id.Key, id.Value, StringComparison.Ordinal));
            var anonymous = await Send(Anonymous(), new HttpMethod(method), path, method is "GET" or "DELETE" ? null : body);
            var customer = await Send(Customer(), new HttpMethod(method), path, method is "GET" or "DELETE" ? null : body);
            if (method == "GET")
            {
                Assert.True(anonymous.StatusCode == HttpStatusCode.OK, $"{method} {pattern} anonymous: {(int)anonymous.StatusCode}");
                Assert.True(customer.StatusCode == HttpStatusCode.OK, $"{method} {pattern} customer: {(int)customer.StatusCode}");
                continue;
            }
            Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"{method} {pattern} anonymous: {(int)anonymous.StatusCode}");
            Assert.True(customer.StatusCode == HttpStatusCode.Forbidden, $"{method} {pattern} customer: {(int)customer.StatusCode}");
        }

        Assert.Equal(before, (await GetJson($"/v1/products/{ids["{productId}"]}")).GetRawText());
        Assert.Equal(category.GetRawText(), (await GetJson($"/v1/categories/{ids["{categoryId}"]}")).GetRawText());
        Assert.Empty(await Outbox("ProductDeleted"));
    }
}

public sealed class SqliteAccessTests(SqliteShopApp app) : AccessTests(app), IClassFixture<SqliteShopApp>;

public sealed class PostgresAccessTests(PostgresShopApp app) : AccessTests(app), IClassFixture<PostgresShopApp>;
