using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Integrations.Data;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.Integrations.Consumers;

/// <summary>
/// Keeps <c>workspace_members</c> in step with the workspaces service, as the tasks service does: the inbox stops
/// redelivery; out-of-order changes are resolved by OccurredAt (last writer wins); removed members stay as inactive rows
/// and deleted workspaces as tombstones, so late events cannot bring them back.
/// </summary>
internal sealed class MembershipCopy(IntegrationsDb db)
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

    public async Task Apply(Guid workspaceId, Guid userId, WorkspaceRole? role, DateTime occurredAt, bool onlyIfAbsent, CancellationToken ct)
    {
        var workspace = await Workspace(workspaceId, ct);
        if (workspace.Deleted) return;
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
            return;
        }
        if (onlyIfAbsent || occurredAt < member.UpdatedAt) return;
        member.Active = role is not null;
        if (role is { } r) member.Role = r;
        member.UpdatedAt = occurredAt;
    }

    public static WorkspaceRole Parse(string role) =>
        Roles.TryParse(role, out var parsed) ? parsed : throw new InvalidOperationException($"Unknown workspace role '{role}'.");
}

internal sealed class WorkspaceCreatedHandler(MembershipCopy copy) : IIntegrationEventHandler<WorkspaceCreated>
{
    public Task Handle(WorkspaceCreated e, CancellationToken ct) =>
        copy.Apply(e.WorkspaceId, e.OwnerId, WorkspaceRole.Owner, e.OccurredAt, onlyIfAbsent: true, ct);
}

internal sealed class MemberAddedHandler(MembershipCopy copy) : IIntegrationEventHandler<MemberAdded>
{
    public Task Handle(MemberAdded e, CancellationToken ct) =>
        copy.Apply(e.WorkspaceId, e.UserId, MembershipCopy.Parse(e.Role), e.OccurredAt, onlyIfAbsent: false, ct);
}

internal sealed class MemberRoleChangedHandler(MembershipCopy copy) : IIntegrationEventHandler<MemberRoleChanged>
{
    public Task Handle(MemberRoleChanged e, CancellationToken ct) =>
        copy.Apply(e.WorkspaceId, e.UserId, MembershipCopy.Parse(e.Role), e.OccurredAt, onlyIfAbsent: false, ct);
}

internal sealed class MemberRemovedHandler(MembershipCopy copy) : IIntegrationEventHandler<MemberRemoved>
{
    public Task Handle(MemberRemoved e, CancellationToken ct) =>
        copy.Apply(e.WorkspaceId, e.UserId, null, e.OccurredAt, onlyIfAbsent: false, ct);
}

/// <summary>Tombstones the workspace, deactivates its members and deletes its webhooks (their pending deliveries cascade).</summary>
internal sealed class WorkspaceDeletedHandler(IntegrationsDb db, MembershipCopy copy) : IIntegrationEventHandler<WorkspaceDeleted>
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
        db.Webhooks.RemoveRange(await db.Webhooks.Where(w => w.WorkspaceId == e.WorkspaceId).ToListAsync(ct));
    }
}
