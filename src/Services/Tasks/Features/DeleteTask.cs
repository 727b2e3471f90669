using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Tasks.Data;
using TaskFlow.Tasks.Contracts;

namespace TaskFlow.Tasks.Features;

internal static class DeleteTask
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder task) =>
        task.MapDelete("", Handle)
            .RequireProjectRole(ProjectRole.Member)
            .WithName("DeleteTask")
            .WithSummary("Delete a task")
            .WithDescription("Project members and admins. A task with subtasks is refused (409 task-has-subtasks): delete or re-parent them first, so nothing is deleted by surprise. Its comments go with it; its activity stays in the project's history; its number is never reused.");

    static async Task<Results<NoContent, ProblemHttpResult>> Handle(CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var task = access.Task!;
        if (await db.Tasks.AnyAsync(t => t.ProjectId == task.ProjectId && t.ParentId == task.Id, ct)) return Problems.HasSubtasks();
        db.Tasks.Remove(task);
        TaskLog.Record(db, task, access.UserId, Clock.UtcNow(), "deleted", task.Key, null);
        db.Publish(new TaskDeleted(task.Id, task.ProjectId, access.Project.WorkspaceId, task.Key, access.UserId));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
