using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Projects.Features;

internal static class RemoveStatus
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapDelete("/statuses/{statusId:guid}", Handle)
            .RequireProjectRole(ProjectRole.Admin)
            .WithName("RemoveStatus")
            .WithSummary("Remove a workflow status")
            .WithDescription("Project admins. moveTo (required) is another status of the project that its tasks move to; published as WorkflowStatusRemoved with WorkflowChanged. The last status cannot be removed (409 last-status).");

    static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Handle(
        Guid statusId, Guid? moveTo, CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var statuses = await Workflow.Load(db, access.ProjectId, ct);
        var status = statuses.SingleOrDefault(s => s.Id == statusId);
        if (status is null) return Problems.StatusNotFound();
        if (statuses.Count == 1) return Problems.LastStatus();
        if (moveTo is not { } target)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["moveTo"] = ["Name the status its tasks move to."] });
        if (target == statusId || statuses.All(s => s.Id != target))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["moveTo"] = ["moveTo must be another status of this project."] });

        // No tasks live in this service: the tasks service moves them on WorkflowStatusRemoved.
        statuses.Remove(status);
        db.Statuses.Remove(status);
        db.Publish(new WorkflowStatusRemoved(access.ProjectId, statusId, target));
        Workflow.Renumber(db, access.ProjectId, statuses);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
