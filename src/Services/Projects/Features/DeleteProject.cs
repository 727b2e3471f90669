using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Projects.Features;

internal static class DeleteProject
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapDelete("/", Handle)
            .RequireWorkspaceRole(WorkspaceRole.Admin)
            .WithName("DeleteProject")
            .WithSummary("Delete a project")
            .WithDescription("Workspace owners and admins only; deletes its members, statuses, labels and cycles. Archived projects must be unarchived first.");

    static async Task<NoContent> Handle(CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var project = access.Project;
        db.Projects.Remove(project);
        db.Publish(new ProjectDeleted(project.Id, project.WorkspaceId));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
