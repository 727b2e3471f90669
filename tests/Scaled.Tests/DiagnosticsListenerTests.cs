using System.Net;
using TaskFlow.TestKit;

namespace TaskFlow.Scaled.Tests;

/// <summary>
/// The gateway is the public edge of the scaled-out shape: <c>/metrics</c>, <c>/openapi</c> and <c>/docs</c> are not on its
/// public listener by default, and with <c>Platform:Diagnostics:Port</c> they answer only on that internal listener.
/// </summary>
public sealed class DiagnosticsListenerTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static readonly string[] Diagnostics = ["/metrics", "/openapi/v1.json", "/docs"];

    [Fact]
    public async Task The_gateway_keeps_metrics_and_the_api_reference_off_its_public_listener()
    {
        await using var processes = new ProcessGroup();
        var jwks = $"http://127.0.0.1:{HostProcess.FreePort()}/.well-known/jwks.json";
        var plain = await processes.Start("gateway-default", "gateway", [new("Auth:JwksUrl", jwks)]);
        var port = HostProcess.FreePort();
        var internalPort = await processes.Start("gateway-internal", "gateway",
            [new("Auth:JwksUrl", jwks), new("Platform:Diagnostics:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        var opened = await processes.Start("gateway-public", "gateway", [new("Auth:JwksUrl", jwks), new("Platform:Diagnostics:Public", "true")]);

        using var http = new HttpClient();
        foreach (var path in Diagnostics)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(plain.BaseAddress, path), Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(internalPort.BaseAddress, path), Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"http://127.0.0.1:{port}{path}"), Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(opened.BaseAddress, path), Ct)).StatusCode);
        }
        // Health stays on the public listener for load balancers.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(plain.BaseAddress, "/health/live"), Ct)).StatusCode);
    }
}
