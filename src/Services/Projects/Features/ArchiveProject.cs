using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Projects.Features;

internal static class ArchiveProject
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapPost("/archive", Handle)
            .RequireProjectRole(ProjectRole.Admin)
            .WithName("ArchiveProject")
            .WithSummary("Archive a project")
            .WithDescription("Project admins. The project becomes read-only (writes are 409 project-archived) and leaves the default project list.");

    static async Task<Ok<ProjectResponse>> Handle(CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var project = access.Project;
        project.ArchivedAt = Clock.UtcNow();
        db.Publish(new ProjectArchived(project.Id, project.WorkspaceId));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ProjectResponse.From(project, access.ProjectRole));
    }
}
