using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Realtime.Data;
using TaskFlow.Realtime.Hub;

namespace TaskFlow.Realtime.Consumers;

// This service's copies of the workspaces and projects services' events (the wire name is the type name).
// OccurredAt is the base IntegrationEvent property the publisher serializes; it orders changes to one row.

internal sealed record WorkspaceCreated(Guid WorkspaceId, string Name, Guid OwnerId, DateTime OccurredAt);

internal sealed record MemberAdded(Guid WorkspaceId, Guid UserId, string Role, DateTime OccurredAt);

internal sealed record MemberRoleChanged(Guid WorkspaceId, Guid UserId, string Role, DateTime OccurredAt);

internal sealed record MemberRemoved(Guid WorkspaceId, Guid UserId, DateTime OccurredAt);

internal sealed record WorkspaceDeleted(Guid WorkspaceId, DateTime OccurredAt);

internal sealed record ProjectCreated(Guid ProjectId, Guid WorkspaceId, string Key, string Name, DateTime OccurredAt);

internal sealed record ProjectDeleted(Guid ProjectId, Guid WorkspaceId, DateTime OccurredAt);

/// <summary>
/// Who may read which project, with the tasks service's rules: the inbox stops redelivery; out-of-order membership
/// changes are resolved by OccurredAt (last writer wins); removed members stay as inactive rows and deleted workspaces
/// and projects as tombstones, so late events cannot bring them back. Any active workspace member (any role) reads
/// every project of the workspace.
/// </summary>
internal sealed class AccessCopy(RealtimeDb db)
{
    public async Task<KnownWorkspace> Workspace(Guid workspaceId, CancellationToken ct)
    {
        var workspace = await db.Workspaces.FindAsync([workspaceId], ct);
        if (workspace is null)
        {
            workspace = new KnownWorkspace { Id = workspaceId };
            db.Workspaces.Add(workspace);
        }
        return workspace;
    }

    /// <summary>Applies a membership change; false when it was ignored (stale, or the workspace is gone).</summary>
    public async Task<bool> Member(Guid workspaceId, Guid userId, bool active, DateTime occurredAt, bool onlyIfAbsent, CancellationToken ct)
    {
        var workspace = await Workspace(workspaceId, ct);
        if (workspace.Deleted) return false;
        var member = await db.WorkspaceMembers.FindAsync([workspaceId, userId], ct);
        if (member is null)
        {
            db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = workspaceId, UserId = userId, Active = active, UpdatedAt = occurredAt });
            return true;
        }
        if (onlyIfAbsent || occurredAt < member.UpdatedAt) return false;
        (member.Active, member.UpdatedAt) = (active, occurredAt);
        return true;
    }

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

internal sealed class WorkspaceCreatedHandler(AccessCopy copy) : IIntegrationEventHandler<WorkspaceCreated>
{
    public async Task Handle(WorkspaceCreated e, CancellationToken ct) =>
        await copy.Member(e.WorkspaceId, e.OwnerId, active: true, e.OccurredAt, onlyIfAbsent: true, ct);
}

internal sealed class MemberAddedHandler(AccessCopy copy) : IIntegrationEventHandler<MemberAdded>
{
    public async Task Handle(MemberAdded e, CancellationToken ct) =>
        await copy.Member(e.WorkspaceId, e.UserId, active: true, e.OccurredAt, onlyIfAbsent: false, ct);
}

/// <summary>Every role reads every project, so a role change only matters as "still a member" (it orders against removals).</summary>
internal sealed class MemberRoleChangedHandler(AccessCopy copy) : IIntegrationEventHandler<MemberRoleChanged>
{
    public async Task Handle(MemberRoleChanged e, CancellationToken ct) =>
        await copy.Member(e.WorkspaceId, e.UserId, active: true, e.OccurredAt, onlyIfAbsent: false, ct);
}

/// <summary>Later JoinProject calls fail; this instance's connections of the user leave the workspace's project groups.</summary>
internal sealed class MemberRemovedHandler(AccessCopy copy, ProjectGroups groups) : IIntegrationEventHandler<MemberRemoved>
{
    public async Task Handle(MemberRemoved e, CancellationToken ct)
    {
        if (await copy.Member(e.WorkspaceId, e.UserId, active: false, e.OccurredAt, onlyIfAbsent: false, ct))
            await groups.RevokeMember(e.WorkspaceId, e.UserId);
    }
}

/// <summary>Tombstones the workspace and deactivates its members.</summary>
internal sealed class WorkspaceDeletedHandler(RealtimeDb db, AccessCopy copy, ProjectGroups groups) : IIntegrationEventHandler<WorkspaceDeleted>
{
    public async Task Handle(WorkspaceDeleted e, CancellationToken ct)
    {
        var workspace = await copy.Workspace(e.WorkspaceId, ct);
        workspace.Deleted = true;
        foreach (var member in await db.WorkspaceMembers.Where(m => m.WorkspaceId == e.WorkspaceId).ToListAsync(ct))
        {
            member.Active = false;
            member.UpdatedAt = e.OccurredAt > member.UpdatedAt ? e.OccurredAt : member.UpdatedAt;
        }
        await groups.RevokeWorkspace(e.WorkspaceId);
    }
}

internal sealed class ProjectCreatedHandler(AccessCopy copy) : IIntegrationEventHandler<ProjectCreated>
{
    public async Task Handle(ProjectCreated e, CancellationToken ct)
    {
        var project = await copy.Project(e.ProjectId, e.WorkspaceId, ct);
        if (!project.Deleted) project.WorkspaceId = e.WorkspaceId;
    }
}

/// <summary>Tombstones the project (a late ProjectCreated cannot revive it) and empties its group on this instance.</summary>
internal sealed class ProjectDeletedHandler(AccessCopy copy, ProjectGroups groups) : IIntegrationEventHandler<ProjectDeleted>
{
    public async Task Handle(ProjectDeleted e, CancellationToken ct)
    {
        var project = await copy.Project(e.ProjectId, e.WorkspaceId, ct);
        project.Deleted = true;
        await groups.RevokeProject(e.ProjectId);
    }
}
