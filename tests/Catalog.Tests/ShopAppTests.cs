using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using TaskFlow.TestKit;

namespace TaskFlow.Catalog.Tests;

/// <summary>The shop all-in-one with real sign-in (identity's own keys) and the admins named in configuration.</summary>
public sealed class ShopWithAdminsApp() : TaskFlowApp(Provider.Sqlite)
{
    public const string AdminEmail = "owner@shop.example";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("app", "shop"),
        new("Catalog:DemoData", "false"),
        new("Shop:Admins", $"someone-else@shop.example, {AdminEmail.ToUpperInvariant()}"),
        new("Identity:LoginLimits:Enabled", "false"),
    ];
}

/// <summary>The shop with its demo catalog, as a first run shows it.</summary>
public sealed class ShopWithDemoApp() : TaskFlowApp(Provider.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("app", "shop")];
}

public sealed partial class ShopAdminTests(ShopWithAdminsApp app) : IClassFixture<ShopWithAdminsApp>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex TokenPattern();

    async Task<string> SignIn(string email)
    {
        var client = app.CreateClient();
        await Accounts.Register(client, email);
        return await Accounts.SignIn(client, email, "correct-Horse-battery-9");
    }

    async Task Verify(string email)
    {
        var mail = await app.WaitForMail(email, m => TokenPattern().IsMatch(m.TextBody ?? m.HtmlBody ?? ""));
        var token = TokenPattern().Match(mail.TextBody ?? mail.HtmlBody ?? "").Groups[1].Value;
        Assert.NotEmpty(token);
        Assert.Equal(HttpStatusCode.NoContent, (await app.CreateClient().PostAsJsonAsync("/v1/auth/email/verify", new { token }, Ct)).StatusCode);
    }

    static string? Role(string token) => new JsonWebToken(token).TryGetPayloadValue<string>("role", out var role) ? role : null;

    [Fact]
    public async Task An_account_named_in_Shop_Admins_gets_the_admin_role_once_its_email_is_verified()
    {
        var unverified = await SignIn(ShopWithAdminsApp.AdminEmail);
        Assert.Null(Role(unverified));
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Authorized(unverified).PostAsJsonAsync("/v1/categories", new { name = "Too early" }, Ct)).StatusCode);

        await Verify(ShopWithAdminsApp.AdminEmail);
        var admin = await Accounts.SignIn(app.CreateClient(), ShopWithAdminsApp.AdminEmail, "correct-Horse-battery-9");
        Assert.Equal("admin", Role(admin));
        var created = await app.Authorized(admin).PostAsJsonAsync("/v1/categories", new { name = "Electronics" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var product = await app.Authorized(admin).PostAsJsonAsync("/v1/products", new { name = "Smartphone X", price = 999.99m, category = "Electronics", stock_quantity = 150 }, Ct);
        Assert.Equal(HttpStatusCode.Created, product.StatusCode);
    }

    [Fact]
    public async Task Every_other_account_is_a_customer_who_gets_403_on_admin_routes()
    {
        var email = $"customer-{Guid.NewGuid():N}@example.test";
        await SignIn(email);
        await Verify(email);
        var customer = await Accounts.SignIn(app.CreateClient(), email, "correct-Horse-battery-9");
        Assert.Null(Role(customer));
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Authorized(customer).PostAsJsonAsync("/v1/categories", new { name = "Nope" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Authorized(customer).GetAsync("/v1/products", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_shop_runs_identity_notifications_and_catalog_but_none_of_TaskFlows_services()
    {
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/products", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/.well-known/jwks.json", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/workspaces", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/projects/" + Guid.NewGuid(), Ct)).StatusCode);
        Assert.True(File.Exists(Path.Combine(app.DataDir, "catalog.db")));
        Assert.True(File.Exists(Path.Combine(app.DataDir, "identity.db")));
        Assert.False(File.Exists(Path.Combine(app.DataDir, "workspaces.db")));
    }
}

public sealed class ShopDemoTests(ShopWithDemoApp app) : IClassFixture<ShopWithDemoApp>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_shop_database_starts_with_a_demo_catalog_in_a_category_tree_with_stock()
    {
        var client = app.CreateClient();
        var all = await client.GetFromJsonAsync<JsonElement>("/v1/products?limit=100", Ct);
        Assert.InRange(all.GetProperty("metadata").GetProperty("total").GetInt32(), 300, 1000);
        var categories = (await client.GetFromJsonAsync<JsonElement>("/v1/categories", Ct)).GetProperty("data").EnumerateArray().ToList();
        Assert.True(categories.Count(c => c.GetProperty("parent_id").ValueKind == JsonValueKind.Null) >= 4, "several top-level categories");
        Assert.True(categories.Count(c => c.GetProperty("parent_id").ValueKind != JsonValueKind.Null) >= 10, "subcategories under them");
        Assert.Contains(all.GetProperty("data").EnumerateArray(), p => p.GetProperty("stock_quantity").GetInt32() > 0);

        var electronics = await client.GetFromJsonAsync<JsonElement>("/v1/products?category=electronics&search=smart&limit=5", Ct);
        Assert.True(electronics.GetProperty("metadata").GetProperty("total").GetInt32() > 0);
        Assert.All(electronics.GetProperty("data").EnumerateArray(), p => Assert.Contains("smart", (p.GetProperty("name").GetString() + p.GetProperty("description").GetString()).ToLowerInvariant(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Demo_products_show_images_shipped_in_the_repository_served_by_the_shop_itself()
    {
        var client = app.CreateClient();
        var all = await client.GetFromJsonAsync<JsonElement>("/v1/products?limit=100", Ct);
        var urls = all.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("image_url").GetString()).ToList();
        Assert.All(urls, url => Assert.StartsWith("/v1/products/images/demo-", url, StringComparison.Ordinal));
        foreach (var url in urls.Distinct())
        {
            var image = await client.GetAsync(url, Ct);
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", image.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal((byte[])[0x89, 0x50, 0x4E, 0x47], (await image.Content.ReadAsByteArrayAsync(Ct))[..4]);
        }
    }
}

/// <summary>TaskFlow stays the default product of the host.</summary>
public sealed class DefaultAppTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Without_the_switch_the_host_is_TaskFlow_without_the_catalog()
    {
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/products", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/workspaces", TestContext.Current.CancellationToken)).StatusCode);
    }
}
