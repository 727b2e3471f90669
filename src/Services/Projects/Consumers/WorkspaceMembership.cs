using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.Projects.Consumers;

/// <summary>
/// Keeps <c>workspace_members</c> in step with the workspaces service. Redelivery of one message is stopped by the inbox;
/// for messages that arrive out of order, each membership row remembers the time of the last change applied and an older
/// change is ignored (last writer wins). Removal keeps the row as inactive so a late MemberAdded cannot resurrect it,
/// and a deleted workspace stays as a tombstone so late membership events for it are ignored.
/// </summary>
internal sealed class MembershipCopy(ProjectsDb db)
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

    /// <summary>Applies a membership change unless the workspace is deleted or a newer change was applied already.</summary>
    public async Task<bool> Apply(Guid workspaceId, Guid userId, WorkspaceRole? role, DateTime occurredAt, bool onlyIfAbsent, CancellationToken ct)
    {
        var workspace = await Workspace(workspaceId, ct);
        if (workspace.Deleted) return false;
        var member = await db.WorkspaceMembers.FindAsync([workspaceId, userId], ct);
        if (member is null)
        {
            db.WorkspaceMembers.Add(new WorkspaceMember
            {
                WorkspaceId = workspaceId,
                UserId = userId,
                Role = role ?? WorkspaceRole.Viewer,
                Active = role is not null,
                UpdatedAt = occurredAt,
            });
            return true;
        }
        if (onlyIfAbsent || occurredAt < member.UpdatedAt) return false;
        member.Active = role is not null;
        if (role is { } r) member.Role = r;
        member.UpdatedAt = occurredAt;
        return true;
    }

    /// <summary>The user's project memberships in the workspace go with their workspace membership.</summary>
    public async Task RemoveProjectMemberships(Guid workspaceId, Guid userId, CancellationToken ct)
    {
        var memberships = await db.ProjectMembers
            .Where(m => m.UserId == userId && db.Projects.Any(p => p.Id == m.ProjectId && p.WorkspaceId == workspaceId))
            .ToListAsync(ct);
        foreach (var membership in memberships)
        {
            db.ProjectMembers.Remove(membership);
            db.Publish(new ProjectMemberRemoved(membership.ProjectId, userId));
        }
    }
}

internal sealed class WorkspaceCreatedHandler(MembershipCopy copy) : IIntegrationEventHandler<WorkspaceCreated>
{
    public async Task Handle(WorkspaceCreated e, CancellationToken ct)
    {
        var workspace = await copy.Workspace(e.WorkspaceId, ct);
        if (workspace.Deleted) return;
        workspace.Name = e.Name;
        // MemberAdded for the owner follows; this only covers it arriving late or not at all.
        await copy.Apply(e.WorkspaceId, e.OwnerId, WorkspaceRole.Owner, e.OccurredAt, onlyIfAbsent: true, ct);
    }
}

internal sealed class MemberAddedHandler(MembershipCopy copy) : IIntegrationEventHandler<MemberAdded>
{
    public async Task Handle(MemberAdded e, CancellationToken ct)
    {
        if (!Roles.TryParseWorkspaceRole(e.Role, out var role)) throw new InvalidOperationException($"Unknown workspace role '{e.Role}'.");
        await copy.Apply(e.WorkspaceId, e.UserId, role, e.OccurredAt, onlyIfAbsent: false, ct);
    }
}

/// <summary>A role change for a member not seen yet (MemberAdded still on its way) upserts the member.</summary>
internal sealed class MemberRoleChangedHandler(MembershipCopy copy) : IIntegrationEventHandler<MemberRoleChanged>
{
    public async Task Handle(MemberRoleChanged e, CancellationToken ct)
    {
        if (!Roles.TryParseWorkspaceRole(e.Role, out var role)) throw new InvalidOperationException($"Unknown workspace role '{e.Role}'.");
        await copy.Apply(e.WorkspaceId, e.UserId, role, e.OccurredAt, onlyIfAbsent: false, ct);
    }
}

internal sealed class MemberRemovedHandler(MembershipCopy copy) : IIntegrationEventHandler<MemberRemoved>
{
    public async Task Handle(MemberRemoved e, CancellationToken ct)
    {
        if (await copy.Apply(e.WorkspaceId, e.UserId, null, e.OccurredAt, onlyIfAbsent: false, ct))
            await copy.RemoveProjectMemberships(e.WorkspaceId, e.UserId, ct);
    }
}

/// <summary>Tombstones the workspace, deactivates its members and deletes its projects (publishing ProjectDeleted for each).</summary>
internal sealed class WorkspaceDeletedHandler(ProjectsDb db, MembershipCopy copy) : IIntegrationEventHandler<WorkspaceDeleted>
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
        foreach (var project in await db.Projects.Where(p => p.WorkspaceId == e.WorkspaceId).ToListAsync(ct))
        {
            db.Projects.Remove(project);
            db.Publish(new ProjectDeleted(project.Id, project.WorkspaceId));
        }
    }
}
