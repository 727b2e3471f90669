using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>One page of a list.</summary>
/// <param name="Data">The items of this page.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null on the last page.</param>
internal sealed record Page<T>(IReadOnlyList<T> Data, string? NextCursor);

/// <summary>Opaque keyset cursors: the sort key of the last item returned, base64url JSON.</summary>
internal static class Cursor
{
    internal sealed record Position(string Sort, string? Value, long Number);

    public static string Encode(Position position) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(position));

    public static bool TryDecode(string? cursor, out Position? position)
    {
        position = null;
        if (string.IsNullOrEmpty(cursor)) return true;
        try
        {
            position = JsonSerializer.Deserialize<Position>(Base64Url.DecodeFromChars(cursor));
            return position is not null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }
    }

    public static bool TryLimit(string? value, out int limit, Dictionary<string, string[]> errors)
    {
        limit = 50;
        if (value is null) return true;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= 100) return true;
        errors["limit"] = ["The limit must be a whole number from 1 to 100."];
        return false;
    }
}

internal static class ListTasks
{
    internal static readonly string[] Sorts = ["created", "updated", "dueDate", "priority", "key", "rank", "relevance"];

    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapGet("/tasks", Handle)
            .WithName("ListTasks")
            .WithSummary("List a project's tasks")
            .WithDescription("Filters: status, assignee, priority, parent, q (full-text search of title, description and comments: stemmed words, \"phrases\", -excluded, or; the last word also matches as a prefix). sort: created (default, newest first), updated (newest first), dueDate (soonest first, none last), priority (urgent first), key (WEB-1 first), rank (board order; needs status) or relevance (best search match first; needs q). Keyset pagination: pass nextCursor as cursor; stable under inserts. limit 1–100, default 50.");

    static async Task<Results<Ok<Page<TaskResponse>>, ValidationProblem>> Handle(
        Guid? status, Guid? assignee, string? priority, Guid? parent, string? q, string? sort, string? cursor, string? limit,
        CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        sort ??= "created";
        if (!Sorts.Contains(sort)) errors["sort"] = [$"The sort must be one of {string.Join(", ", Sorts)}."];
        else if (sort == "rank" && status is null) errors["sort"] = ["sort=rank orders one board column: give status too."];
        else if (sort == "relevance" && string.IsNullOrWhiteSpace(q)) errors["sort"] = ["sort=relevance ranks search results: give q too."];
        Priority? priorityFilter = null;
        if (priority is not null)
        {
            if (Priorities.TryParse(priority, out var p)) priorityFilter = p;
            else errors["priority"] = [$"The priority must be one of {string.Join(", ", Priorities.Names)}."];
        }
        Cursor.TryLimit(limit, out var take, errors);
        if (!Cursor.TryDecode(cursor, out var after) || (after is not null && after.Sort != sort)) errors["cursor"] = ["The cursor is not valid for this list."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        IQueryable<WorkItem> tasks;
        try
        {
            tasks = Query(db, access.ProjectId, new Filter(status, assignee, priorityFilter, parent, q), sort, after);
        }
        catch (FormatException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["cursor"] = ["The cursor is not valid for this list."] });
        }

        var page = await tasks.Include(t => t.Assignees).Take(take + 1).ToListAsync(ct);
        string? next = null;
        if (page.Count > take)
        {
            page.RemoveAt(take);
            next = Cursor.Encode(sort == "relevance" ? TaskSearch.CursorAfter(after, take) : KeyOf(page[^1], sort));
        }
        return TypedResults.Ok(new Page<TaskResponse>([.. page.Select(TaskResponse.From)], next));
    }

    internal sealed record Filter(Guid? Status, Guid? Assignee, Priority? Priority, Guid? Parent, string? Q);

    /// <summary>The page query (without the assignees and the limit); every sort is served by an index led by ProjectId.</summary>
    internal static IQueryable<WorkItem> Query(TasksDb db, Guid projectId, Filter filter, string sort, Cursor.Position? after)
    {
        var tasks = db.Tasks.AsNoTracking().Where(t => t.ProjectId == projectId);
        if (filter.Status is { } s) tasks = tasks.Where(t => t.StatusId == s);
        if (filter.Assignee is { } a) tasks = tasks.Where(t => db.Assignees.Any(x => x.ProjectId == projectId && x.TaskId == t.Id && x.UserId == a));
        if (filter.Priority is { } pf) tasks = tasks.Where(t => t.Priority == pf);
        if (filter.Parent is { } pa) tasks = tasks.Where(t => t.ParentId == pa);
        if (!string.IsNullOrWhiteSpace(filter.Q))
        {
            // Through the full-text index (TaskSearch); relevance order needs the index's score.
            if (sort == "relevance") return TaskSearch.ByRelevance(db, tasks, filter.Q, after);
            tasks = TaskSearch.Matching(db, tasks, filter.Q);
        }
        return Order(tasks, sort, after);
    }

    static IQueryable<WorkItem> Order(IQueryable<WorkItem> tasks, string sort, Cursor.Position? after)
    {
        var n = after?.Number ?? 0;
        switch (sort)
        {
            case "key":
                if (after is not null) tasks = tasks.Where(t => t.Number > n);
                return tasks.OrderBy(t => t.Number);
            case "updated":
                if (after is not null)
                {
                    var u = new DateTime(long.Parse(after.Value!, CultureInfo.InvariantCulture), DateTimeKind.Utc);
                    tasks = tasks.Where(t => t.UpdatedAt < u || (t.UpdatedAt == u && t.Number < n));
                }
                return tasks.OrderByDescending(t => t.UpdatedAt).ThenByDescending(t => t.Number);
            case "priority":
                if (after is not null)
                {
                    var p = (Priority)int.Parse(after.Value!, CultureInfo.InvariantCulture);
                    tasks = tasks.Where(t => t.Priority < p || (t.Priority == p && t.Number < n));
                }
                return tasks.OrderByDescending(t => t.Priority).ThenByDescending(t => t.Number);
            case "dueDate":
                if (after is not null)
                {
                    var d = DateOnly.ParseExact(after.Value!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                    tasks = tasks.Where(t => t.DueSort > d || (t.DueSort == d && t.Number > n));
                }
                return tasks.OrderBy(t => t.DueSort).ThenBy(t => t.Number);
            case "rank":
                if (after is not null)
                {
                    var r = after.Value!;
                    tasks = tasks.Where(t => string.Compare(t.Rank, r) > 0 || (t.Rank == r && t.Number > n));
                }
                return tasks.OrderBy(t => t.Rank).ThenBy(t => t.Number);
            default:
                if (after is not null) tasks = tasks.Where(t => t.Number < n);
                return tasks.OrderByDescending(t => t.Number);
        }
    }

    static Cursor.Position KeyOf(WorkItem t, string sort) => sort switch
    {
        "updated" => new(sort, t.UpdatedAt.Ticks.ToString(CultureInfo.InvariantCulture), t.Number),
        "priority" => new(sort, ((int)t.Priority).ToString(CultureInfo.InvariantCulture), t.Number),
        "dueDate" => new(sort, TaskFields.Text(t.DueSort), t.Number),
        "rank" => new(sort, t.Rank, t.Number),
        _ => new(sort, null, t.Number),
    };
}
