using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using TaskFlow.Web.Client.Api;
using TaskFlow.Web.Client.Auth;

namespace TaskFlow.Web.Client.Realtime;

/// <summary>An <c>"event"</c> message of the hub: an integration event of a joined project.</summary>
public sealed record ProjectEvent(string Type, Guid ProjectId, Guid? TaskId, Guid? ActorId, DateTime OccurredAt, JsonElement Data);

/// <summary>
/// One connection to <c>/v1/realtime/hub</c> per tab (contract in src/Services/Realtime/README.md). It reconnects forever with backoff, re-joins
/// the projects it was in, and tells listeners to refetch after a reconnect (messages may have been missed meanwhile).
/// The connection itself is SignalR's JavaScript client (<c>js/realtime.js</c>): the .NET client's assemblies would be
/// part of the app's first download (docs/adr/0014-web-start-up.md). Outside a browser (prerendering, component tests)
/// there is no connection and nothing is received.
/// </summary>
public sealed class RealtimeClient(NavigationManager navigation, SessionService session, IJSRuntime js) : IAsyncDisposable
{
    readonly HashSet<Guid> joined = [];
    readonly SemaphoreSlim gate = new(1, 1);
    IJSObjectReference? module;
    IJSObjectReference? connection;
    DotNetObjectReference<RealtimeClient>? self;
    CancellationTokenSource? stopping;
    bool started;

    public event Func<ProjectEvent, Task>? ProjectEventReceived;
    public event Func<JsonElement, Task>? NotificationReceived;
    public event Func<int, Task>? UnreadCountChanged;
    /// <summary>After a reconnect: state may have changed while the connection was down.</summary>
    public event Func<Task>? Reconnected;

    /// <summary>Starts the connection in the background (idempotent); a missing or failing hub is retried with backoff.</summary>
    public async Task Start()
    {
        await gate.WaitAsync();
        try
        {
            if (started) return;
            started = true;
            self = DotNetObjectReference.Create(this);
            try
            {
                module ??= await js.InvokeAsync<IJSObjectReference>("import", "./js/realtime.js");
                connection = await module.InvokeAsync<IJSObjectReference>("create", navigation.ToAbsoluteUri("/v1/realtime/hub").ToString(), self);
            }
            catch (Exception e) when (e is JSException or InvalidOperationException)
            {
                // No browser (prerendering), or the script could not be loaded: the app works without live updates, and
                // the next page that starts the connection tries again.
                connection = null;
                self.Dispose();
                self = null;
                started = false;
                return;
            }
            if (connection is null) return;
            stopping = new CancellationTokenSource();
            _ = ConnectLoop(connection, stopping.Token);
        }
        finally
        {
            gate.Release();
        }
    }

    async Task ConnectLoop(IJSObjectReference hub, CancellationToken ct)
    {
        var attempt = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await hub.InvokeVoidAsync("start", ct);
                await RejoinAll();
                if (attempt > 0 && Reconnected is { } handler) await handler();
                return;
            }
            catch (Exception e) when (e is JSException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                attempt++;
                try
                {
                    await Task.Delay(Delay(attempt), ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (JSDisconnectedException)
            {
                return;
            }
        }
    }

    /// <summary>Hands a project event to the listeners (the hub's <c>"event"</c> message; tests call it directly).</summary>
    internal async Task Dispatch(ProjectEvent message)
    {
        if (ProjectEventReceived is { } handler) await handler(message);
    }

    /// <summary>The hub's <c>"event"</c> message, as JSON (js/realtime.js).</summary>
    [JSInvokable]
    public async Task OnEvent(string json)
    {
        var message = JsonSerializer.Deserialize(json, ApiJson.Default.ProjectEvent);
        if (message is not null) await Dispatch(message);
    }

    /// <summary>The hub's <c>"notification"</c> message, as JSON.</summary>
    [JSInvokable]
    public async Task OnNotification(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (NotificationReceived is { } handler) await handler(document.RootElement.Clone());
    }

    /// <summary>The <c>unreadCount</c> of the hub's <c>"unreadCount"</c> message.</summary>
    [JSInvokable]
    public async Task OnUnreadCount(int count)
    {
        if (UnreadCountChanged is { } handler) await handler(count);
    }

    /// <summary>The JavaScript client reconnected by itself after losing the connection.</summary>
    [JSInvokable]
    public async Task OnReconnected()
    {
        await RejoinAll();
        if (Reconnected is { } handler) await handler();
    }

    /// <summary>The connection's access token (negotiation and each reconnect ask for it).</summary>
    [JSInvokable]
    public Task<string?> AccessToken() => session.GetAccessToken();

    public async Task JoinProject(Guid projectId)
    {
        joined.Add(projectId);
        await TryInvoke("JoinProject", projectId);
    }

    public async Task LeaveProject(Guid projectId)
    {
        joined.Remove(projectId);
        await TryInvoke("LeaveProject", projectId);
    }

    async Task RejoinAll()
    {
        foreach (var projectId in joined.ToList()) await TryInvoke("JoinProject", projectId);
    }

    async Task TryInvoke(string method, Guid projectId)
    {
        if (connection is null) return;
        try
        {
            // "refused": the caller may not read the project (any more). "disconnected": joined again on reconnect.
            if (await connection.InvokeAsync<string?>("invoke", method, projectId) == "refused") joined.Remove(projectId);
        }
        catch (JSException)
        {
        }
        catch (JSDisconnectedException)
        {
        }
    }

    /// <summary>1 s, 2 s, 4 s … capped at 30 s, with jitter so many tabs do not return at once.</summary>
    static TimeSpan Delay(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(30_000, 1000 * Math.Pow(2, Math.Min(attempt - 1, 5))) * (0.75 + Random.Shared.NextDouble() / 2));

    public async ValueTask DisposeAsync()
    {
        stopping?.Cancel();
        try
        {
            if (connection is not null)
            {
                await connection.InvokeVoidAsync("stop");
                await connection.DisposeAsync();
            }
            if (module is not null) await module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
        }
        catch (JSException)
        {
        }
        self?.Dispose();
        stopping?.Dispose();
        gate.Dispose();
    }
}
