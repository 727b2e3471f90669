using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
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

internal sealed class TaskCreatedHandler(WebhookFanOut fanOut) : IIntegrationEventHandler<TaskCreated>
{
    public Task Handle(TaskCreated e, CancellationToken ct) => fanOut.Enqueue(e, e.WorkspaceId, e.ProjectId, ct);
}

internal sealed class TaskUpdatedHandler(WebhookFanOut fanOut) : IIntegrationEventHandler<TaskUpdated>
{
    public Task Handle(TaskUpdated e, CancellationToken ct) => fanOut.Enqueue(e, e.WorkspaceId, e.ProjectId, ct);
}

internal sealed class TaskMovedHandler(WebhookFanOut fanOut) : IIntegrationEventHandler<TaskMoved>
{
    public Task Handle(TaskMoved e, CancellationToken ct) => fanOut.Enqueue(e, e.WorkspaceId, e.ProjectId, ct);
}

internal sealed class TaskAssignedHandler(WebhookFanOut fanOut) : IIntegrationEventHandler<TaskAssigned>
{
    public Task Handle(TaskAssigned e, CancellationToken ct) => fanOut.Enqueue(e, e.WorkspaceId, e.ProjectId, ct);
}

internal sealed class TaskUnassignedHandler(WebhookFanOut fanOut) : IIntegrationEventHandler<TaskUnassigned>
{
    public Task Handle(TaskUnassigned e, CancellationToken ct) => fanOut.Enqueue(e, e.WorkspaceId, e.ProjectId, ct);
}

internal sealed class TaskDeletedHandler(WebhookFanOut fanOut) : IIntegrationEventHandler<TaskDeleted>
{
    public Task Handle(TaskDeleted e, CancellationToken ct) => fanOut.Enqueue(e, e.WorkspaceId, e.ProjectId, ct);
}

internal sealed class CommentAddedHandler(WebhookFanOut fanOut) : IIntegrationEventHandler<CommentAdded>
{
    public Task Handle(CommentAdded e, CancellationToken ct) => fanOut.Enqueue(e, e.WorkspaceId, e.ProjectId, ct);
}

internal sealed class CommentEditedHandler(WebhookFanOut fanOut) : IIntegrationEventHandler<CommentEdited>
{
    public Task Handle(CommentEdited e, CancellationToken ct) => fanOut.Enqueue(e, e.WorkspaceId, e.ProjectId, ct);
}

internal sealed class CommentDeletedHandler(WebhookFanOut fanOut) : IIntegrationEventHandler<CommentDeleted>
{
    public Task Handle(CommentDeleted e, CancellationToken ct) => fanOut.Enqueue(e, e.WorkspaceId, e.ProjectId, ct);
}

internal sealed class AttachmentAddedHandler(WebhookFanOut fanOut) : IIntegrationEventHandler<AttachmentAdded>
{
    public Task Handle(AttachmentAdded e, CancellationToken ct) => fanOut.Enqueue(e, e.WorkspaceId, e.ProjectId, ct);
}

internal sealed class AttachmentDeletedHandler(WebhookFanOut fanOut) : IIntegrationEventHandler<AttachmentDeleted>
{
    public Task Handle(AttachmentDeleted e, CancellationToken ct) => fanOut.Enqueue(e, e.WorkspaceId, e.ProjectId, ct);
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

internal sealed class ProjectUpdatedHandler(WebhookFanOut fanOut) : IIntegrationEventHandler<ProjectUpdated>
{
    public Task Handle(ProjectUpdated e, CancellationToken ct) => fanOut.Enqueue(e, e.WorkspaceId, e.ProjectId, ct);
}

internal sealed class ProjectArchivedHandler(WebhookFanOut fanOut) : IIntegrationEventHandler<ProjectArchived>
{
    public Task Handle(ProjectArchived e, CancellationToken ct) => fanOut.Enqueue(e, e.WorkspaceId, e.ProjectId, ct);
}

internal sealed class ProjectUnarchivedHandler(WebhookFanOut fanOut) : IIntegrationEventHandler<ProjectUnarchived>
{
    public Task Handle(ProjectUnarchived e, CancellationToken ct) => fanOut.Enqueue(e, e.WorkspaceId, e.ProjectId, ct);
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
