using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Integrations.Data;
using TaskFlow.Integrations.Delivery;
using TaskFlow.Projects.Contracts;
using TaskFlow.Tasks.Contracts;

namespace TaskFlow.Integrations.Consumers;

/// <summary>
/// Enqueues one delivery per active webhook of the event's workspace that subscribed to its kind and covers its project
/// (a webhook limited to projects gets only their events; a workspace-wide one gets all). The delivery's
/// SourceEventId is unique per webhook, so an event delivered twice (or handled by two instances) enqueues once.
/// </summary>
internal sealed class WebhookFanOut(IntegrationsDb db)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task Enqueue(IntegrationEvent e, Guid workspaceId, Guid projectId, CancellationToken ct)
    {
        var kind = Messages.KindByEvent[e.GetType().Name];
        if (workspaceId == Guid.Empty && projectId != Guid.Empty)
            workspaceId = (await db.Projects.FindAsync([projectId], ct))?.WorkspaceId ?? Guid.Empty;
        if (workspaceId == Guid.Empty) return;

        var hooks = (await db.Webhooks.Where(w => w.WorkspaceId == workspaceId && w.Active).ToListAsync(ct))
            .Where(w => w.Kinds().Contains(kind) && w.Covers(projectId))
            .ToList();
        if (hooks.Count == 0) return;
        var ids = hooks.Select(h => h.Id).ToList();
        var done = await db.Deliveries.Where(d => d.SourceEventId == e.EventId && ids.Contains(d.WebhookId)).Select(d => d.WebhookId).ToListAsync(ct);

        var data = (JsonObject)JsonSerializer.SerializeToNode(e, e.GetType(), Json)!;
        data.Remove("eventId");
        data.Remove("occurredAt");
        foreach (var hook in hooks.Where(h => !done.Contains(h.Id)))
            db.Deliveries.Add(Messages.Create(hook, kind, e.EventId, e.OccurredAt, workspaceId, data, e.EventId));
    }
}

/// <summary>Keeps the project copy (workspace and key, for access and GitHub key matching); tombstones stay deleted.</summary>
internal sealed class ProjectCopy(IntegrationsDb db)
{
    public async Task<KnownProject> Project(Guid projectId, Guid workspaceId, CancellationToken ct)
    {
        var project = await db.Projects.FindAsync([projectId], ct);
        if (project is null)
        {
            project = new KnownProject { Id = projectId, WorkspaceId = workspaceId };
            db.Projects.Add(project);
        }
        return project;
    }
}

/// <summary>How a forwarded event names its workspace and project.</summary>
internal sealed record ForwardedScope<TEvent>(Func<TEvent, (Guid WorkspaceId, Guid ProjectId)> Of);

/// <summary>Fans an event out to the subscribed webhooks and does nothing else (every forwarded event but ProjectCreated and ProjectDeleted).</summary>
internal sealed class ForwardHandler<TEvent>(WebhookFanOut fanOut, ForwardedScope<TEvent> scope) : IIntegrationEventHandler<TEvent>
    where TEvent : IntegrationEvent
{
    public Task Handle(TEvent e, CancellationToken ct)
    {
        var (workspaceId, projectId) = scope.Of(e);
        return fanOut.Enqueue(e, workspaceId, projectId, ct);
    }
}

internal static class Forwarding
{
    /// <summary>
    /// Subscribes <see cref="ForwardHandler{TEvent}"/> to <typeparamref name="TEvent"/>. The consumer (inbox) name stays
    /// <c>{service}.{Event}Handler</c>, that of the hand-written handler each replaced, so messages handled before an
    /// upgrade are not handled again.
    /// </summary>
    public static void Forward<TEvent>(this IServiceCollection services, string service, Func<TEvent, (Guid WorkspaceId, Guid ProjectId)> scope)
        where TEvent : IntegrationEvent
    {
        services.AddSingleton(new ForwardedScope<TEvent>(scope));
        services.AddEventHandler<IntegrationsDb, TEvent, ForwardHandler<TEvent>>(service, $"{typeof(TEvent).Name}Handler");
    }
}

internal sealed class ProjectCreatedHandler(ProjectCopy copy, WebhookFanOut fanOut) : IIntegrationEventHandler<ProjectCreated>
{
    public async Task Handle(ProjectCreated e, CancellationToken ct)
    {
        var project = await copy.Project(e.ProjectId, e.WorkspaceId, ct);
        if (project.Deleted) return;
        (project.Key, project.WorkspaceId) = (e.Key, e.WorkspaceId);
        await fanOut.Enqueue(e, e.WorkspaceId, e.ProjectId, ct);
    }
}

/// <summary>Tombstones the project (a late ProjectCreated cannot revive it) and removes its GitHub integration.</summary>
internal sealed class ProjectDeletedHandler(IntegrationsDb db, ProjectCopy copy, WebhookFanOut fanOut) : IIntegrationEventHandler<ProjectDeleted>
{
    public async Task Handle(ProjectDeleted e, CancellationToken ct)
    {
        var project = await copy.Project(e.ProjectId, e.WorkspaceId, ct);
        project.Deleted = true;
        if (await db.GitHubConfigs.FindAsync([e.ProjectId], ct) is { } config) db.GitHubConfigs.Remove(config);
        await fanOut.Enqueue(e, e.WorkspaceId, e.ProjectId, ct);
    }
}
