using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Workspaces.Data;

namespace TaskFlow.Workspaces.Features;

internal static class ListMyInvitations
{
    /// <summary>An invitation addressed to the caller.</summary>
    /// <param name="Id">Invitation id.</param>
    /// <param name="WorkspaceId">The workspace it is for.</param>
    /// <param name="WorkspaceName">That workspace's name.</param>
    /// <param name="Role">The role on accepting.</param>
    /// <param name="InvitedByName">Display name of who invited.</param>
    /// <param name="ExpiresAt">Accept before this (UTC), with the token from the email.</param>
    internal sealed record Response(Guid Id, Guid WorkspaceId, string WorkspaceName, string Role, string InvitedByName, DateTime ExpiresAt);

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder invitations) =>
        invitations.MapGet("/", Handle)
            .WithName("ListMyInvitations")
            .WithSummary("List invitations addressed to me")
            .WithDescription("Pending invitations to the caller's email address, newest first.");

    static async Task<Ok<List<Response>>> Handle(ClaimsPrincipal user, WorkspacesDb db, CancellationToken ct)
    {
        var email = Claims.NormalizeEmail(user.EmailOrEmpty());
        var now = Clock.UtcNow();
        var rows = await db.Invitations.AsNoTracking()
            .Where(i => email != "" && i.NormalizedEmail == email && i.Status == InvitationStatus.Pending && i.ExpiresAt > now)
            .OrderByDescending(i => i.CreatedAt)
            .Select(i => new { i.Id, i.WorkspaceId, WorkspaceName = i.Workspace.Name, i.Role, i.InvitedByName, i.ExpiresAt })
            .ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r => new Response(r.Id, r.WorkspaceId, r.WorkspaceName, r.Role.ToName(), r.InvitedByName, r.ExpiresAt)).ToList());
    }
}
