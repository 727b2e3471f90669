using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>One page of a list.</summary>
/// <param name="Data">The items of this page.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null on the last page.</param>
internal sealed record Page<T>(IReadOnlyList<T> Data, string? NextCursor);

/// <summary>Opaque keyset cursors: the sort key of the last item returned, base64url JSON.</summary>
internal static class Cursor
{
    /// <summary>The last item's sort value and number; <paramref name="Id"/> only in lists across projects, where it breaks ties.</summary>
    internal sealed record Position(string Sort, string? Value, long Number, Guid? Id = null);

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

    const string Filters = "Filters (all optional, combined with AND): status (status id), category (backlog, todo, in_progress, done, cancelled), assignee (user id or me), priority, label (label id), cycle (cycle id), dueBefore / dueAfter (yyyy-MM-dd, inclusive; tasks without a due date never match), parent (task id), q (full-text search of title, description and comments: stemmed words, \"phrases\", -excluded, or; the last word also matches as a prefix). ";

    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapGet("/tasks", Handle)
            .WithName("ListTasks")
            .WithSummary("List a project's tasks")
            .WithDescription(Filters + "sort: created (default, newest first), updated (newest first), dueDate (soonest first, none last), priority (urgent first), key (WEB-1 first), rank (board order; needs status) or relevance (best search match first; needs q; pages by offset). Keyset pagination: pass nextCursor as cursor; stable under inserts. limit 1–100, default 50.");

    public static RouteHandlerBuilder MapForWorkspace(RouteGroupBuilder workspace) =>
        workspace.MapGet("/tasks", HandleWorkspace)
            .WithName("ListWorkspaceTasks")
            .WithSummary("List tasks across a workspace (\"my tasks\" with assignee=me)")
            .WithDescription("Any member of the workspace; every project of the workspace the caller can read (all of them: workspace members read every project). " + Filters + "Sorts and pagination as the project list; ties are broken by task id (so created is creation order and key is number then id across projects). Non-members: 404.");

    static async Task<Results<Ok<Page<TaskResponse>>, ValidationProblem, CachedJson>> Handle(
        Guid? status, string? category, string? assignee, string? priority, Guid? label, Guid? cycle, string? dueBefore, string? dueAfter,
        Guid? parent, string? q, string? sort, string? cursor, string? limit,
        CurrentAccess access, TasksDb db, TaskListCache cache, IOptions<JsonOptions> json, HttpContext http, CancellationToken ct)
    {
        var key = access.ListVersion is { } version
            ? TaskListCache.Key(access.ProjectId, version, http.Request.QueryString.Value ?? "", access.UserId,
                personal: string.Equals(assignee, "me", StringComparison.OrdinalIgnoreCase))
            : null;
        if (key is not null && cache.TryGet(key, out var cached)) return new CachedJson(cached!);
        var raw = new RawFilter(status, category, assignee, priority, label, cycle, dueBefore, dueAfter, parent, q);
        var args = Validate(access.UserId, false, raw, sort, cursor, limit);
        if (args.Errors is { } invalid) return invalid;
        if (ListPages.Serves(args.Filter, args.Sort) && CursorValueParses(args.Position))
        {
            // A miss without full-text search: one statement, written straight as JSON (docs/adr/0050).
            var page = await ListPages.Read(db, access.ProjectId, args.Filter, args.Sort, args.Position, args.Take, json.Value.SerializerOptions, ct);
            if (cache.Enabled && key is not null) cache.Set(key, page);
            return new CachedJson(page);
        }
        var result = await Run(db, tasks => tasks.Where(t => t.ProjectId == access.ProjectId), false, args, ct);
        switch (result.Result)
        {
            case Ok<Page<TaskResponse>> ok when cache.Enabled && key is not null:
                var bytes = JsonSerializer.SerializeToUtf8Bytes(ok.Value!, json.Value.SerializerOptions);
                cache.Set(key, bytes);
                return new CachedJson(bytes);
            case Ok<Page<TaskResponse>> ok:
                return ok;
            default:
                return (ValidationProblem)result.Result;
        }
    }

    static async Task<Results<Ok<Page<TaskResponse>>, ValidationProblem>> HandleWorkspace(
        Guid? status, string? category, string? assignee, string? priority, Guid? label, Guid? cycle, string? dueBefore, string? dueAfter,
        Guid? parent, string? q, string? sort, string? cursor, string? limit,
        WorkspaceAccess access, TasksDb db, CancellationToken ct)
    {
        var args = Validate(access.UserId, true, new RawFilter(status, category, assignee, priority, label, cycle, dueBefore, dueAfter, parent, q), sort, cursor, limit);
        if (args.Errors is { } invalid) return invalid;
        return await Run(db, tasks => InWorkspace(db, tasks, access.WorkspaceId, access.UserId), true, args, ct);
    }

    /// <summary>Tasks of the workspace's projects the user may read (private ones only as a member).</summary>
    internal static IQueryable<WorkItem> InWorkspace(TasksDb db, IQueryable<WorkItem> tasks, Guid workspaceId, Guid userId) =>
        tasks.Where(t => TaskAccess.VisibleProjects(db, workspaceId, userId).Select(p => p.Id).Contains(t.ProjectId));

