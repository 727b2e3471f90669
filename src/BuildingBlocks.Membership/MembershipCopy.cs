using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.BuildingBlocks.Membership;

/// <summary>
/// Keeps <c>workspace_members</c> in step with the workspaces service. Redelivery of one message is stopped by the inbox;
/// messages that arrive out of order are resolved by each row's <see cref="WorkspaceMember.UpdatedAt"/> (last writer
/// wins). Removal keeps the row as inactive so a late MemberAdded cannot bring it back, and a deleted workspace stays as
/// a tombstone so late events about it are ignored.
/// </summary>
public sealed class WorkspaceMembershipCopy<TDb>(TDb db) where TDb : ServiceDb, IWorkspaceMembershipDb
{
    /// <summary>The workspace's row, added (not deleted) when the copy has not heard of it yet.</summary>
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

    /// <summary>
    /// Applies a membership change (<paramref name="role"/> null: removed, the known role is kept) unless the workspace
    /// is deleted or a newer change was applied already; <paramref name="onlyIfAbsent"/> applies it only to a member the
    /// copy has not seen. False when it was ignored.
    /// </summary>
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

    /// <summary>Tombstones the workspace and deactivates its members.</summary>
    public async Task<KnownWorkspace> Delete(Guid workspaceId, DateTime occurredAt, CancellationToken ct)
    {
        var workspace = await Workspace(workspaceId, ct);
        workspace.Deleted = true;
        foreach (var member in await db.WorkspaceMembers.Where(m => m.WorkspaceId == workspaceId).ToListAsync(ct))
        {
            member.Active = false;
            member.UpdatedAt = occurredAt > member.UpdatedAt ? occurredAt : member.UpdatedAt;
        }
        return workspace;
    }
}
