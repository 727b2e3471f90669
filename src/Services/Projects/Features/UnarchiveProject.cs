using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Projects.Features;

internal static class UnarchiveProject
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapPost("/unarchive", Handle)
            .RequireProjectRole(ProjectRole.Admin)
            .AllowWhenArchived()
            .WithName("UnarchiveProject")
            .WithSummary("Unarchive a project")
            .WithDescription("Project admins. Unarchiving a project that is not archived changes nothing.");

    static async Task<Ok<ProjectResponse>> Handle(CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var project = access.Project;
        if (project.ArchivedAt is not null)
        {
            project.ArchivedAt = null;
            db.Publish(new ProjectUnarchived(project.Id, project.WorkspaceId));
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Ok(ProjectResponse.From(project, access.ProjectRole));
    }
}
