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
    /// <summary>
    /// Read-your-writes of stock scaled out (docs/adr/0038-shop-stock-read-your-writes.md). Both processes run on the
    /// in-process transport, so no event can ever travel between them: the only way the catalog learns a change is the
    /// refresh inventory asks for before it answers. Every read right after a 2xx must show the new stock.
    /// </summary>
    [Fact]
    public async Task After_a_stock_change_is_acknowledged_the_very_next_product_read_through_the_gateway_shows_it()
    {
        using var jwks = new TestJwks();
        var prefix = Servers.NewDatabasePrefix();
        var dataDir = Servers.NewDataDir();
        try
        {
            await using var processes = new ProcessGroup();
            var catalogPort = HostProcess.FreePort();
            var inventoryPort = HostProcess.FreePort();
            IEnumerable<KeyValuePair<string, string?>> Service(string folder) =>
            [
                new("app", "shop"),
                new("DataDir", Path.Combine(dataDir, folder)),
                new("Data:Provider", "Postgres"),
                new("Data:Postgres", Servers.Postgres),
                new("Data:DatabasePrefix", prefix),
                new("Messaging:Transport", "InProcess"),
                new("Auth:JwksUrl", jwks.Url),
                new("Catalog:InventoryUrl", $"http://127.0.0.1:{inventoryPort}"),
                new("Inventory:CatalogUrl", $"http://127.0.0.1:{catalogPort}"),
            ];
            // Each names the other's address, so both ports are chosen before either starts.
            HostProcess[] started = [await processes.Start("catalog", "catalog", Service("catalog"), catalogPort), await processes.Start("inventory", "inventory", Service("inventory"), inventoryPort)];
            var gateway = await processes.Start("gateway", "gateway",
            [
                new("app", "shop"),
                new("Gateway:Services:catalog", started[0].BaseAddress.ToString()),
                new("Gateway:Services:inventory", started[1].BaseAddress.ToString()),
                new("Auth:JwksUrl", jwks.Url),
                new("RateLimits:Enabled", "false"),
            ]);
            using var admin = gateway.CreateClient();
            admin.DefaultRequestHeaders.Authorization = Account.Bearer(jwks.Token(Guid.NewGuid(), Account.NewEmail(), role: "admin"));
            using var checkout = gateway.CreateClient();
            checkout.DefaultRequestHeaders.Authorization = Account.Bearer(jwks.Token(Guid.NewGuid(), Account.NewEmail(), role: "checkout"));
            using var customer = gateway.CreateClient();
            customer.DefaultRequestHeaders.Authorization = Account.Bearer(jwks.Token(Guid.NewGuid(), Account.NewEmail()));
            using var anonymous = gateway.CreateClient();
            async Task<int> Stock(Guid id) => (await anonymous.GetFromJsonAsync<JsonElement>($"/v1/products/{id}", Ct)).GetProperty("stock_quantity").GetInt32();

            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/v1/categories", new { name = "Electronics" }, Ct)).StatusCode);

            // POST with stock_quantity: the product shows its stock at once, every time.
            for (var i = 0; i < 20; i++)
            {
                var created = await admin.PostAsJsonAsync("/v1/products", new { name = $"Phone {i}", price = 10m, currency = "USD", category = "Electronics", stock_quantity = 100 + i }, Ct);
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                var createdId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
                Assert.Equal(100 + i, await Stock(createdId));
            }

            var made = await admin.PostAsJsonAsync("/v1/products", new { name = "Smartphone X", price = 999.99m, currency = "USD", category = "Electronics", stock_quantity = 5 }, Ct);
            var id = (await made.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
            Assert.Equal(5, await Stock(id));

            // Nothing reaches inventory by event here, so an admin opens the stock there (PUT), then adjusts it 20 times.
            var set = await admin.PutAsJsonAsync($"/v1/inventory/{id}", new { on_hand = 50 }, Ct);
            Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync(Ct));
            Assert.Equal(50, await Stock(id));
            var expected = 50;
            for (var i = 1; i <= 20; i++)
            {
                var quantity = i % 2 == 0 ? -i : i + 3;
                var adjusted = await admin.PostAsJsonAsync($"/v1/inventory/{id}/adjustments", new { quantity, reason = quantity > 0 ? "receiving" : "damage" }, Ct);
                Assert.True(adjusted.IsSuccessStatusCode, await adjusted.Content.ReadAsStringAsync(Ct));
                expected += quantity;
                Assert.Equal(expected, await Stock(id));
            }

            // A reservation by the checkout, then its release: each shows at once (list and search pages too).
            var reserved = await checkout.PostAsJsonAsync("/v1/inventory/reservations", new { order_id = Guid.NewGuid(), order_line_id = Guid.NewGuid(), product_id = id, quantity = 7 }, Ct);
            Assert.Equal(HttpStatusCode.Created, reserved.StatusCode);
            Assert.Equal(expected - 7, await Stock(id));
            Assert.Contains($"\"stock_quantity\":{expected - 7},", await anonymous.GetStringAsync("/v1/products?search=smartphone", Ct));
            var reservation = (await reserved.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
            var released = await checkout.PostAsync($"/v1/inventory/reservations/{reservation}/release", null, Ct);
            Assert.True(released.IsSuccessStatusCode, await released.Content.ReadAsStringAsync(Ct));
            Assert.Equal(expected, await Stock(id));

            // The refresh itself trusts nobody: a customer gets 403, anonymous 401, and an admin's call only makes the copy current.
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/v1/products/{id}/stock/refresh", null, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await customer.PostAsync($"/v1/products/{id}/stock/refresh", null, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/v1/products/{id}/stock/refresh", null, Ct)).StatusCode);
            Assert.Equal(expected, await Stock(id));
        }
        finally
        {
            await TaskFlow.TestKit.TaskFlowApp.DropDatabases(prefix);
        }
    }
}
