using TaskFlow.TestKit;

namespace TaskFlow.Catalog.Tests;

/// <summary>The shop all-in-one (<c>--app shop</c>) trusting test tokens, without the demo catalog.</summary>
public class ShopApp(Provider provider) : TestTokenApp(provider)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("app", "shop"),
        new("Catalog:DemoData", "false"),
        new("Messaging:OutboxPollInterval", "00:00:00.100"),
    ];
}

public sealed class SqliteShopApp() : ShopApp(Provider.Sqlite);

public sealed class PostgresShopApp() : ShopApp(Provider.Postgres);
