using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Tasks.Data;
using TaskFlow.Tasks.Features;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Tasks.Consumers;

/// <summary>
/// The local project copy. Events about one project may arrive in any order: a project row is created by whichever
/// event comes first, deleted projects stay as tombstones (late events are ignored), and archive state and memberships
/// keep the OccurredAt of the last applied change.
/// </summary>
internal sealed class ProjectCopy(TasksDb db)
{
    public async Task<KnownProject> Project(Guid projectId, Guid workspaceId, CancellationToken ct)
    {
        var project = await db.Projects.FindAsync([projectId], ct);
        if (project is null)
        {
            project = new KnownProject
            {
                Id = projectId, WorkspaceId = workspaceId,
                ArchiveChangedAt = DateTime.MinValue.ToUniversalTime(), VisibilityChangedAt = DateTime.MinValue.ToUniversalTime(),
            };
            db.Projects.Add(project);
        }
        return project;
    }

    public async Task Archive(Guid projectId, Guid workspaceId, bool archived, DateTime occurredAt, CancellationToken ct)
    {
        var project = await Project(projectId, workspaceId, ct);
        if (project.Deleted || occurredAt < project.ArchiveChangedAt) return;
        (project.Archived, project.ArchiveChangedAt) = (archived, occurredAt);
    }

    /// <summary>Applies a visibility (workspace or private; null: unknown, e.g. an event from before visibilities) unless a newer one was applied.</summary>
    public async Task Visibility(Guid projectId, Guid workspaceId, string? visibility, DateTime occurredAt, CancellationToken ct)
    {
        if (visibility is null) return;
        var project = await Project(projectId, workspaceId, ct);
        if (project.Deleted || occurredAt < project.VisibilityChangedAt) return;
        (project.Private, project.VisibilityChangedAt) = (visibility switch
        {
            "private" => true,
            "workspace" => false,
            _ => throw new InvalidOperationException($"Unknown project visibility '{visibility}'."),
        }, occurredAt);
    }

    public async Task Member(Guid projectId, Guid userId, ProjectRole? role, DateTime occurredAt, CancellationToken ct)
    {
        var member = await db.ProjectMembers.FindAsync([projectId, userId], ct);
        if (member is null)
        {
            db.ProjectMembers.Add(new ProjectMember { ProjectId = projectId, UserId = userId, Role = role ?? ProjectRole.Viewer, Active = role is not null, UpdatedAt = occurredAt });
            return;
        }
        if (occurredAt < member.UpdatedAt) return;
        member.Active = role is not null;
        if (role is { } r) member.Role = r;
        member.UpdatedAt = occurredAt;
    }
}

internal sealed class ProjectCreatedHandler(TasksDb db, ProjectCopy copy) : IIntegrationEventHandler<ProjectCreated>
{
    public async Task Handle(ProjectCreated e, CancellationToken ct)
    {
        var project = await copy.Project(e.ProjectId, e.WorkspaceId, ct);
        if (project.Deleted) return;
        project.Key = e.Key;
        project.WorkspaceId = e.WorkspaceId;
        await copy.Visibility(e.ProjectId, e.WorkspaceId, e.Visibility, e.OccurredAt, ct);
        if (await db.Counters.FindAsync([e.ProjectId], ct) is null) db.Counters.Add(new TaskCounter { ProjectId = e.ProjectId });
    }
}

internal sealed class ProjectUpdatedHandler(ProjectCopy copy) : IIntegrationEventHandler<ProjectUpdated>
{
    public Task Handle(ProjectUpdated e, CancellationToken ct) => copy.Visibility(e.ProjectId, e.WorkspaceId, e.Visibility, e.OccurredAt, ct);
}

internal sealed class ProjectArchivedHandler(ProjectCopy copy) : IIntegrationEventHandler<ProjectArchived>
{
    public Task Handle(ProjectArchived e, CancellationToken ct) => copy.Archive(e.ProjectId, e.WorkspaceId, true, e.OccurredAt, ct);
}

internal sealed class ProjectUnarchivedHandler(ProjectCopy copy) : IIntegrationEventHandler<ProjectUnarchived>
{
    public Task Handle(ProjectUnarchived e, CancellationToken ct) => copy.Archive(e.ProjectId, e.WorkspaceId, false, e.OccurredAt, ct);
}

