using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Tasks.Data;
using TaskFlow.Workspaces.Contracts;
using TaskFlow.Identity.Contracts;

namespace TaskFlow.Tasks.Consumers;

/// <summary>
/// Keeps <c>workspace_members</c> in step with the workspaces service, as the projects service does: the inbox stops
/// redelivery; out-of-order changes are resolved by OccurredAt (last writer wins); removed members stay as inactive rows
/// and deleted workspaces as tombstones, so late events cannot bring them back.
/// </summary>
internal sealed class MembershipCopy(TasksDb db)
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
}

internal sealed class WorkspaceCreatedHandler(MembershipCopy copy) : IIntegrationEventHandler<WorkspaceCreated>
{
    public async Task Handle(WorkspaceCreated e, CancellationToken ct)
    {
        var workspace = await copy.Workspace(e.WorkspaceId, ct);
        if (workspace.Deleted) return;
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

internal sealed class MemberRoleChangedHandler(MembershipCopy copy) : IIntegrationEventHandler<MemberRoleChanged>
{
    public async Task Handle(MemberRoleChanged e, CancellationToken ct)
    {
        if (!Roles.TryParseWorkspaceRole(e.Role, out var role)) throw new InvalidOperationException($"Unknown workspace role '{e.Role}'.");
        await copy.Apply(e.WorkspaceId, e.UserId, role, e.OccurredAt, onlyIfAbsent: false, ct);
    }
}

/// <summary>The projects service also publishes ProjectMemberRemoved for the user's projects; access needs only this row.</summary>
internal sealed class MemberRemovedHandler(MembershipCopy copy) : IIntegrationEventHandler<MemberRemoved>
{
    public Task Handle(MemberRemoved e, CancellationToken ct) =>
        copy.Apply(e.WorkspaceId, e.UserId, null, e.OccurredAt, onlyIfAbsent: false, ct);
}

/// <summary>Tombstones the workspace and deactivates its members; its projects go with the projects service's ProjectDeleted.</summary>
internal sealed class WorkspaceDeletedHandler(TasksDb db, MembershipCopy copy) : IIntegrationEventHandler<WorkspaceDeleted>
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
    }
}

/// <summary>Remembers each user's email (normalized) so comments can resolve <c>@email</c> mentions.</summary>
internal sealed class UserDirectory(TasksDb db)
{
    public async Task Apply(Guid userId, string email, DateTime occurredAt, CancellationToken ct)
    {
        var normalized = email.Trim().ToLowerInvariant();
        var user = await db.Users.FindAsync([userId], ct);
        if (user is null) db.Users.Add(new KnownUser { Id = userId, NormalizedEmail = normalized, UpdatedAt = occurredAt });
        else if (occurredAt >= user.UpdatedAt) (user.NormalizedEmail, user.UpdatedAt) = (normalized, occurredAt);
    }
}

internal sealed class UserRegisteredHandler(UserDirectory users) : IIntegrationEventHandler<UserRegistered>
{
    public Task Handle(UserRegistered e, CancellationToken ct) => users.Apply(e.UserId, e.Email, e.OccurredAt, ct);
}

internal sealed class UserProfileUpdatedHandler(UserDirectory users) : IIntegrationEventHandler<UserProfileUpdated>
{
    public Task Handle(UserProfileUpdated e, CancellationToken ct) => users.Apply(e.UserId, e.Email, e.OccurredAt, ct);
}
