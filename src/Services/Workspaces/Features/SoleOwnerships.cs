using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Workspaces.Data;

namespace TaskFlow.Workspaces.Features;

/// <summary>Workspaces the caller alone owns while others are members: what blocks deleting their account (docs/adr/0030).</summary>
internal sealed class SoleOwnerships(IServiceScopeFactory scopes) : IWorkspaceOwnershipSource
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder workspaces) =>
        workspaces.MapGet("/sole-ownerships", async (ClaimsPrincipal user, WorkspacesDb db, CancellationToken ct) =>
                TypedResults.Ok(await Find(db, user.UserId(), ct)))
            .WithName("ListSoleOwnerships")
            .WithSummary("Workspaces only I own, with other members")
            .WithDescription("The workspaces the caller is the only owner of while other members remain: the account cannot be deleted until each has another owner or is deleted.");

    public async Task<IReadOnlyList<SoleOwnership>> SoleOwnerWithOthers(Guid userId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await Find(scope.ServiceProvider.GetRequiredService<WorkspacesDb>(), userId, cancellationToken);
    }

    static async Task<List<SoleOwnership>> Find(WorkspacesDb db, Guid userId, CancellationToken ct) =>
        await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == userId && m.Role == WorkspaceRole.Owner
                && !db.Memberships.Any(o => o.WorkspaceId == m.WorkspaceId && o.UserId != userId && o.Role == WorkspaceRole.Owner)
                && db.Memberships.Any(o => o.WorkspaceId == m.WorkspaceId && o.UserId != userId))
            .OrderBy(m => m.Workspace.Name)
            .Select(m => new SoleOwnership(m.WorkspaceId, m.Workspace.Name))
            .ToListAsync(ct);
}
