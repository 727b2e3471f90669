using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaskFlow.Workspaces.Data;

namespace TaskFlow.Workspaces.Features;

internal static class ResendInvitation
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder workspace) =>
        workspace.MapPost("/invitations/{invitationId:guid}/resend", Handle)
            .RequireWorkspaceRole(WorkspaceRole.Admin)
            .WithName("ResendInvitation")
            .WithSummary("Resend a pending invitation")
            .WithDescription("Owners and admins. Mails the same invitation again with a new link and a fresh expiry (the earlier link stops working); publishes InvitationCreated for the same id. 200 with resent=true; only pending invitations can be resent, others are 404.");

    static async Task<Results<Ok<InvitationResponse>, ProblemHttpResult>> Handle(
        Guid invitationId, CurrentMembership current, WorkspacesDb db, IOptions<WorkspacesOptions> options, InvitationMailLimits limits,
        HttpContext context, CancellationToken ct)
    {
        var now = Clock.UtcNow();
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == invitationId && i.WorkspaceId == current.WorkspaceId, ct);
        if (invitation is null || !invitation.IsPending(now)) return Problems.InvitationNotFound();
        if (invitation.Role.IsManager() && current.Role != WorkspaceRole.Owner)
            return Problems.InsufficientRole($"Only owners can resend an invitation to become {invitation.Role.ToName()}.");

        if (limits.Take(context, current.UserId, invitation.NormalizedEmail) is { } tooMany) return tooMany;
        CreateInvitation.Resend(invitation, current, db, options.Value, now);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(InvitationResponse.From(invitation, now, resent: true));
    }
}
