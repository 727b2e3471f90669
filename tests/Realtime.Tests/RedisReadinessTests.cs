using System.Net;
using TaskFlow.TestKit;

namespace TaskFlow.Realtime.Tests;

/// <summary>With a Redis backplane configured, readiness includes the backplane's connection.</summary>
public sealed class RedisReadinessTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static string Redis => Environment.GetEnvironmentVariable("TASKFLOW_TEST_REDIS") is { Length: > 0 } r ? r : "127.0.0.1:6379";

    sealed class AppWithRedis(string configuration) : TaskFlowApp(Provider.Sqlite)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("Redis:Configuration", configuration),
            new("Realtime:ChannelPrefix", "tf-ready-" + Guid.NewGuid().ToString("N")[..8]),
        ];
    }

    [Fact]
    public async Task Ready_when_the_backplane_is_connected()
    {
        await using var app = new AppWithRedis(Redis);
        using var client = app.CreateClient();
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Not_ready_while_redis_is_unreachable_but_still_alive()
    {
        // Nothing listens on port 1.
        await using var app = new AppWithRedis("127.0.0.1:1,connectTimeout=500");
        using var client = app.CreateClient();
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
