using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>A task as clients see it.</summary>
/// <param name="Id">Task id.</param>
/// <param name="Key">Project key and number, e.g. WEB-1. Numbers are never reused.</param>
/// <param name="ProjectId">Owning project.</param>
/// <param name="Title">1–200 characters.</param>
/// <param name="Description">Markdown text.</param>
/// <param name="StatusId">Workflow status (board column).</param>
/// <param name="Rank">Place in the board column; ordinal string order.</param>
/// <param name="Priority">none, low, medium, high or urgent.</param>
/// <param name="AssigneeIds">Assigned users.</param>
/// <param name="DueDate">Due date.</param>
/// <param name="StartDate">Start date.</param>
/// <param name="Estimate">Estimate (points or hours, as the team likes).</param>
/// <param name="ParentId">Parent task in the same project.</param>
/// <param name="ReporterId">Who created the task.</param>
/// <param name="CreatedAt">Creation time (UTC).</param>
/// <param name="UpdatedAt">Last change (UTC).</param>
/// <param name="Version">Incremented on each change; the ETag is its quoted value.</param>
/// <param name="LabelIds">The task's labels (labels of its project).</param>
/// <param name="Labels">The same labels with their names and colors, by name.</param>
/// <param name="CycleId">The cycle the task is planned in, if any.</param>
/// <param name="Cycle">That cycle's name and dates.</param>
/// <param name="WatcherIds">Users who follow the task (reporter, assignees, commenters and whoever chose to watch).</param>
internal sealed record TaskResponse(
    Guid Id, string Key, Guid ProjectId, string Title, string? Description, Guid StatusId, string Rank, string Priority,
    Guid[] AssigneeIds, DateOnly? DueDate, DateOnly? StartDate, double? Estimate, Guid? ParentId, Guid ReporterId,
    DateTime CreatedAt, DateTime UpdatedAt, int Version, Guid[] LabelIds, TaskLabelResponse[] Labels, Guid? CycleId,
    TaskCycleResponse? Cycle, Guid[] WatcherIds)
{
    /// <summary>Needs the task's assignees, labels (with their label), cycle and watchers loaded.</summary>
    public static TaskResponse From(WorkItem t) => new(
        t.Id, t.Key, t.ProjectId, t.Title, t.Description, t.StatusId, t.Rank, t.Priority.ToName(),
        [.. t.Assignees.Select(a => a.UserId).Order()], t.DueDate, t.StartDate, t.Estimate, t.ParentId, t.ReporterId,
        t.CreatedAt, t.UpdatedAt, t.Version,
        TaskFields.LabelIds(t),
        [.. t.Labels.Where(l => l.Label is not null).Select(l => new TaskLabelResponse(l.LabelId, l.Label!.Name, l.Label.Color)).OrderBy(l => l.Name, StringComparer.OrdinalIgnoreCase).ThenBy(l => l.Id)],
        t.CycleId,
        t.Cycle is { } c ? new TaskCycleResponse(c.Id, c.Name, c.StartDate, c.EndDate) : null,
        TaskFields.WatcherIds(t));

    public static string ETag(WorkItem t) => ETagOf(t.Version);

    public static string ETagOf(int version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";
}

/// <summary>A label on a task.</summary>
/// <param name="Id">Label id.</param>
/// <param name="Name">Label name.</param>
/// <param name="Color">#RRGGBB.</param>
internal sealed record TaskLabelResponse(Guid Id, string Name, string Color);

/// <summary>The cycle a task is planned in.</summary>
/// <param name="Id">Cycle id.</param>
/// <param name="Name">Cycle name.</param>
/// <param name="StartDate">First day.</param>
/// <param name="EndDate">Last day.</param>
internal sealed record TaskCycleResponse(Guid Id, string Name, DateOnly StartDate, DateOnly EndDate);

internal static class TaskFields
{
    public const int TitleMax = 200;
    public const int DescriptionMax = 50_000;
    public const int CommentMax = 10_000;
    public const int AssigneesMax = 20;
    public const int LabelsMax = 20;

    /// <summary>A task with everything <see cref="TaskResponse.From"/> reads.</summary>
    public static IQueryable<WorkItem> WithDetails(this IQueryable<WorkItem> tasks) =>
        tasks.Include(t => t.Assignees).Include(t => t.Labels).ThenInclude(l => l.Label).Include(t => t.Cycle).Include(t => t.Watchers);

    /// <summary>One row of <see cref="LoadDetails(TasksDb, IReadOnlyList{WorkItem}, CancellationToken)"/>: an assignee (kind 0), a label (1, with its name and color) or a watcher (2).</summary>
    internal sealed class Detail
    {
        public Guid TaskId { get; init; }
        public int Kind { get; init; }
        public Guid Id { get; init; }
        public string? Name { get; init; }
        public string? Color { get; init; }
    }

    /// <summary>
    /// Fills the assignees, labels (with their label) and watchers of untracked <paramref name="tasks"/> (a list page) in
    /// one query by task id (UNION ALL over the three tables' primary keys), instead of one query per collection that
    /// each re-runs the page query (split query) or a cartesian join (single query).
    /// </summary>
    public static async Task LoadDetails(TasksDb db, IReadOnlyList<WorkItem> tasks, CancellationToken ct)
    {
        if (tasks.Count == 0) return;
        var rows = await DetailsQuery(db, [.. tasks.Select(t => t.Id)]).ToListAsync(ct);
        var byId = tasks.ToDictionary(t => t.Id);
        foreach (var row in rows) Add(byId[row.TaskId], row);
    }

    /// <summary><see cref="LoadDetails(TasksDb, IReadOnlyList{WorkItem}, CancellationToken)"/> for one task, as a compiled query (a read by id).</summary>
    public static async Task LoadDetails(TasksDb db, WorkItem task, CancellationToken ct)
    {
        var query = CompiledDetails.GetValue(db.Model, _ => EF.CompileAsyncQuery(OneTaskDetails));
        await foreach (var row in query(db, task.Id).WithCancellation(ct)) Add(task, row);
    }

    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Microsoft.EntityFrameworkCore.Metadata.IModel, Func<TasksDb, Guid, IAsyncEnumerable<Detail>>> CompiledDetails = [];

    static readonly System.Linq.Expressions.Expression<Func<TasksDb, Guid, IQueryable<Detail>>> OneTaskDetails = (db, id) =>
        db.Assignees.Where(a => a.TaskId == id)
                .Select(a => new Detail { TaskId = a.TaskId, Kind = 0, Id = a.UserId, Name = null, Color = null })
            .Concat(db.TaskLabels.Where(l => l.TaskId == id)
                .Select(l => new Detail { TaskId = l.TaskId, Kind = 1, Id = l.LabelId, Name = l.Label!.Name, Color = l.Label.Color }))
            .Concat(db.Watchers.Where(w => w.TaskId == id)
                .Select(w => new Detail { TaskId = w.TaskId, Kind = 2, Id = w.UserId, Name = null, Color = null }));

    static void Add(WorkItem task, Detail row)
    {
        switch (row.Kind)
        {
            case 0: task.Assignees.Add(new TaskAssignee { TaskId = row.TaskId, UserId = row.Id, ProjectId = task.ProjectId }); break;
            case 1:
                task.Labels.Add(new TaskLabel
                {
                    TaskId = row.TaskId, LabelId = row.Id, ProjectId = task.ProjectId,
                    Label = new KnownLabel { Id = row.Id, ProjectId = task.ProjectId, Name = row.Name!, Color = row.Color! },
                });
                break;
            default: task.Watchers.Add(new TaskWatcher { TaskId = row.TaskId, UserId = row.Id, ProjectId = task.ProjectId }); break;
        }
    }

    /// <summary>The query behind <see cref="LoadDetails(TasksDb, IReadOnlyList{WorkItem}, CancellationToken)"/> (each part reads its table's primary key, led by the task id).</summary>
    /// <remarks>
    /// The ids travel as one array parameter (json_each on SQLite, <c>= ANY</c> on PostgreSQL): with one parameter per id
    /// EF builds the SQL anew for every page, which profiles showed as a fifth of a board request.
    /// </remarks>
    internal static IQueryable<Detail> DetailsQuery(TasksDb db, Guid[] ids) =>
        db.Assignees.Where(a => EF.Parameter(ids).Contains(a.TaskId))
                .Select(a => new Detail { TaskId = a.TaskId, Kind = 0, Id = a.UserId, Name = null, Color = null })
            .Concat(db.TaskLabels.Where(l => EF.Parameter(ids).Contains(l.TaskId))
                .Select(l => new Detail { TaskId = l.TaskId, Kind = 1, Id = l.LabelId, Name = l.Label!.Name, Color = l.Label.Color }))
            .Concat(db.Watchers.Where(w => EF.Parameter(ids).Contains(w.TaskId))
                .Select(w => new Detail { TaskId = w.TaskId, Kind = 2, Id = w.UserId, Name = null, Color = null }));

    public static Guid[] LabelIds(WorkItem t) => [.. t.Labels.Select(l => l.LabelId).Order()];

    public static Guid[] WatcherIds(WorkItem t) => [.. t.Watchers.Select(w => w.UserId).Order()];

    public static Guid[] AssigneeIds(WorkItem t) => [.. t.Assignees.Select(a => a.UserId).Order()];

    /// <summary>Adds <paramref name="userId"/> to the task's watchers unless already there; true if added.</summary>
    public static bool Watch(WorkItem task, Guid userId, DateTime now)
    {
        if (task.Watchers.Any(w => w.UserId == userId)) return false;
        task.Watchers.Add(new TaskWatcher { TaskId = task.Id, UserId = userId, ProjectId = task.ProjectId, CreatedAt = now });
        return true;
    }

    /// <summary>Parses an optional array of ids; null (absent or JSON null) when not given.</summary>
    public static Guid[]? Ids(System.Text.Json.JsonElement v, string field, Dictionary<string, string[]> errors)
    {
        if (v.ValueKind == System.Text.Json.JsonValueKind.Null) return [];
        if (v.ValueKind == System.Text.Json.JsonValueKind.Array && v.EnumerateArray().All(x => x.ValueKind == System.Text.Json.JsonValueKind.String && x.TryGetGuid(out _)))
            return [.. v.EnumerateArray().Select(x => x.GetGuid())];
        errors[field] = [$"{field} must be an array of ids."];
        return null;
    }

    /// <summary>Labels must be distinct, at most <see cref="LabelsMax"/>, and current labels of the project. Returns them, tracked.</summary>
    public static async Task<List<KnownLabel>> ValidateLabels(TasksDb db, Guid projectId, Guid[]? labelIds, Dictionary<string, string[]> errors, string field = "labelIds", CancellationToken ct = default)
    {
        if (labelIds is null || labelIds.Length == 0) return [];
        if (labelIds.Length > LabelsMax || labelIds.Distinct().Count() != labelIds.Length)
        {
            errors[field] = [$"Give at most {LabelsMax} distinct labels."];
            return [];
        }
        var labels = await db.Labels.Where(l => l.ProjectId == projectId && !l.Deleted && labelIds.Contains(l.Id)).ToListAsync(ct);
        if (labels.Count != labelIds.Length && db.AskProjectsOnMiss is { } ask && await ask(ct))
            labels = await db.Labels.Where(l => l.ProjectId == projectId && !l.Deleted && labelIds.Contains(l.Id)).ToListAsync(ct);
        if (labels.Count != labelIds.Length)
        {
            var unknown = labelIds.Except(labels.Select(l => l.Id));
            errors[field] = [$"Every label must be a label of the project; unknown: {string.Join(", ", unknown)}."];
        }
        return labels;
    }

    /// <summary>The cycle must be a current cycle of the project. Returns it, tracked.</summary>
    public static async Task<KnownCycle?> ValidateCycle(TasksDb db, Guid projectId, Guid? cycleId, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (cycleId is not { } id) return null;
        var cycle = await db.Cycles.SingleOrDefaultAsync(c => c.Id == id && c.ProjectId == projectId && !c.Deleted, ct);
        if (cycle is null && db.AskProjectsOnMiss is { } ask && await ask(ct))
            cycle = await db.Cycles.SingleOrDefaultAsync(c => c.Id == id && c.ProjectId == projectId && !c.Deleted, ct);
        if (cycle is null) errors["cycleId"] = ["The cycle must be a cycle of the project."];
        return cycle;
    }

    /// <summary>Replaces the task's labels with <paramref name="labels"/>.</summary>
    public static void SetLabels(WorkItem task, IReadOnlyCollection<KnownLabel> labels)
    {
        var ids = labels.Select(l => l.Id).ToHashSet();
        task.Labels.RemoveAll(l => !ids.Contains(l.LabelId));
        foreach (var label in labels)
            if (task.Labels.All(l => l.LabelId != label.Id))
                task.Labels.Add(new TaskLabel { TaskId = task.Id, LabelId = label.Id, ProjectId = task.ProjectId, Label = label });
    }

    public static string? ValidateTitle(string? title, Dictionary<string, string[]> errors)
    {
        var trimmed = title?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > TitleMax) errors["title"] = [$"The title must be 1–{TitleMax} characters."];
        return trimmed;
    }

    public static void ValidateDescription(string? description, Dictionary<string, string[]> errors)
    {
        if (description is { Length: > DescriptionMax }) errors["description"] = [$"The description must be at most {DescriptionMax} characters."];
    }

    public static Priority ValidatePriority(string? priority, Dictionary<string, string[]> errors)
    {
        if (priority is null) return Priority.None;
        if (!Priorities.TryParse(priority, out var value)) errors["priority"] = [$"The priority must be one of {string.Join(", ", Priorities.Names)}."];
        return value;
    }

    public static void ValidateEstimate(double? estimate, Dictionary<string, string[]> errors)
    {
        if (estimate is { } e && (double.IsNaN(e) || e < 0 || e > 10_000)) errors["estimate"] = ["The estimate must be between 0 and 10000."];
    }

    public static void ValidateDates(DateOnly? startDate, DateOnly? dueDate, Dictionary<string, string[]> errors)
    {
        if (startDate is { } s && dueDate is { } d && d < s) errors["dueDate"] = ["The due date cannot be before the start date."];
    }

    /// <summary>Assignees must be active members of the project's workspace (everyone who can see the project).</summary>
    public static async Task ValidateAssignees(TasksDb db, KnownProject project, Guid[]? assigneeIds, Dictionary<string, string[]> errors, CancellationToken ct, string field = "assigneeIds")
    {
        if (assigneeIds is null || assigneeIds.Length == 0) return;
        if (assigneeIds.Length > AssigneesMax || assigneeIds.Distinct().Count() != assigneeIds.Length)
        {
            errors[field] = [$"Give at most {AssigneesMax} distinct assignees."];
            return;
        }
        var known = await db.WorkspaceMembers.AsNoTracking()
            .Where(m => m.WorkspaceId == project.WorkspaceId && m.Active && assigneeIds.Contains(m.UserId))
            .CountAsync(ct);
        if (known != assigneeIds.Length) errors[field] = ["Every assignee must be a member of the project's workspace."];
    }

    public static async Task ValidateParent(TasksDb db, Guid projectId, Guid? parentId, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (parentId is not { } id) return;
        if (!await db.Tasks.AnyAsync(t => t.Id == id && t.ProjectId == projectId, ct)) errors["parentId"] = ["The parent must be a task of the same project."];
    }

    /// <summary>True if making <paramref name="parentId"/> the parent of <paramref name="taskId"/> would make a cycle.</summary>
    public static async Task<bool> MakesCycle(TasksDb db, Guid taskId, Guid parentId, CancellationToken ct)
    {
        Guid? current = parentId;
        var seen = new HashSet<Guid>();
        while (current is { } id && seen.Add(id))
        {
            if (id == taskId) return true;
            current = await db.Tasks.Where(t => t.Id == id).Select(t => t.ParentId).SingleOrDefaultAsync(ct);
        }
        return current is not null;
    }

    public static async Task<List<WorkflowStatus>> Statuses(TasksDb db, Guid projectId, CancellationToken ct) =>
        await db.Statuses.AsNoTracking().Where(s => s.ProjectId == projectId && !s.Removed).OrderBy(s => s.Position).ToListAsync(ct);

    public static string? Text(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string? Text(double? d) => d?.ToString(CultureInfo.InvariantCulture);

    public static string Text(IEnumerable<Guid> ids) => string.Join(",", ids.Order());
}
