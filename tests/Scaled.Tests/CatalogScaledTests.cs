using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Inventory.Contracts;

namespace TaskFlow.Scaled.Tests;

/// <summary>
/// The shop scaled out: the catalog as its own process (<c>--app shop --services catalog</c>) on PostgreSQL, RabbitMQ
/// and Redis (second-level cache), behind the shop's gateway. Stock arrives as inventory's StockChanged over the broker.
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
            IEnumerable<KeyValuePair<string, string?>> Catalog(int instance) =>
            [
                new("app", "shop"),
                new("DataDir", Path.Combine(dataDir, "catalog" + instance)),
                new("Data:Provider", "Postgres"),
                new("Data:Postgres", Servers.Postgres),
                new("Data:DatabasePrefix", prefix),
                new("Messaging:Transport", "RabbitMQ"),
                new("Messaging:RabbitMQ", virtualHost.Uri.ToString()),
                new("Messaging:OutboxPollInterval", "00:00:00.200"),
                new("Redis:Configuration", Environment.GetEnvironmentVariable("TASKFLOW_TEST_REDIS") is { Length: > 0 } redis ? redis : "127.0.0.1:6379"),
                new("Auth:JwksUrl", jwks.Url),
            ];
            var catalog = await processes.Start("catalog", "catalog", Catalog(1));
            var gateway = await processes.Start("gateway", "gateway",
            [
                new("app", "shop"),
                new("Gateway:Services:catalog", catalog.BaseAddress.ToString()),
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

            // Inventory's StockChanged over the broker reaches the copy; the cached product shows it.
            await Publish(virtualHost.Uri, new StockChanged(id, 150, 30, 120, 1) { Cause = "reserved" });
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await anonymous.GetFromJsonAsync<JsonElement>($"/v1/products/{id}", Ct)).GetProperty("stock_quantity").GetInt32() != 120)
            {
                Assert.True(DateTime.UtcNow < deadline, "StockChanged did not reach the catalog.");
                await Task.Delay(100, Ct);
            }

            // A second instance shares the database and the Redis cache level; an acknowledged write on one shows on both.
            var second = await processes.Start("catalog2", "catalog", Catalog(2));
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

    /// <summary>Publishes an event as a producing service's outbox relay would (exchange <c>shop.events</c>, routing key the type name).</summary>
    static async Task Publish(Uri broker, IntegrationEvent integrationEvent)
    {
        var envelope = OutboxMessage.From(integrationEvent, null).ToEnvelope();
        var factory = new ConnectionFactory { Uri = broker };
        await using var connection = await factory.CreateConnectionAsync(Ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Ct);
        var properties = new BasicProperties
        {
            MessageId = envelope.Id.ToString(),
            Type = envelope.Type,
            ContentType = "application/json",
            Persistent = true,
            Timestamp = new AmqpTimestamp(new DateTimeOffset(envelope.OccurredAt).ToUnixTimeSeconds()),
        };
        await channel.BasicPublishAsync("shop.events", envelope.Type, mandatory: false, properties, Encoding.UTF8.GetBytes(envelope.Payload), Ct);
    }
}
