using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Workspaces.Data;

namespace TaskFlow.Workspaces.Features;

/// <summary>Who may change whom, shared by role changes and removals.</summary>
internal static class MemberRules
{
    /// <summary>
    /// Owners manage everyone. Admins manage members and viewers only, and can neither grant nor take away
    /// owner or admin. Members and viewers manage nobody.
    /// </summary>
    public static ProblemHttpResult? CheckCanManage(WorkspaceRole caller, WorkspaceRole target, WorkspaceRole? newRole = null)
    {
        if (caller == WorkspaceRole.Owner) return null;
        if (caller == WorkspaceRole.Admin)
        {
            if (target.IsManager())
                return Problems.InsufficientRole($"Admins cannot change or remove a member who is {target.ToName()}.");
            if (newRole is { } role && role.IsManager())
                return Problems.InsufficientRole($"Admins cannot make someone {role.ToName()}.");
            return null;
        }
        return Problems.InsufficientRole("Only owners and admins manage other members.");
    }

    /// <summary>
    /// Before an owner stops being one: refuses if they are the last owner, and marks the owners as changed so a
    /// concurrent demotion of the other owner fails its concurrency check instead of leaving no owner.
    /// </summary>
    public static async Task<ProblemHttpResult?> CheckOwnerMayGo(WorkspacesDb db, Workspace workspace, Membership target, CancellationToken ct)
    {
        if (target.Role != WorkspaceRole.Owner) return null;
        var owners = await db.Memberships.CountAsync(m => m.WorkspaceId == workspace.Id && m.Role == WorkspaceRole.Owner, ct);
        if (owners <= 1) return Problems.LastOwner();
        workspace.OwnersVersion = Guid.NewGuid();
        return null;
    }

    /// <summary>SaveChanges that turns a lost race on <see cref="Workspace.OwnersVersion"/> into a 409.</summary>
    public static async Task<ProblemHttpResult?> Save(WorkspacesDb db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.ConcurrentChange();
        }
    }
}
