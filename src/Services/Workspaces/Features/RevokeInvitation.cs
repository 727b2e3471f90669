using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Workspaces.Data;

namespace TaskFlow.Workspaces.Features;

internal static class RevokeInvitation
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder workspace) =>
        workspace.MapDelete("/invitations/{invitationId:guid}", Handle)
            .RequireWorkspaceRole(WorkspaceRole.Admin)
            .WithName("RevokeInvitation")
            .WithSummary("Revoke a pending invitation")
            .WithDescription("Owners and admins. Its token stops working (410 on accept). Only pending invitations can be revoked; others are 404.");

    static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        Guid invitationId, CurrentMembership current, WorkspacesDb db, CancellationToken ct)
    {
        var now = Clock.UtcNow();
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == invitationId && i.WorkspaceId == current.WorkspaceId, ct);
        if (invitation is null || !invitation.IsPending(now)) return Problems.InvitationNotFound();
        if (invitation.Role == WorkspaceRole.Owner && current.Role != WorkspaceRole.Owner)
            return Problems.InsufficientRole("Only owners can revoke an invitation to become owner.");

        invitation.Status = InvitationStatus.Revoked;
        invitation.RespondedAt = now;
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
