using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Realtime.Hub;

namespace TaskFlow.Realtime.Consumers;

// This service's copies of the events it relays to clients (the session's contract). Only the fields that address
// the push are read; the client gets the publisher's payload as it is (data), so fields added later reach clients too.

/// <summary>An event about something in one project, pushed to the group <c>project:{ProjectId}</c>.</summary>
internal interface IProjectEvent
{
    Guid ProjectId { get; }
    Guid? SubjectTaskId { get; }
    /// <summary>Who did it; <see cref="Guid.Empty"/> is the system, null when the event does not say.</summary>
    Guid? Actor { get; }
    DateTime OccurredAt { get; }
}

internal sealed record TaskCreated(Guid TaskId, Guid ProjectId, Guid WorkspaceId, string Key, string Title, Guid ReporterId, Guid StatusId, string Priority, DateOnly? DueDate, Guid[] AssigneeIds, Guid[] WatcherIds, DateTime OccurredAt) : IProjectEvent
{
    public Guid? SubjectTaskId => TaskId;
    public Guid? Actor => ReporterId;
}

internal sealed record TaskUpdated(Guid TaskId, Guid ProjectId, string[] ChangedFields, Guid ActorId, Guid WorkspaceId, string Key, string Title, Guid StatusId, DateOnly? DueDate, Guid[] AssigneeIds, Guid[] WatcherIds, DateTime OccurredAt) : IProjectEvent
{
    public Guid? SubjectTaskId => TaskId;
    public Guid? Actor => ActorId;
}

internal sealed record TaskMoved(Guid TaskId, Guid ProjectId, Guid FromStatusId, Guid ToStatusId, string Rank, Guid ActorId, Guid WorkspaceId, string Key, string Title, Guid[] WatcherIds, DateTime OccurredAt) : IProjectEvent
{
    public Guid? SubjectTaskId => TaskId;
    public Guid? Actor => ActorId;
}

internal sealed record TaskAssigned(Guid TaskId, Guid ProjectId, Guid AssigneeId, Guid ActorId, Guid WorkspaceId, string Key, string Title, DateTime OccurredAt) : IProjectEvent
{
    public Guid? SubjectTaskId => TaskId;
    public Guid? Actor => ActorId;
}

internal sealed record TaskUnassigned(Guid TaskId, Guid ProjectId, Guid AssigneeId, Guid ActorId, Guid WorkspaceId, string Key, DateTime OccurredAt) : IProjectEvent
{
    public Guid? SubjectTaskId => TaskId;
    public Guid? Actor => ActorId;
}

internal sealed record TaskDeleted(Guid TaskId, Guid ProjectId, Guid WorkspaceId, string Key, Guid ActorId, DateTime OccurredAt) : IProjectEvent
{
    public Guid? SubjectTaskId => TaskId;
    public Guid? Actor => ActorId;
}

internal sealed record CommentAdded(Guid CommentId, Guid TaskId, Guid ProjectId, Guid AuthorId, Guid WorkspaceId, string Key, string Title, string Excerpt, Guid[] WatcherIds, DateTime OccurredAt) : IProjectEvent
{
    public Guid? SubjectTaskId => TaskId;
    public Guid? Actor => AuthorId;
}

internal sealed record CommentEdited(Guid CommentId, Guid TaskId, Guid ProjectId, Guid AuthorId, Guid WorkspaceId, DateTime OccurredAt) : IProjectEvent
{
    public Guid? SubjectTaskId => TaskId;
    public Guid? Actor => AuthorId;
}

internal sealed record CommentDeleted(Guid CommentId, Guid TaskId, Guid ProjectId, Guid ActorId, Guid WorkspaceId, DateTime OccurredAt) : IProjectEvent
{
    public Guid? SubjectTaskId => TaskId;
    public Guid? Actor => ActorId;
}

internal sealed record AttachmentAdded(Guid AttachmentId, Guid TaskId, Guid ProjectId, Guid WorkspaceId, string FileName, long Size, Guid ActorId, DateTime OccurredAt) : IProjectEvent
{
    public Guid? SubjectTaskId => TaskId;
    public Guid? Actor => ActorId;
}

internal sealed record AttachmentDeleted(Guid AttachmentId, Guid TaskId, Guid ProjectId, Guid WorkspaceId, Guid ActorId, DateTime OccurredAt) : IProjectEvent
{
    public Guid? SubjectTaskId => TaskId;
    public Guid? Actor => ActorId;
}

internal sealed record WorkflowChanged(Guid ProjectId, IReadOnlyList<WorkflowChanged.Status> Statuses, DateTime OccurredAt) : IProjectEvent
{
    internal sealed record Status(Guid Id, string Name, string Category, int Position);

    public Guid? SubjectTaskId => null;
    public Guid? Actor => null;
}

internal sealed record ProjectArchived(Guid ProjectId, Guid WorkspaceId, DateTime OccurredAt) : IProjectEvent
{
    public Guid? SubjectTaskId => null;
    public Guid? Actor => null;
}

internal sealed record NotificationCreated(Guid NotificationId, Guid UserId, string Kind, string Title, string? Body, string? Url, DateTime CreatedAt, int UnreadCount);

internal sealed record UnreadCountChanged(Guid UserId, int UnreadCount);

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

    public Task ToProject<TEvent>(EventEnvelope envelope, CancellationToken ct) where TEvent : class, IProjectEvent
    {
        var e = Deserialize<TEvent>(envelope);
        var message = new ProjectEventMessage(envelope.Type, e.ProjectId, e.SubjectTaskId, e.Actor, e.OccurredAt, Data(envelope));
        return Send(envelope, hub.Clients.Group(ProjectGroups.Group(e.ProjectId)), "event", message, ct);
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
    public static IServiceCollection AddProjectPush<TEvent>(this IServiceCollection services, string service) where TEvent : class, IProjectEvent =>
        services.AddPush(service, typeof(TEvent).Name, (pusher, envelope, ct) => pusher.ToProject<TEvent>(envelope, ct));

    public static IServiceCollection AddPush(this IServiceCollection services, string service, string eventType, Func<Pusher, EventEnvelope, CancellationToken, Task> push) =>
        services.AddSingleton(new EventSubscription(service, $"{service}.Push{eventType}", eventType,
            (sp, envelope, ct) => push(sp.GetRequiredService<Pusher>(), envelope, ct), Standalone: true));
}
