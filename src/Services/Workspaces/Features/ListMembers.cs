using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Workspaces.Data;

namespace TaskFlow.Workspaces.Features;

internal static class ListMembers
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder workspace) =>
        workspace.MapGet("/members", Handle)
            .WithName("ListMembers")
            .WithSummary("List the members of a workspace")
            .WithDescription("Any member, viewers included, in the order they joined.");

    static async Task<Ok<List<MemberResponse>>> Handle(CurrentMembership current, WorkspacesDb db, CancellationToken ct)
    {
        var members = await db.Memberships.AsNoTracking()
            .Where(m => m.WorkspaceId == current.WorkspaceId)
            .OrderBy(m => m.JoinedAt)
            .ToListAsync(ct);
        return TypedResults.Ok(members.Select(MemberResponse.From).ToList());
    }
}
