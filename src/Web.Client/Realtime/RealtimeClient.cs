using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TaskFlow.Web.Client.Auth;

namespace TaskFlow.Web.Client.Realtime;

/// <summary>An <c>"event"</c> message of the hub: an integration event of a joined project.</summary>
public sealed record ProjectEvent(string Type, Guid ProjectId, Guid? TaskId, Guid? ActorId, DateTime OccurredAt, JsonElement Data);

/// <summary>
/// One connection to <c>/v1/realtime/hub</c> per tab (contract in CONTEXT.md). It reconnects forever with backoff, re-joins
/// the projects it was in, and tells listeners to refetch after a reconnect (messages may have been missed meanwhile).
/// </summary>
public sealed class RealtimeClient(NavigationManager navigation, SessionService session) : IAsyncDisposable
{
    readonly HashSet<Guid> joined = [];
    readonly SemaphoreSlim gate = new(1, 1);
    HubConnection? connection;
    CancellationTokenSource? stopping;

    public event Func<ProjectEvent, Task>? ProjectEventReceived;
    public event Func<JsonElement, Task>? NotificationReceived;
    public event Func<int, Task>? UnreadCountChanged;
    /// <summary>After a reconnect: state may have changed while the connection was down.</summary>
    public event Func<Task>? Reconnected;

    public bool IsConnected => connection?.State == HubConnectionState.Connected;

    /// <summary>Starts the connection in the background (idempotent); a missing or failing hub is retried with backoff.</summary>
    public async Task Start()
    {
        await gate.WaitAsync();
        try
        {
            if (connection is not null) return;
            connection = new HubConnectionBuilder()
                .WithUrl(navigation.ToAbsoluteUri("/v1/realtime/hub"), o => o.AccessTokenProvider = session.GetAccessToken)
                .WithAutomaticReconnect(new ForeverRetry())
                .Build();
            connection.On<JsonElement>("event", async e =>
            {
                var message = e.Deserialize<ProjectEvent>(Api.ApiClient.Json);
                if (message is not null) await Dispatch(message);
            });
            connection.On<JsonElement>("notification", async n =>
            {
                if (NotificationReceived is { } handler) await handler(n);
            });
            connection.On<JsonElement>("unreadCount", async n =>
            {
                if (UnreadCountChanged is { } handler && n.TryGetProperty("unreadCount", out var c)) await handler(c.GetInt32());
            });
            connection.Reconnected += async _ =>
            {
                await RejoinAll();
                if (Reconnected is { } handler) await handler();
            };
            stopping = new CancellationTokenSource();
            _ = ConnectLoop(connection, stopping.Token);
        }
        finally
        {
            gate.Release();
        }
    }

    async Task ConnectLoop(HubConnection hub, CancellationToken ct)
    {
        var attempt = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await hub.StartAsync(ct);
                await RejoinAll();
                if (attempt > 0 && Reconnected is { } handler) await handler();
                return;
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                attempt++;
                try
                {
                    await Task.Delay(ForeverRetry.Delay(attempt), ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Hands a project event to the listeners (the hub's <c>"event"</c> message; tests call it directly).</summary>
    internal async Task Dispatch(ProjectEvent message)
    {
        if (ProjectEventReceived is { } handler) await handler(message);
    }

    public async Task JoinProject(Guid projectId)
    {
        joined.Add(projectId);
        if (IsConnected) await TryInvoke("JoinProject", projectId);
    }

    public async Task LeaveProject(Guid projectId)
    {
        joined.Remove(projectId);
        if (IsConnected) await TryInvoke("LeaveProject", projectId);
    }

    async Task RejoinAll()
    {
        foreach (var projectId in joined.ToList()) await TryInvoke("JoinProject", projectId);
    }

    async Task TryInvoke(string method, Guid projectId)
    {
        try
        {
            await connection!.InvokeAsync(method, projectId);
        }
        catch (HubException)
        {
            // "not found": the caller may not read the project (any more).
            joined.Remove(projectId);
        }
        catch (InvalidOperationException)
        {
            // Disconnected meanwhile: joined again on reconnect.
        }
    }

    public async ValueTask DisposeAsync()
    {
        stopping?.Cancel();
        if (connection is not null) await connection.DisposeAsync();
        stopping?.Dispose();
        gate.Dispose();
    }

    sealed class ForeverRetry : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => Delay((int)Math.Min(retryContext.PreviousRetryCount + 1, 100));

        /// <summary>1 s, 2 s, 4 s … capped at 30 s, with jitter so many tabs do not return at once.</summary>
        public static TimeSpan Delay(int attempt) =>
            TimeSpan.FromMilliseconds(Math.Min(30_000, 1000 * Math.Pow(2, Math.Min(attempt - 1, 5))) * (0.75 + Random.Shared.NextDouble() / 2));
    }
}
