using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Inventory.Contracts;

namespace TaskFlow.Inventory.Tests;

/// <summary>
/// The shop all-in-one (<c>--app shop</c>: identity, notifications, catalog, inventory) trusting test tokens that carry roles (the standard <c>role</c> claim), with a fast expiry sweep,
/// and a consumer that records every <see cref="StockChanged"/> the transport delivers (read as the contract record).
/// PostgreSQL connections per database are capped so that 200 concurrent requests queue in the pool instead of
/// exhausting the shared server's 100 connections; they still contend for the same row.
/// </summary>
public class InventoryApp(Provider provider) : TestTokenApp(provider)
{
    public ConcurrentQueue<StockChanged> Delivered { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("app", "shop"),
        new("Catalog:DemoData", "false"),
        new("Inventory:Reservations:SweepInterval", "00:00:00.200"),
        new("Data:Postgres", new NpgsqlConnectionStringBuilder(PostgresConnection) { MaxPoolSize = 20 }.ConnectionString),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<ISigningKeySource>(new TestKeys(TestTokens.PublicKey, RoleTokens.PublicKey));
            s.AddSingleton(new EventSubscription("inventory-tests", "inventory-tests.stock-changed", nameof(StockChanged), (_, envelope, _) =>
            {
                Delivered.Enqueue(JsonSerializer.Deserialize<StockChanged>(envelope.Payload, EventEnvelope.Json)!);
                return Task.CompletedTask;
            }));
        });
    }
}

public sealed class SqliteInventoryApp() : InventoryApp(Provider.Sqlite);

public sealed class PostgresInventoryApp() : InventoryApp(Provider.Postgres);

/// <summary>ES256 access tokens like the identity service's, plus <c>role</c> claims (one string, or an array for several).</summary>
public static class RoleTokens
{
    static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    const string KeyId = "inventory-test-roles";

    public static SecurityKey PublicKey { get; } = new ECDsaSecurityKey(ECDsa.Create(Key.ExportParameters(includePrivateParameters: false))) { KeyId = KeyId };

    public static string For(TestUser user, params string[] roles)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = user.Id.ToString(),
            ["email"] = user.Email,
            ["name"] = user.DisplayName,
            ["email_verified"] = "true",
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (roles.Length == 1) claims["role"] = roles[0];
        else if (roles.Length > 1) claims["role"] = roles;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "taskflow",
            Audience = "taskflow-api",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(15),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(Key) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha256),
        });
    }

    public static HttpClient Client(this TaskFlowApp app, TestUser user, params string[] roles)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", For(user, roles));
        return client;
    }
}