/// <summary>Tombstones the project and deletes its tasks (comments and assignees cascade) and saved views. The counter stays: keys are never reused.</summary>
internal sealed class ProjectDeletedHandler(TasksDb db, ProjectCopy copy) : IIntegrationEventHandler<ProjectDeleted>
{
    public async Task Handle(ProjectDeleted e, CancellationToken ct)
    {
        var project = await copy.Project(e.ProjectId, e.WorkspaceId, ct);
        project.Deleted = true;
        db.Tasks.RemoveRange(await db.Tasks.Where(t => t.ProjectId == e.ProjectId).ToListAsync(ct));
        db.SavedViews.RemoveRange(await db.SavedViews.Where(v => v.ProjectId == e.ProjectId).ToListAsync(ct));
    }
}

internal sealed class ProjectMemberAddedHandler(ProjectCopy copy) : IIntegrationEventHandler<ProjectMemberAdded>
{
    public Task Handle(ProjectMemberAdded e, CancellationToken ct) =>
        Roles.TryParseProjectRole(e.Role, out var role)
            ? copy.Member(e.ProjectId, e.UserId, role, e.OccurredAt, ct)
            : throw new InvalidOperationException($"Unknown project role '{e.Role}'.");
}

internal sealed class ProjectMemberRoleChangedHandler(ProjectCopy copy) : IIntegrationEventHandler<ProjectMemberRoleChanged>
{
    public Task Handle(ProjectMemberRoleChanged e, CancellationToken ct) =>
        Roles.TryParseProjectRole(e.Role, out var role)
            ? copy.Member(e.ProjectId, e.UserId, role, e.OccurredAt, ct)
            : throw new InvalidOperationException($"Unknown project role '{e.Role}'.");
}

internal sealed class ProjectMemberRemovedHandler(ProjectCopy copy) : IIntegrationEventHandler<ProjectMemberRemoved>
{
    public Task Handle(ProjectMemberRemoved e, CancellationToken ct) => copy.Member(e.ProjectId, e.UserId, null, e.OccurredAt, ct);
}

/// <summary>Replaces the project's workflow with the listed statuses, unless a newer workflow was applied already.</summary>
internal sealed class WorkflowChangedHandler(TasksDb db) : IIntegrationEventHandler<WorkflowChanged>
{
    public async Task Handle(WorkflowChanged e, CancellationToken ct)
    {
        var known = await db.Statuses.Where(s => s.ProjectId == e.ProjectId).ToListAsync(ct);
        if (known.Any(s => s.UpdatedAt > e.OccurredAt)) return;
        foreach (var s in e.Statuses)
        {
            var status = known.SingleOrDefault(k => k.Id == s.Id);
            if (status is null)
            {
                status = new WorkflowStatus { Id = s.Id, ProjectId = e.ProjectId };
                db.Statuses.Add(status);
                known.Add(status);
            }
            (status.Name, status.Category, status.Position, status.Removed) = (s.Name, s.Category, s.Position, false);
        }
        foreach (var status in known)
        {
            if (e.Statuses.All(s => s.Id != status.Id)) status.Removed = true;
            status.UpdatedAt = e.OccurredAt;
        }
    }
}

/// <summary>Moves the removed status's tasks to the end of the MoveTo column, keeping their order; recorded as activity.</summary>
internal sealed class WorkflowStatusRemovedHandler(TasksDb db) : IIntegrationEventHandler<WorkflowStatusRemoved>
{
    public async Task Handle(WorkflowStatusRemoved e, CancellationToken ct)
    {
        // The WorkflowChanged published with this event may arrive later: the status is gone either way.
        if (await db.Statuses.FindAsync([e.StatusId], ct) is { } removed) removed.Removed = true;
        await Ranks.LockAsync(db, e.ProjectId, ct);
        var moving = await db.Tasks.Where(t => t.ProjectId == e.ProjectId && t.StatusId == e.StatusId)
            .OrderBy(t => t.Rank).ThenBy(t => t.Number).ToListAsync(ct);
        if (moving.Count == 0) return;
        var last = await db.Tasks.Where(t => t.ProjectId == e.ProjectId && t.StatusId == e.MoveTo)
            .OrderByDescending(t => t.Rank).ThenByDescending(t => t.Number).Select(t => t.Rank).FirstOrDefaultAsync(ct);
        var now = Clock.UtcNow();
        foreach (var task in moving)
        {
            var rank = Ranks.Between(last, null);
            if (rank.Length > Ranks.MaxLength)
            {
                // Out of room at the end of the column: spread the column again, then append.
                last = await Ranks.Rebalance(db, e.ProjectId, e.MoveTo, ct);
                rank = Ranks.Between(last, null);
            }
            TaskLog.Record(db, task, null, now, "status", task.StatusId.ToString(), e.MoveTo.ToString());
            task.StatusId = e.MoveTo;
            task.Rank = rank;
            task.UpdatedAt = now;
            task.Version++;
            last = rank;
        }
    }
}
