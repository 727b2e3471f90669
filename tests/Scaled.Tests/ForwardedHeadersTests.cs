using System.Net;
using TaskFlow.TestKit;

namespace TaskFlow.Scaled.Tests;

/// <summary>
/// A process behind the gateway sees the client's address (X-Forwarded-For from a trusted proxy), not the gateway's:
/// observed through the per-IP rate limit of an all-in-one host placed behind the gateway.
/// </summary>
public sealed class ForwardedHeadersTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Service_behind_the_gateway_limits_each_client_address_not_the_gateway()
    {
        var dataDir = Servers.NewDataDir();
        try
        {
            await using var processes = new ProcessGroup();
            var service = await processes.Start("behind", "all",
            [
                new("DataDir", dataDir),
                new("RateLimits:PerIpPerMinute", "3"),
                new("ForwardedHeaders:KnownProxies:0", "127.0.0.1"),
            ]);
            var gateway = await processes.Start("gateway", "gateway",
            [
                new("Gateway:Services:notifications", service.BaseAddress.ToString()),
                new("RateLimits:PerIpPerMinute", "1000"),
            ]);
            using var first = gateway.CreateClient(LoopbackClients.From(IPAddress.Parse("127.0.0.21")));
            using var second = gateway.CreateClient(LoopbackClients.From(IPAddress.Parse("127.0.0.22")));

            var limited = false;
            for (var i = 0; i < 30 && !limited; i++)
            {
                using var response = await first.GetAsync(new Uri("/v1/notifications", UriKind.Relative), Ct);
                limited = response.StatusCode == HttpStatusCode.TooManyRequests;
            }
            Assert.True(limited, "The service never limited the first client.");

            using var other = await second.GetAsync(new Uri("/v1/notifications", UriKind.Relative), Ct);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, other.StatusCode);
        }
        finally
        {
            ScaledOutTests.DeleteFolder(dataDir);
        }
    }
}
