using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Realtime.Hub;
using TaskFlow.Tasks.Contracts;
using TaskFlow.Projects.Contracts;
using TaskFlow.Notifications.Contracts;

namespace TaskFlow.Realtime.Consumers;

// Relays the producers' events (src/Contracts) to clients. Only the fields that address the push are read; the client
// gets the publisher's payload as it is (data), so fields added later reach clients too.

/// <summary>Where an event about something in one project goes: the group <c>project:{ProjectId}</c>.</summary>
/// <param name="ProjectId">The project.</param>
/// <param name="TaskId">The task it is about, if any.</param>
/// <param name="Actor">Who did it; <see cref="Guid.Empty"/> is the system, null when the event does not say.</param>
internal sealed record ProjectAddress(Guid ProjectId, Guid? TaskId, Guid? Actor);

/// <summary>Server → client <c>event</c>: <paramref name="Data"/> is the integration event named by <paramref name="Type"/>.</summary>
internal sealed record ProjectEventMessage(string Type, Guid ProjectId, Guid? TaskId, Guid? ActorId, DateTime OccurredAt, JsonElement Data);

/// <summary>Server → client <c>unreadCount</c>.</summary>
internal sealed record UnreadCountMessage(int UnreadCount);

/// <summary>
/// Relays events to connected clients. A push is attempted once per delivery and never retried: it does not fail the
/// event (nobody connected is normal; a backplane outage is logged), so the queue never stalls on it and no inbox row is
/// written per push. Clients that miss pushes (disconnects, outages) refetch what they show when they reconnect.
/// </summary>
internal sealed class Pusher(IHubContext<RealtimeHub> hub, ILogger<Pusher> logger)
{
    static readonly Meter Meter = new("TaskFlow.Realtime");
    static readonly Counter<long> Pushes = Meter.CreateCounter<long>("taskflow.realtime.pushes", description: "Messages pushed to hub clients, by event type and outcome");

    /// <summary>A slow backplane must not hold the consumer (and the events queued behind this one) for long.</summary>
    static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);

    public Task ToProject<TEvent>(EventEnvelope envelope, Func<TEvent, ProjectAddress> address, CancellationToken ct) where TEvent : IntegrationEvent
    {
        var e = Deserialize<TEvent>(envelope);
        var to = address(e);
        var message = new ProjectEventMessage(envelope.Type, to.ProjectId, to.TaskId, to.Actor, e.OccurredAt, Data(envelope));
        return Send(envelope, hub.Clients.Group(ProjectGroups.Group(to.ProjectId)), "event", message, ct);
    }

    public Task Notification(EventEnvelope envelope, CancellationToken ct)
    {
        var e = Deserialize<NotificationCreated>(envelope);
        return Send(envelope, hub.Clients.User(e.UserId.ToString()), "notification", Data(envelope), ct);
    }

    public Task UnreadCount(EventEnvelope envelope, CancellationToken ct)
    {
        var e = Deserialize<UnreadCountChanged>(envelope);
        return Send(envelope, hub.Clients.User(e.UserId.ToString()), "unreadCount", new UnreadCountMessage(e.UnreadCount), ct);
    }

    async Task Send(EventEnvelope envelope, IClientProxy clients, string method, object message, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(SendTimeout);
        try
        {
            await clients.SendAsync(method, message, timeout.Token);
            Pushes.Add(1, new("type", envelope.Type), new("outcome", "sent"));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            Pushes.Add(1, new("type", envelope.Type), new("outcome", "dropped"));
            logger.LogWarning(ex, "Push of {Type} {MessageId} was dropped", envelope.Type, envelope.Id);
        }
    }

    static TEvent Deserialize<TEvent>(EventEnvelope envelope) where TEvent : class =>
        JsonSerializer.Deserialize<TEvent>(envelope.Payload, EventEnvelope.Json)
            ?? throw new InvalidOperationException($"Message {envelope.Id} has an empty payload.");

    static JsonElement Data(EventEnvelope envelope)
    {
        using var document = JsonDocument.Parse(envelope.Payload);
        return document.RootElement.Clone();
    }
}

internal static class PushRegistration
{
    /// <summary>Subscribes the push of <typeparamref name="TEvent"/> to its project's group (no inbox: see <see cref="Pusher"/>).</summary>
    public static IServiceCollection AddProjectPush<TEvent>(this IServiceCollection services, string service, Func<TEvent, ProjectAddress> address)
        where TEvent : IntegrationEvent =>
        services.AddPush(service, typeof(TEvent).Name, (pusher, envelope, ct) => pusher.ToProject(envelope, address, ct));

    public static IServiceCollection AddPush(this IServiceCollection services, string service, string eventType, Func<Pusher, EventEnvelope, CancellationToken, Task> push) =>
        services.AddSingleton(new EventSubscription(service, $"{service}.Push{eventType}", eventType,
            (sp, envelope, ct) => push(sp.GetRequiredService<Pusher>(), envelope, ct), Standalone: true));
}
