using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Workspaces.Data;

namespace TaskFlow.Workspaces.Features;

internal static class ListWorkspaces
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder workspaces) =>
        workspaces.MapGet("/", Handle)
            .WithName("ListWorkspaces")
            .WithSummary("List my workspaces")
            .WithDescription("Only the workspaces the caller is a member of, each with the caller's role, oldest first.");

    static async Task<Ok<List<WorkspaceSummary>>> Handle(ClaimsPrincipal user, WorkspacesDb db, CancellationToken ct)
    {
        var userId = user.UserId();
        var rows = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == userId)
            .OrderBy(m => m.Workspace.CreatedAt)
            .Select(m => new { m.Workspace.Id, m.Workspace.Name, m.Workspace.Slug, m.Role, m.Workspace.CreatedAt })
            .ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r => new WorkspaceSummary(r.Id, r.Name, r.Slug, r.Role.ToName(), r.CreatedAt)).ToList());
    }
}
