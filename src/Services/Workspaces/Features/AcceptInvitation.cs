using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Workspaces.Data;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.Workspaces.Features;

internal static class AcceptInvitation
{
    /// <summary>The token from the invitation email.</summary>
    /// <param name="Token">The <c>token</c> query parameter of the emailed link.</param>
    internal sealed record Request(string? Token);

    /// <summary>The workspace just joined.</summary>
    /// <param name="WorkspaceId">Workspace id.</param>
    /// <param name="Role">The role the caller now has.</param>
    internal sealed record Response(Guid WorkspaceId, string Role);

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder invitations) =>
        invitations.MapPost("/accept", Handle)
            .WithName("AcceptInvitation")
            .WithSummary("Accept an invitation")
            .WithDescription("The caller must be signed in with the invited email address (else 403). An unknown token is 404; a used, revoked or expired one is 410.");

    static async Task<Results<Ok<Response>, ValidationProblem, ProblemHttpResult>> Handle(
        Request request, ClaimsPrincipal user, WorkspacesDb db, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Token))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["token"] = ["The invitation token is required."] });

        var hash = InvitationTokens.Hash(request.Token.Trim());
        var invitation = await db.Invitations.Include(i => i.Workspace).SingleOrDefaultAsync(i => i.TokenHash == hash, ct);
        if (invitation is null) return Problems.InvitationNotFound();

        var email = user.EmailOrEmpty();
        if (Claims.NormalizeEmail(email) != invitation.NormalizedEmail) return Problems.InvitationForSomeoneElse();

        var now = Clock.UtcNow();
        if (!invitation.IsPending(now))
            return Problems.InvitationGone(invitation.Status == InvitationStatus.Accepted ? "used" : invitation.StatusName(now));

        var userId = user.UserId();
        if (await db.Memberships.AnyAsync(m => m.WorkspaceId == invitation.WorkspaceId && m.UserId == userId, ct))
            return Problems.AlreadyMember();

        db.Memberships.Add(new Membership
        {
            WorkspaceId = invitation.WorkspaceId,
            UserId = userId,
            Email = email,
            NormalizedEmail = invitation.NormalizedEmail,
            DisplayName = user.DisplayName(),
            Role = invitation.Role,
            JoinedAt = now,
        });
        invitation.Status = InvitationStatus.Accepted;
        invitation.RespondedAt = now;
        invitation.AcceptedBy = userId;
        db.Publish(new MemberAdded(invitation.WorkspaceId, userId, invitation.Role.ToName()));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same user accepted twice at once: the membership's primary key let only one through.
            return Problems.AlreadyMember();
        }
        return TypedResults.Ok(new Response(invitation.WorkspaceId, invitation.Role.ToName()));
    }
}
