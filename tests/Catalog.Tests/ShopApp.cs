using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Catalog.Data;
using TaskFlow.TestKit;

namespace TaskFlow.Catalog.Tests;

/// <summary>The shop all-in-one (<c>--app shop</c>) trusting test tokens, without the demo catalog; <see cref="Commands"/> logs the catalog's SQL.</summary>
public class ShopApp(Provider provider) : TestTokenApp(provider)
{
    public CommandLog Commands { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("app", "shop"),
        new("Catalog:DemoData", "false"),
        new("Messaging:OutboxPollInterval", "00:00:00.100"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.ConfigureDbContext<SqliteCatalogDb>(o => o.AddInterceptors(Commands));
            services.ConfigureDbContext<PostgresCatalogDb>(o => o.AddInterceptors(Commands));
        });
    }
}

public sealed class SqliteShopApp() : ShopApp(Provider.Sqlite);

public sealed class PostgresShopApp() : ShopApp(Provider.Postgres);
