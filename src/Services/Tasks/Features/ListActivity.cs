using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>One recorded change.</summary>
/// <param name="Id">Increasing id.</param>
/// <param name="TaskId">The task changed.</param>
/// <param name="ActorId">Who changed it; null for changes the system made (e.g. a removed status).</param>
/// <param name="At">When (UTC).</param>
/// <param name="Field">created, deleted, status, rank, or the field name (title, assigneeIds, ...).</param>
/// <param name="OldValue">Value before, as text.</param>
/// <param name="NewValue">Value after, as text.</param>
internal sealed record ActivityResponse(long Id, Guid TaskId, Guid? ActorId, DateTime At, string Field, string? OldValue, string? NewValue);

internal static class ListActivity
{
    public static RouteHandlerBuilder MapForTask(RouteGroupBuilder task) =>
        task.MapGet("/activity", (string? cursor, string? limit, CurrentAccess access, TasksDb db, CancellationToken ct) =>
                Handle(db.Activities.Where(a => a.TaskId == access.Task!.Id), cursor, limit, ct))
            .WithName("ListTaskActivity")
            .WithSummary("A task's history")
            .WithDescription("Every change to the task, newest first: who, when, field, old → new. Cursor-paginated (limit 1–100, default 50).");

    public static RouteHandlerBuilder MapForProject(RouteGroupBuilder project) =>
        project.MapGet("/activity", (string? cursor, string? limit, CurrentAccess access, TasksDb db, CancellationToken ct) =>
                Handle(db.Activities.Where(a => a.ProjectId == access.ProjectId), cursor, limit, ct))
            .WithName("ListProjectActivity")
            .WithSummary("A project's task history")
            .WithDescription("Every change to the project's tasks (deleted ones included), newest first. Cursor-paginated (limit 1–100, default 50).");

    static async Task<Results<Ok<Page<ActivityResponse>>, ValidationProblem>> Handle(IQueryable<Activity> activities, string? cursor, string? limit, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        Cursor.TryLimit(limit, out var take, errors);
        long? before = null;
        if (cursor is not null)
        {
            if (long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) before = id;
            else errors["cursor"] = ["The cursor is not valid for this list."];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (before is { } b) activities = activities.Where(a => a.Id < b);
        var page = await activities.AsNoTracking().OrderByDescending(a => a.Id).Take(take + 1)
            .Select(a => new ActivityResponse(a.Id, a.TaskId, a.ActorId, a.At, a.Field, a.OldValue, a.NewValue))
            .ToListAsync(ct);
        string? next = null;
        if (page.Count > take)
        {
            page.RemoveAt(take);
            next = page[^1].Id.ToString(CultureInfo.InvariantCulture);
        }
        return TypedResults.Ok(new Page<ActivityResponse>(page, next));
    }
}
