using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Workspaces.Data;

namespace TaskFlow.Workspaces.Features;

internal static class GetWorkspace
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder workspace) =>
        workspace.MapGet("/", Handle)
            .WithName("GetWorkspace")
            .WithSummary("Get a workspace")
            .WithDescription("Any member may read it; to anyone else the workspace does not exist (404).");

    static async Task<Ok<WorkspaceDetails>> Handle(CurrentMembership current, WorkspacesDb db, CancellationToken ct)
    {
        var count = await db.Memberships.CountAsync(m => m.WorkspaceId == current.WorkspaceId, ct);
        return TypedResults.Ok(Details(current, count));
    }

    public static WorkspaceDetails Details(CurrentMembership current, int memberCount) => new(
        current.Workspace.Id, current.Workspace.Name, current.Workspace.Slug, current.Role.ToName(), current.Workspace.CreatedAt, memberCount);
}