    sealed record RawFilter(
        Guid? Status, string? Category, string? Assignee, string? Priority, Guid? Label, Guid? Cycle, string? DueBefore, string? DueAfter,
        Guid? Parent, string? Q)
    {
        public IEnumerable<KeyValuePair<string, string?>> Values() =>
        [
            new("status", Status?.ToString()), new("category", Category), new("assignee", Assignee), new("priority", Priority),
            new("label", Label?.ToString()), new("cycle", Cycle?.ToString()), new("dueBefore", DueBefore), new("dueAfter", DueAfter),
            new("parent", Parent?.ToString()), new("q", Q),
        ];
    }

    /// <summary>A list request's validated arguments, or the validation problem.</summary>
    sealed record Arguments(Filter Filter, string Sort, Cursor.Position? Position, int Take, ValidationProblem? Errors);

    static Arguments Validate(Guid userId, bool crossProject, RawFilter raw, string? sort, string? cursor, string? limit)
    {
        var errors = new Dictionary<string, string[]>();
        sort ??= "created";
        if (!Sorts.Contains(sort)) errors["sort"] = [$"The sort must be one of {string.Join(", ", Sorts)}."];
        else if (sort == "rank" && raw.Status is null) errors["sort"] = ["sort=rank orders one board column: give status too."];
        else if (sort == "relevance" && string.IsNullOrWhiteSpace(raw.Q)) errors["sort"] = ["sort=relevance ranks search results: give q too."];
        else if (sort == "relevance" && crossProject) errors["sort"] = ["sort=relevance is offered by the project list and by /v1/workspaces/{workspaceId}/search."];
        var filter = ListQuery.Parse(raw.Values(), userId, errors);
        Cursor.TryLimit(limit, out var take, errors);
        if (!Cursor.TryDecode(cursor, out var position) || (position is not null && (position.Sort != sort || (position.Id is not null) != crossProject)))
            errors["cursor"] = ["The cursor is not valid for this list."];
        return new(filter, sort, position, take, errors.Count > 0 ? TypedResults.ValidationProblem(errors) : null);
    }

    /// <summary>A cursor the one-statement path can bind; any other (forged) cursor takes the LINQ path and its answers.</summary>
    static bool CursorValueParses(Cursor.Position? p) => p is null || p.Sort switch
    {
        "updated" => long.TryParse(p.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks) && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks,
        "priority" => int.TryParse(p.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        "dueDate" => DateOnly.TryParseExact(p.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "rank" => p.Value is not null,
        _ => true,
    };

    static async Task<Results<Ok<Page<TaskResponse>>, ValidationProblem>> Run(
        TasksDb db, Func<IQueryable<WorkItem>, IQueryable<WorkItem>> scope, bool crossProject, Arguments args, CancellationToken ct)
    {
        var (filter, sort, position, take, _) = args;
        IQueryable<WorkItem> tasks;
        try
        {
            tasks = Sorted(db, Filtered(db, scope(db.Tasks.AsNoTracking()), filter with { Q = sort == "relevance" ? null : filter.Q }), filter, sort, position, crossProject);
        }
        catch (FormatException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["cursor"] = ["The cursor is not valid for this list."] });
        }

        var page = await tasks.Include(t => t.Cycle).Take(take + 1).ToListAsync(ct);
        await TaskFields.LoadDetails(db, page, ct);
        string? next = null;
        if (page.Count > take)
        {
            page.RemoveAt(take);
            next = Cursor.Encode(sort == "relevance" ? TaskSearch.CursorAfter(position, take) : KeyOf(page[^1], sort, crossProject));
        }
        return TypedResults.Ok(new Page<TaskResponse>([.. page.Select(TaskResponse.From)], next));
    }

    internal sealed record Filter(
        Guid? Status, Guid? Assignee, Priority? Priority, Guid? Parent, string? Q,
        string? Category = null, Guid? Label = null, Guid? Cycle = null, DateOnly? DueBefore = null, DateOnly? DueAfter = null);

    /// <summary>The project list's page query (without the details and the limit); every sort is served by an index led by ProjectId.</summary>
    internal static IQueryable<WorkItem> Query(TasksDb db, Guid projectId, Filter filter, string sort, Cursor.Position? after) =>
        Sorted(db, Filtered(db, db.Tasks.AsNoTracking().Where(t => t.ProjectId == projectId), filter with { Q = sort == "relevance" ? null : filter.Q }), filter, sort, after, crossProject: false);

    /// <summary>Keyset order, or the full-text index's score for <c>sort=relevance</c> (then <paramref name="tasks"/> is not yet text-filtered).</summary>
    static IQueryable<WorkItem> Sorted(TasksDb db, IQueryable<WorkItem> tasks, Filter filter, string sort, Cursor.Position? after, bool crossProject) =>
        sort == "relevance" ? TaskSearch.ByRelevance(db, tasks, filter.Q!, after) : Order(tasks, sort, after, crossProject);

