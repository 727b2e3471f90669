using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Scaled.Tests;

/// <summary>
/// The gateway in front of one service process (notifications), with a stand-in key endpoint.
/// Each test calls from its own loopback address, so the per-IP rate limit of one test does not touch another.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    readonly ProcessGroup processes = new();
    readonly string dataDir = Servers.NewDataDir();
    internal TestJwks Jwks { get; } = new();
    internal HostProcess Service { get; private set; } = null!;
    internal HostProcess Gateway { get; private set; } = null!;
    public const int PerIpPerMinute = 5;

    public async ValueTask InitializeAsync()
    {
        Service = await processes.Start("notifications", "notifications",
        [
            new("DataDir", dataDir),
            new("Data:Provider", "Sqlite"),
            new("Auth:JwksUrl", Jwks.Url),
            // The authentication middleware runs inside the correlation scope and logs every request at Debug.
            new("Logging:LogLevel:Microsoft.AspNetCore.Authentication", "Debug"),
        ]);
        Gateway = await processes.Start("gateway", "gateway",
        [
            new("Gateway:Services:notifications", Service.BaseAddress.ToString()),
            new("Auth:JwksUrl", Jwks.Url),
            new("RateLimits:PerIpPerMinute", PerIpPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Logging:LogLevel:Yarp", "Information"),
            new("Logging:LogLevel:Microsoft.AspNetCore.Authentication", "Information"),
        ]);
        GatewayWithoutKeys = await processes.Start("gateway-nokeys", "gateway",
        [
            new("Gateway:Services:notifications", Service.BaseAddress.ToString()),
            new("Auth:JwksUrl", $"http://127.0.0.1:{HostProcess.FreePort()}/.well-known/jwks.json"),
        ]);
    }

    /// <summary>A gateway whose key endpoint is unreachable, as when the identity service is down.</summary>
    internal HostProcess GatewayWithoutKeys { get; private set; } = null!;

    internal HttpClient ClientFrom(string loopbackAddress) => Gateway.CreateClient(LoopbackClients.From(IPAddress.Parse(loopbackAddress)));

    public async ValueTask DisposeAsync()
    {
        await processes.DisposeAsync();
        Jwks.Dispose();
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class GatewayTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Correlation_id_is_echoed_once_and_reaches_the_service_logs()
    {
        using var client = fixture.ClientFrom("127.0.0.11");
        var id = "gw-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/notifications");
        request.Headers.Add("X-Correlation-Id", id);

        using var response = await client.SendAsync(request, Ct);

        Assert.NotEqual(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(id, Assert.Single(response.Headers.GetValues("X-Correlation-Id")));
        Assert.True(await fixture.Service.WaitForOutput($"\"CorrelationId\":\"{id}\""), $"The service logged nothing with correlation id {id}:\n{fixture.Service.Output}");
    }

    [Fact]
    public async Task Gateway_gives_a_correlation_id_to_requests_without_one()
    {
        using var client = fixture.ClientFrom("127.0.0.11");
        using var response = await client.GetAsync(new Uri("/v1/notifications", UriKind.Relative), Ct);
        var id = Assert.Single(response.Headers.GetValues("X-Correlation-Id"));
        Assert.True(await fixture.Service.WaitForOutput($"\"CorrelationId\":\"{id}\""), $"The service did not receive the gateway's correlation id {id}");
    }

    [Fact]
    public async Task Bearer_token_signed_by_another_key_is_refused_at_the_gateway()
    {
        using var client = fixture.ClientFrom("127.0.0.12");
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var id = "forged-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/notifications");
        request.Headers.Authorization = Account.Bearer(fixture.Jwks.Token(Guid.NewGuid(), "forger@example.com", signWith: otherKey));
        request.Headers.Add("X-Correlation-Id", id);

        using var response = await client.SendAsync(request, Ct);

        await AssertInvalidToken(response);
        Assert.DoesNotContain(id, fixture.Service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_bearer_token_is_refused_at_the_gateway()
    {
        using var client = fixture.ClientFrom("127.0.0.12");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/notifications");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer not-a-jwt");

        using var response = await client.SendAsync(request, Ct);

        await AssertInvalidToken(response);
    }

    [Fact]
    public async Task Valid_bearer_token_is_forwarded_to_the_service()
    {
        using var client = fixture.ClientFrom("127.0.0.13");
        var id = "valid-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/notifications");
        request.Headers.Authorization = Account.Bearer(fixture.Jwks.Token(Guid.NewGuid(), "valid@example.com"));
        request.Headers.Add("X-Correlation-Id", id);

        using var response = await client.SendAsync(request, Ct);

        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEqual(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.True(await fixture.Service.WaitForOutput($"\"CorrelationId\":\"{id}\""), "The request did not reach the service");
    }

    [Fact]
    public async Task Token_that_cannot_be_checked_because_keys_are_unreachable_is_503_not_500()
    {
        using var client = fixture.GatewayWithoutKeys.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/notifications");
        request.Headers.Authorization = Account.Bearer(fixture.Jwks.Token(Guid.NewGuid(), "someone@example.com"));

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.Contains("Retry-After"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("https://taskflow.dev/problems/auth-unavailable", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Anonymous_request_passes_the_gateway_even_when_keys_are_unreachable()
    {
        using var client = fixture.GatewayWithoutKeys.CreateClient();
        using var response = await client.GetAsync(new Uri("/v1/notifications", UriKind.Relative), Ct);
        Assert.NotEqual(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.NotEqual(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Fact]
    public async Task Too_many_requests_from_one_address_get_429_with_retry_after()
    {
        using var client = fixture.ClientFrom("127.0.0.14");
        var response = await SendUntilRateLimited(client, spoofForwardedFor: false);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = Assert.Single(response.Headers.GetValues("Retry-After"));
        Assert.True(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal("https://taskflow.dev/problems/rate-limited", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_client_cannot_escape_the_rate_limit_by_sending_its_own_forwarded_for()
    {
        using var client = fixture.ClientFrom("127.0.0.15");
        var response = await SendUntilRateLimited(client, spoofForwardedFor: true);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
    }

    [Fact]
    public async Task Another_address_is_not_limited_by_a_limited_one()
    {
        using var limited = fixture.ClientFrom("127.0.0.16");
        using var other = fixture.ClientFrom("127.0.0.17");
        await SendUntilRateLimited(limited, spoofForwardedFor: false);

        using var response = await other.GetAsync(new Uri("/v1/notifications", UriKind.Relative), Ct);

        Assert.NotEqual(HttpStatusCode.TooManyRequests, response.StatusCode);
    }

    [Fact]
    public async Task Module_without_an_address_has_no_route()
    {
        using var client = fixture.ClientFrom("127.0.0.18");
        using var response = await client.GetAsync(new Uri("/v1/workspaces", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>More requests than the limit allows, as fast as the client goes; stops at the first 429.</summary>
    static async Task<HttpResponseMessage> SendUntilRateLimited(HttpClient client, bool spoofForwardedFor)
    {
        HttpResponseMessage? last = null;
        for (var i = 0; i < GatewayFixture.PerIpPerMinute * 10; i++)
        {
            last?.Dispose();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/notifications");
            if (spoofForwardedFor) request.Headers.Add("X-Forwarded-For", $"203.0.113.{i % 250 + 1}");
            last = await client.SendAsync(request, Ct);
            if (last.StatusCode == HttpStatusCode.TooManyRequests) return last;
        }
        return last!;
    }

    static async Task AssertInvalidToken(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("https://taskflow.dev/problems/invalid-token", problem.GetProperty("type").GetString());
    }
}
