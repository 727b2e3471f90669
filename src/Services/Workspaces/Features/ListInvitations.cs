using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Workspaces.Data;

namespace TaskFlow.Workspaces.Features;

internal static class ListInvitations
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder workspace) =>
        workspace.MapGet("/invitations", Handle)
            .RequireWorkspaceRole(WorkspaceRole.Admin)
            .WithName("ListInvitations")
            .WithSummary("List pending invitations")
            .WithDescription("Owners and admins. Only invitations that can still be accepted, newest first.");

    static async Task<Ok<List<InvitationResponse>>> Handle(CurrentMembership current, WorkspacesDb db, CancellationToken ct)
    {
        var now = Clock.UtcNow();
        var invitations = await db.Invitations.AsNoTracking()
            .Where(i => i.WorkspaceId == current.WorkspaceId && i.Status == InvitationStatus.Pending && i.ExpiresAt > now)
            .OrderByDescending(i => i.CreatedAt)
            .ToListAsync(ct);
        return TypedResults.Ok(invitations.Select(i => InvitationResponse.From(i, now)).ToList());
    }
}