    /// <summary>The workspace list's page query: the same filters over every live project of the workspace the user may read.</summary>
    internal static IQueryable<WorkItem> WorkspaceQuery(TasksDb db, Guid workspaceId, Filter filter, string sort, Cursor.Position? after, Guid userId) =>
        Order(Filtered(db, InWorkspace(db, db.Tasks.AsNoTracking(), workspaceId, userId), filter), sort, after, crossProject: true);

    static IQueryable<WorkItem> Filtered(TasksDb db, IQueryable<WorkItem> tasks, Filter filter)
    {
        if (filter.Status is { } s) tasks = tasks.Where(t => t.StatusId == s);
        if (filter.Category is { } c) tasks = tasks.Where(t => db.Statuses.Any(x => x.Id == t.StatusId && x.Category == c));
        if (filter.Assignee is { } a) tasks = tasks.Where(t => db.Assignees.Any(x => x.TaskId == t.Id && x.UserId == a));
        if (filter.Label is { } l) tasks = tasks.Where(t => db.TaskLabels.Any(x => x.TaskId == t.Id && x.LabelId == l));
        if (filter.Cycle is { } cy) tasks = tasks.Where(t => t.CycleId == cy);
        if (filter.Priority is { } pf) tasks = tasks.Where(t => t.Priority == pf);
        // DueSort is the due date, or DateOnly.MaxValue when there is none.
        if (filter.DueBefore is { } db1) tasks = tasks.Where(t => t.DueSort <= db1);
        if (filter.DueAfter is { } da) tasks = tasks.Where(t => t.DueSort >= da && t.DueSort != DateOnly.MaxValue);
        if (filter.Parent is { } pa) tasks = tasks.Where(t => t.ParentId == pa);
        if (!string.IsNullOrWhiteSpace(filter.Q)) tasks = TaskSearch.Matching(db, tasks, filter.Q);
        return tasks;
    }

    /// <summary>
    /// Keyset order. In one project the task number breaks ties (unique there); across projects the task id does
    /// (version 7 ids: creation order).
    /// </summary>
    static IQueryable<WorkItem> Order(IQueryable<WorkItem> tasks, string sort, Cursor.Position? after, bool crossProject)
    {
        var n = after?.Number ?? 0;
        var id = after?.Id ?? Guid.Empty;
        if (crossProject)
        {
            switch (sort)
            {
                case "key":
                    if (after is not null) tasks = tasks.Where(t => t.Number > n || (t.Number == n && t.Id.CompareTo(id) > 0));
                    return tasks.OrderBy(t => t.Number).ThenBy(t => t.Id);
                case "updated":
                    if (after is not null)
                    {
                        var u = new DateTime(long.Parse(after.Value!, CultureInfo.InvariantCulture), DateTimeKind.Utc);
                        tasks = tasks.Where(t => t.UpdatedAt < u || (t.UpdatedAt == u && t.Id.CompareTo(id) < 0));
                    }
                    return tasks.OrderByDescending(t => t.UpdatedAt).ThenByDescending(t => t.Id);
                case "priority":
                    if (after is not null)
                    {
                        var p = (Priority)int.Parse(after.Value!, CultureInfo.InvariantCulture);
                        tasks = tasks.Where(t => t.Priority < p || (t.Priority == p && t.Id.CompareTo(id) < 0));
                    }
                    return tasks.OrderByDescending(t => t.Priority).ThenByDescending(t => t.Id);
                case "dueDate":
                    if (after is not null)
                    {
                        var d = DateOnly.ParseExact(after.Value!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                        tasks = tasks.Where(t => t.DueSort > d || (t.DueSort == d && t.Id.CompareTo(id) > 0));
                    }
                    return tasks.OrderBy(t => t.DueSort).ThenBy(t => t.Id);
                case "rank":
                    if (after is not null)
                    {
                        var r = after.Value!;
                        tasks = tasks.Where(t => string.Compare(t.Rank, r) > 0 || (t.Rank == r && t.Id.CompareTo(id) > 0));
                    }
                    return tasks.OrderBy(t => t.Rank).ThenBy(t => t.Id);
                default:
                    if (after is not null) tasks = tasks.Where(t => t.Id.CompareTo(id) < 0);
                    return tasks.OrderByDescending(t => t.Id);
            }
        }
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

    static Cursor.Position KeyOf(WorkItem t, string sort, bool crossProject)
    {
        var id = crossProject ? t.Id : (Guid?)null;
        return sort switch
        {
            "updated" => new(sort, t.UpdatedAt.Ticks.ToString(CultureInfo.InvariantCulture), t.Number, id),
            "priority" => new(sort, ((int)t.Priority).ToString(CultureInfo.InvariantCulture), t.Number, id),
            "dueDate" => new(sort, TaskFields.Text(t.DueSort), t.Number, id),
            "rank" => new(sort, t.Rank, t.Number, id),
            _ => new(sort, null, t.Number, id),
        };
    }
}
