using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;

namespace TaskFlow.TestKit;

/// <summary>
/// A real SignalR client of the realtime hub (<c>/v1/realtime/hub</c>) that records every <c>event</c>,
/// <c>notification</c> and <c>unreadCount</c> message it receives.
/// </summary>
public sealed class HubRecorder : IAsyncDisposable
{
    readonly ConcurrentQueue<(string Method, JsonElement Payload)> received = new();
    Guid? joined;

    HubRecorder(HubConnection connection)
    {
        Connection = connection;
        foreach (var method in new[] { "event", "notification", "unreadCount" })
            connection.On<JsonElement>(method, payload => received.Enqueue((method, payload)));
        // A reconnecting client (see ReconnectingLongPolling) joins its project's group again; pushes in between are lost.
        connection.Reconnected += async _ =>
        {
            if (joined is { } projectId) await connection.InvokeAsync("JoinProject", projectId);
        };
    }

    public HubConnection Connection { get; }

    /// <summary>Long polling against an in-memory test server, the token in the Authorization header.</summary>
    public static HubRecorder For(TestServer server, string accessToken) =>
        new(new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "v1/realtime/hub"), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
            })
            .Build());

    /// <summary>WebSockets to a real address (e.g. the gateway), the token in the Authorization header.</summary>
    public static HubRecorder For(Uri baseAddress, string accessToken) =>
        new(new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "v1/realtime/hub"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
            })
            .Build());

    /// <summary>
    /// Long polling to a real address that reconnects by itself and joins the project again: for a realtime process that
    /// is killed and restarted, or a long poll cut off on a loaded machine.
    /// </summary>
    public static HubRecorder ReconnectingLongPolling(Uri baseAddress, string accessToken) =>
        new(new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "v1/realtime/hub"), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
            })
            .WithAutomaticReconnect()
            .Build());

    public IReadOnlyList<JsonElement> Received(string method) => [.. received.Where(r => r.Method == method).Select(r => r.Payload)];

    /// <summary>The project <c>event</c>s of <paramref name="type"/> about <paramref name="taskId"/>.</summary>
    public IReadOnlyList<JsonElement> Events(string type, Guid taskId) =>
        [.. Received("event").Where(e => e.GetProperty("type").GetString() == type && e.TryGetProperty("taskId", out var id) && id.GetString() == taskId.ToString())];

    /// <summary>
    /// Connects, then makes one round trip: the handshake completes before the server registers the connection for user
    /// sends, and an invocation is handled only after that registration.
    /// </summary>
    public async Task Start(CancellationToken cancellationToken = default)
    {
        await Connection.StartAsync(cancellationToken);
        await Connection.InvokeAsync("LeaveProject", Guid.Empty, cancellationToken);
    }

    /// <summary>Joins the project once the realtime service lets the caller in (its access copy may lag; JoinProject fails until then).</summary>
    public async Task JoinWhenAllowed(Guid projectId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await Connection.InvokeAsync("JoinProject", projectId, cancellationToken);
                joined = projectId;
                return;
            }
            catch (HubException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>Waits for a message of <paramref name="method"/> matching <paramref name="match"/>.</summary>
    public async Task<JsonElement> WaitFor(string method, Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            foreach (var payload in Received(method))
                if (match(payload)) return payload;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No matching '{method}' arrived; received: {string.Join("; ", received.Select(r => $"{r.Method} {r.Payload}"))}");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits for the project event <paramref name="type"/> about <paramref name="taskId"/>.</summary>
    public Task<JsonElement> WaitForEvent(string type, Guid taskId, TimeSpan? timeout = null) =>
        WaitFor("event", e => e.GetProperty("type").GetString() == type && e.TryGetProperty("taskId", out var id) && id.GetString() == taskId.ToString(), timeout);

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
