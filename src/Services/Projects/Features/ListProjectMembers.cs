using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Projects.Data;

namespace TaskFlow.Projects.Features;

internal static class ListProjectMembers
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapGet("/members", Handle)
            .WithName("ListProjectMembers")
            .WithSummary("List the members of a project")
            .WithDescription("Any member of the project's workspace, in the order they were added.");

    static async Task<Ok<List<ProjectMemberResponse>>> Handle(CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var members = await db.ProjectMembers.AsNoTracking()
            .Where(m => m.ProjectId == access.ProjectId)
            .OrderBy(m => m.AddedAt)
            .ToListAsync(ct);
        return TypedResults.Ok(members.Select(ProjectMemberResponse.From).ToList());
    }
}
