using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Workspaces.Data;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.Workspaces.Features;

internal static class ChangeMemberRole
{
    /// <summary>A member's new role.</summary>
    /// <param name="Role">owner, admin, member or viewer.</param>
    internal sealed record Request(string? Role);

    public static RouteHandlerBuilder Map(RouteGroupBuilder workspace) =>
        workspace.MapPatch("/members/{userId:guid}", Handle)
            .RequireWorkspaceRole(WorkspaceRole.Admin)
            .WithName("ChangeMemberRole")
            .WithSummary("Change a member's role")
            .WithDescription("Owners can change anyone; admins can switch members and viewers between member and viewer. The last owner cannot be demoted (409 last-owner).");

    static async Task<Results<Ok<MemberResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid userId, Request request, CurrentMembership current, WorkspacesDb db, CancellationToken ct)
    {
        if (!WorkspaceRoles.TryParse(request.Role, out var role))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["role"] = [$"The role must be one of {string.Join(", ", WorkspaceRoles.Names)}."] });

        var target = userId == current.UserId
            ? current.Membership
            : await db.Memberships.SingleOrDefaultAsync(m => m.WorkspaceId == current.WorkspaceId && m.UserId == userId, ct);
        if (target is null) return Problems.MemberNotFound();
        if (MemberRules.CheckCanManage(current.Role, target.Role, role) is { } forbidden) return forbidden;
        if (target.Role == role) return TypedResults.Ok(MemberResponse.From(target));
        if (role != WorkspaceRole.Owner && await MemberRules.CheckOwnerMayGo(db, current.Workspace, target, ct) is { } lastOwner)
            return lastOwner;

        target.Role = role;
        db.Publish(new MemberRoleChanged(current.WorkspaceId, target.UserId, role.ToName()));
        if (await MemberRules.Save(db, ct) is { } conflict) return conflict;
        return TypedResults.Ok(MemberResponse.From(target));
    }
}
