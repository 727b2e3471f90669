using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>A user who follows a task.</summary>
/// <param name="UserId">The watcher.</param>
/// <param name="Since">When they started watching (UTC).</param>
internal sealed record WatcherResponse(Guid UserId, DateTime Since);

/// <summary>
/// Task watchers: the reporter, assignees and commenters are added automatically; anyone who can read the task (a project
/// viewer or a workspace member outside the project too) can watch or unwatch it. Watching does not change the task's
/// version.
/// </summary>
internal static class Watchers
{
    public static void Map(RouteGroupBuilder task)
    {
        task.MapGet("/watchers", List)
            .WithName("ListWatchers")
            .WithSummary("Who watches a task")
            .WithDescription("Oldest first.");
        task.MapPut("/watchers/me", Watch)
            .RequireProjectRole(ProjectRole.Reader)
            .WithName("WatchTask")
            .WithSummary("Watch a task")
            .WithDescription("Anyone who can read the task. Idempotent: 204 whether or not you watched it already.");
        task.MapDelete("/watchers/me", Unwatch)
            .RequireProjectRole(ProjectRole.Reader)
            .WithName("UnwatchTask")
            .WithSummary("Stop watching a task")
            .WithDescription("Anyone who can read the task. Idempotent: 204 whether or not you watched it.");
    }

    static async Task<Ok<List<WatcherResponse>>> List(CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var taskId = access.Task!.Id;
        var watchers = await db.Watchers.AsNoTracking().Where(w => w.TaskId == taskId).OrderBy(w => w.CreatedAt).ThenBy(w => w.UserId)
            .Select(w => new WatcherResponse(w.UserId, w.CreatedAt)).ToListAsync(ct);
        return TypedResults.Ok(watchers);
    }

    static async Task<NoContent> Watch(CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        if (TaskFields.Watch(access.Task!, access.UserId, Clock.UtcNow()))
        {
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // A concurrent identical request added the row first: the caller watches the task either way.
            }
        }
        return TypedResults.NoContent();
    }

    static async Task<NoContent> Unwatch(CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var task = access.Task!;
        if (task.Watchers.RemoveAll(w => w.UserId == access.UserId) > 0)
        {
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Already removed by a concurrent request.
            }
        }
        return TypedResults.NoContent();
    }
}
