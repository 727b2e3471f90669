using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;

namespace TaskFlow.Realtime.Tests;

/// <summary>A SignalR client of <c>/v1/realtime/hub</c> that records every message it receives, per method.</summary>
public sealed class HubClient : IAsyncDisposable
{
    readonly ConcurrentQueue<(string Method, JsonElement Payload)> received = new();

    HubClient(HubConnection connection)
    {
        Connection = connection;
        foreach (var method in new[] { "event", "notification", "unreadCount" })
            connection.On<JsonElement>(method, payload => received.Enqueue((method, payload)));
    }

    public HubConnection Connection { get; }

    public IReadOnlyList<JsonElement> Received(string method) => [.. received.Where(r => r.Method == method).Select(r => r.Payload)];

    /// <summary>As a browser connects: WebSockets straight away, the token in <c>?access_token=</c>.</summary>
    public static HubClient WebSocket(TestServer server, string? accessToken) =>
        new(new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "v1/realtime/hub"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.WebSocketFactory = async (context, ct) =>
                {
                    var uri = new UriBuilder(context.Uri) { Scheme = "http" };
                    if (accessToken is not null) uri.Query = "access_token=" + Uri.EscapeDataString(accessToken);
                    return await server.CreateWebSocketClient().ConnectAsync(uri.Uri, ct);
                };
            })
            .Build());

    /// <summary>Long polling with the token in the Authorization header, as the .NET client sends it.</summary>
    public static HubClient LongPolling(TestServer server, string? accessToken) =>
        new(new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "v1/realtime/hub"), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                if (accessToken is not null) o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
            })
            .Build());

    /// <summary>
    /// Connects, then makes one round trip: the handshake completes before the server registers the connection for
    /// user and group sends, and an invocation is only handled after that registration.
    /// </summary>
    public async Task Start()
    {
        await Connection.StartAsync(TestContext.Current.CancellationToken);
        await Connection.InvokeAsync("LeaveProject", Guid.Empty, TestContext.Current.CancellationToken);
    }

    /// <summary>Joins the project once this service's access copy has caught up (JoinProject fails until then).</summary>
    public async Task JoinWhenAllowed(Guid projectId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await Connection.InvokeAsync("JoinProject", projectId, TestContext.Current.CancellationToken);
                return;
            }
            catch (HubException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }
    }

    /// <summary>Waits for a message of <paramref name="method"/> matching <paramref name="match"/>.</summary>
    public async Task<JsonElement> WaitFor(string method, Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            foreach (var payload in Received(method))
                if (match(payload)) return payload;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No matching '{method}' arrived; received: {string.Join("; ", received.Select(r => $"{r.Method} {r.Payload}"))}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Waits for the project event <paramref name="type"/> about <paramref name="taskId"/>.</summary>
    public Task<JsonElement> WaitForEvent(string type, Guid taskId, TimeSpan? timeout = null) =>
        WaitFor("event", e => e.GetProperty("type").GetString() == type && e.GetProperty("taskId").GetString() == taskId.ToString(), timeout);

    public bool HasEventAbout(Guid taskId) =>
        Received("event").Any(e => e.TryGetProperty("taskId", out var id) && id.GetString() == taskId.ToString());

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
