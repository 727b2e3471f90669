using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace TaskFlow.Integrations.Tests;

/// <summary>
/// The all-in-one host with fast delivery polling and retries (3 attempts, 50 ms base backoff).
/// <paramref name="allowPrivateNetworks"/> lets webhooks reach the local receiver on 127.0.0.1; without it the
/// production SSRF rules apply. <paramref name="trustsMintedTokens"/>: tokens from <see cref="TestTokens"/> are
/// accepted besides identity's (for suites that do not test access).
/// </summary>
public class IntegrationsApp(Provider provider, bool allowPrivateNetworks, bool trustsMintedTokens = true) : TaskFlowApp(provider)
{
    public bool AllowsPrivateNetworks => allowPrivateNetworks;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (trustsMintedTokens) builder.ConfigureTestServices(TestTokenApp.TrustMintedTokens);
    }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Integrations:AllowPrivateNetworks", allowPrivateNetworks ? "true" : "false"),
        new("Integrations:PollInterval", "00:00:00.100"),
        new("Integrations:RetryBaseDelay", "00:00:00.050"),
        new("Integrations:MaxAttempts", "3"),
        new("Integrations:RequestTimeout", "00:00:05"),
    ];
}

/// <summary>Default configuration: private networks refused.</summary>
public sealed class SqliteApp() : IntegrationsApp(Provider.Sqlite, false);

public sealed class PostgresApp() : IntegrationsApp(Provider.Postgres, false);

/// <summary>Integrations:AllowPrivateNetworks=true, so deliveries reach the local receiver.</summary>
public sealed class SqliteOpenApp() : IntegrationsApp(Provider.Sqlite, true);

public sealed class PostgresOpenApp() : IntegrationsApp(Provider.Postgres, true);

/// <summary>Private networks allowed, and only identity's tokens: for the access suite, whose callers sign in for real.</summary>
public sealed class SqliteSignInApp() : IntegrationsApp(Provider.Sqlite, true, trustsMintedTokens: false);

public sealed class PostgresSignInApp() : IntegrationsApp(Provider.Postgres, true, trustsMintedTokens: false);
