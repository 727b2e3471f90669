using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TaskFlow.Scaled.Tests;

/// <summary>
/// The shop scaled out: catalog and inventory as their own processes (<c>--app shop --services catalog</c>, <c>… inventory</c>)
/// on PostgreSQL, RabbitMQ and Redis (the catalog's second-level cache), behind the shop's gateway. The initial stock
/// travels to inventory in ProductCreated and stock comes back to the catalog in StockChanged, over the broker.
/// </summary>
public sealed class CatalogScaledTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_catalog_serves_the_designs_api_behind_the_gateway_and_follows_stock_events_over_the_broker()
    {
        using var jwks = new TestJwks();
        await using var virtualHost = await RabbitVirtualHost.Create();
        var prefix = Servers.NewDatabasePrefix();
        var dataDir = Servers.NewDataDir();
        try
        {
            await using var processes = new ProcessGroup();
            IEnumerable<KeyValuePair<string, string?>> Service(string folder) =>
            [
                new("app", "shop"),
                new("DataDir", Path.Combine(dataDir, folder)),
                new("Data:Provider", "Postgres"),
                new("Data:Postgres", Servers.Postgres),
                new("Data:DatabasePrefix", prefix),
                new("Messaging:Transport", "RabbitMQ"),
                new("Messaging:RabbitMQ", virtualHost.Uri.ToString()),
                new("Messaging:OutboxPollInterval", "00:00:00.200"),
                new("Redis:Configuration", Environment.GetEnvironmentVariable("TASKFLOW_TEST_REDIS") is { Length: > 0 } redis ? redis : "127.0.0.1:6379"),
                new("Auth:JwksUrl", jwks.Url),
            ];
            var catalog = await processes.Start("catalog", "catalog", Service("catalog1"));
            var inventory = await processes.Start("inventory", "inventory", Service("inventory"));
            var gateway = await processes.Start("gateway", "gateway",
            [
                new("app", "shop"),
                new("Gateway:Services:catalog", catalog.BaseAddress.ToString()),
                new("Gateway:Services:inventory", inventory.BaseAddress.ToString()),
                new("Auth:JwksUrl", jwks.Url),
                new("RateLimits:Enabled", "false"),
            ]);
            using var admin = gateway.CreateClient();
            admin.DefaultRequestHeaders.Authorization = Account.Bearer(jwks.Token(Guid.NewGuid(), Account.NewEmail(), role: "admin"));
            using var customer = gateway.CreateClient();
            customer.DefaultRequestHeaders.Authorization = Account.Bearer(jwks.Token(Guid.NewGuid(), Account.NewEmail()));
            using var anonymous = gateway.CreateClient();

            // The scaled-out shape never loads the demo catalog.
            var empty = await anonymous.GetFromJsonAsync<JsonElement>("/v1/products", Ct);
            Assert.Equal(0, empty.GetProperty("metadata").GetProperty("total").GetInt32());

            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/v1/categories", new { name = "Electronics" }, Ct)).StatusCode);
            var body = new { name = "Smartphone X", description = "Latest model smartphone...", price = 999.99m, currency = "USD", category = "Electronics", stock_quantity = 150 };
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/v1/products", body, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await customer.PostAsJsonAsync("/v1/products", body, Ct)).StatusCode);
            var created = await admin.PostAsJsonAsync("/v1/products", body, Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

            var list = await anonymous.GetStringAsync("/v1/products?search=smart", Ct);
            Assert.Contains("\"price\":999.99,", list);
            Assert.Contains("\"stock_quantity\":150,", list);
            Assert.Contains("\"total\":1,", list);

            // Inventory opens the stock from ProductCreated (over the broker).
            var deadline = DateTime.UtcNow.AddSeconds(30);
            HttpResponseMessage stock;
            while ((stock = await admin.GetAsync($"/v1/inventory/{id}", Ct)).StatusCode == HttpStatusCode.NotFound)
            {
                Assert.True(DateTime.UtcNow < deadline, "ProductCreated did not reach inventory.");
                await Task.Delay(100, Ct);
            }
            Assert.Equal(HttpStatusCode.OK, stock.StatusCode);
            Assert.Equal(150, (await stock.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("on_hand").GetInt32());

            // An admin's adjustment at inventory reaches the catalog's copy over the broker; the cached product shows it.
            var adjusted = await admin.PostAsJsonAsync($"/v1/inventory/{id}/adjustments", new { quantity = -30, reason = "damage" }, Ct);
            Assert.True(adjusted.IsSuccessStatusCode, await adjusted.Content.ReadAsStringAsync(Ct));
            deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await anonymous.GetFromJsonAsync<JsonElement>($"/v1/products/{id}", Ct)).GetProperty("stock_quantity").GetInt32() != 120)
            {
                Assert.True(DateTime.UtcNow < deadline, "StockChanged did not reach the catalog.");
                await Task.Delay(100, Ct);
            }

            // A second instance shares the database and the Redis cache level; an acknowledged write on one shows on both.
            var second = await processes.Start("catalog2", "catalog", Service("catalog2"));
            using var direct = second.CreateClient();
            Assert.Equal(120, (await direct.GetFromJsonAsync<JsonElement>($"/v1/products/{id}", Ct)).GetProperty("stock_quantity").GetInt32());
            var patch = new HttpRequestMessage(HttpMethod.Patch, $"/v1/products/{id}") { Content = JsonContent.Create(new { price = 899.00m }) };
            Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(patch, Ct)).StatusCode);
            Assert.Contains("\"price\":899.00,", await direct.GetStringAsync($"/v1/products/{id}", Ct));
            Assert.Contains("\"price\":899.00,", await anonymous.GetStringAsync($"/v1/products/{id}", Ct));
        }
        finally
        {
            await TaskFlow.TestKit.TaskFlowApp.DropDatabases(prefix);
        }
    }
}
