using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaskFlow.Workspaces.Data;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.Workspaces.Features;

/// <summary>An invitation as the workspace's owners and admins see it.</summary>
/// <param name="Id">Invitation id.</param>
/// <param name="Email">Who is invited.</param>
/// <param name="Role">The role they get on accepting.</param>
/// <param name="ExpiresAt">After this (UTC) the invitation cannot be accepted.</param>
/// <param name="Status">pending, accepted, revoked or expired.</param>
/// <param name="Resent">True when this answer re-sent an invitation that was already pending (same id, a fresh link mailed).</param>
internal sealed record InvitationResponse(Guid Id, string Email, string Role, DateTime ExpiresAt, string Status, bool Resent = false)
{
    public static InvitationResponse From(Invitation i, DateTime now, bool resent = false) =>
        new(i.Id, i.Email, i.Role.ToName(), i.ExpiresAt, i.StatusName(now), resent);
}

internal static class CreateInvitation
{
    /// <summary>Whom to invite.</summary>
    /// <param name="Email">Email address the invitation is sent to; only a user signed in with it can accept.</param>
    /// <param name="Role">owner, admin, member or viewer (admins cannot invite owners).</param>
    internal sealed record Request(string? Email, string? Role);

    public static RouteHandlerBuilder Map(RouteGroupBuilder workspace) =>
        workspace.MapPost("/invitations", Handle)
            .RequireWorkspaceRole(WorkspaceRole.Admin)
            .WithName("CreateInvitation")
            .WithSummary("Invite someone by email")
            .WithDescription("Owners and admins. Publishes InvitationCreated (notifications mails the link): 201. Inviting an email that already has a pending invitation resends that invitation instead: the same invitation (same id) gets the given role, a fresh expiry and a new link, which is mailed again (the earlier link stops working); the answer is 200 with resent=true. Inviting a member is a 409.");

    static async Task<Results<Created<InvitationResponse>, Ok<InvitationResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Request request, CurrentMembership current, WorkspacesDb db, IOptions<WorkspacesOptions> options, CancellationToken ct)
    {
        var email = request.Email?.Trim() ?? "";
        var errors = new Dictionary<string, string[]>();
        if (email.Length == 0) errors["email"] = ["An email address is required."];
        else if (!Emails.IsValid(email)) errors["email"] = ["This is not a valid email address."];
        if (!WorkspaceRoles.TryParse(request.Role, out var role))
            errors["role"] = [$"The role must be one of {string.Join(", ", WorkspaceRoles.Names)}."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        if (role == WorkspaceRole.Owner && current.Role != WorkspaceRole.Owner)
            return Problems.InsufficientRole("Only owners can invite someone as owner.");

        var normalized = Claims.NormalizeEmail(email);
        if (await db.Memberships.AnyAsync(m => m.WorkspaceId == current.WorkspaceId && m.NormalizedEmail == normalized, ct))
            return Problems.AlreadyMember();

        var now = Clock.UtcNow();
        var previous = await db.Invitations
            .Where(i => i.WorkspaceId == current.WorkspaceId && i.NormalizedEmail == normalized && i.Status == InvitationStatus.Pending && i.ExpiresAt > now)
            .OrderByDescending(i => i.CreatedAt)
            .ToListAsync(ct);
        if (previous.Count > 0)
        {
            // Resend the pending invitation (as Slack and Linear do) rather than revoking it behind the inviter's back.
            var pending = previous[0];
            if (pending.Role == WorkspaceRole.Owner && current.Role != WorkspaceRole.Owner)
                return Problems.InsufficientRole("Only owners can resend an invitation to become owner.");
            foreach (var duplicate in previous.Skip(1)) (duplicate.Status, duplicate.RespondedAt) = (InvitationStatus.Revoked, now);
            pending.Role = role;
            pending.Email = email;
            Resend(pending, current, db, options.Value, now);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(InvitationResponse.From(pending, now, resent: true));
        }

        var token = InvitationTokens.New();
        var invitation = new Invitation
        {
            Id = Guid.CreateVersion7(),
            WorkspaceId = current.WorkspaceId,
            Email = email,
            NormalizedEmail = normalized,
            Role = role,
            TokenHash = InvitationTokens.Hash(token),
            InvitedBy = current.UserId,
            InvitedByName = current.Membership.DisplayName,
            CreatedAt = now,
            ExpiresAt = now + options.Value.InvitationLifetime,
            Status = InvitationStatus.Pending,
        };
        db.Invitations.Add(invitation);
        db.Publish(new InvitationCreated(invitation.Id, current.WorkspaceId, current.Workspace.Name, email, role.ToName(),
            invitation.InvitedByName, token, invitation.ExpiresAt));
        await db.SaveChangesAsync(ct);

        return TypedResults.Created($"/v1/workspaces/{current.WorkspaceId}/invitations/{invitation.Id}", InvitationResponse.From(invitation, now));
    }

    /// <summary>
    /// Mails a pending invitation again: a new token (only its hash is stored, so the earlier link cannot be mailed again
    /// and stops working), a fresh expiry, the current inviter; InvitationCreated again for the same invitation id.
    /// </summary>
    internal static void Resend(Invitation invitation, CurrentMembership current, WorkspacesDb db, WorkspacesOptions options, DateTime now)
    {
        var token = InvitationTokens.New();
        invitation.TokenHash = InvitationTokens.Hash(token);
        invitation.ExpiresAt = now + options.InvitationLifetime;
        invitation.InvitedBy = current.UserId;
        invitation.InvitedByName = current.Membership.DisplayName;
        db.Publish(new InvitationCreated(invitation.Id, current.WorkspaceId, current.Workspace.Name, invitation.Email, invitation.Role.ToName(),
            invitation.InvitedByName, token, invitation.ExpiresAt));
    }
}
