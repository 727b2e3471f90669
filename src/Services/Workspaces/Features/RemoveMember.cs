using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Workspaces.Data;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.Workspaces.Features;

internal static class RemoveMember
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder workspace) =>
        workspace.MapDelete("/members/{userId:guid}", Handle)
            .WithName("RemoveMember")
            .WithSummary("Remove a member, or leave")
            .WithDescription("Anyone may remove themselves (leave). Owners remove anyone; admins remove members and viewers. The last owner cannot leave or be removed (409 last-owner).");

    static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        Guid userId, CurrentMembership current, WorkspacesDb db, CancellationToken ct)
    {
        Membership? target;
        if (userId == current.UserId)
        {
            target = current.Membership;
        }
        else
        {
            // Refuse members and viewers before looking anyone up, so the answer does not depend on who exists.
            if (!current.Role.IsManager()) return Problems.InsufficientRole("Only owners and admins remove other members.");
            target = await db.Memberships.SingleOrDefaultAsync(m => m.WorkspaceId == current.WorkspaceId && m.UserId == userId, ct);
            if (target is null) return Problems.MemberNotFound();
            if (MemberRules.CheckCanManage(current.Role, target.Role) is { } forbidden) return forbidden;
        }
        if (await MemberRules.CheckOwnerMayGo(db, current.Workspace, target, ct) is { } lastOwner) return lastOwner;

        db.Memberships.Remove(target);
        db.Publish(new MemberRemoved(current.WorkspaceId, target.UserId));
        if (await MemberRules.Save(db, ct) is { } conflict) return conflict;
        return TypedResults.NoContent();
    }
}
