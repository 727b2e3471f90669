using System.ComponentModel;

namespace TaskFlow.Reporting.Features;

/// <summary>
/// The task list export's filters, as the task list takes them (status, assignee, label, cycle, due range); stored as an
/// export job's query. <see cref="Tz"/> only names the zone of the file's times.
/// </summary>
internal sealed record TaskListQuery
{
    public string? Tz { get; init; }
    [Description("Only tasks in this status.")] public Guid? StatusId { get; init; }
    [Description("Only tasks assigned to this user.")] public Guid? AssigneeId { get; init; }
    [Description("Only tasks with this label.")] public Guid? LabelId { get; init; }
    [Description("Only tasks in this cycle.")] public Guid? CycleId { get; init; }
    [Description("Only tasks due on or after this day.")] public DateOnly? DueFrom { get; init; }
    [Description("Only tasks due on or before this day.")] public DateOnly? DueTo { get; init; }
}

/// <summary>A project's live tasks now (deleted ones left out) as rows, for the CSV and XLSX task list exports.</summary>
internal static class TaskList
{
    public static readonly string[] Columns =
        ["key", "title", "status", "category", "assignees", "labels", "cycle", "points", "due_date", "created_at", "completed_at"];

    public static ReportTable Table(ProjectHistory history, TaskListQuery query, IReadOnlyDictionary<Guid, string> names)
    {
        var statuses = history.Statuses.ToDictionary(s => s.Id);
        var labels = history.Labels.Where(l => l.DeletedAt is null).ToDictionary(l => l.Id, l => l.Name);
        var cycles = history.Cycles.Where(c => c.DeletedAt is null).ToDictionary(c => c.Id, c => c.Name);
        var rows = history.Tasks
            .Where(t => t.Current is { Deleted: false } s
                && (query.StatusId is null || s.StatusId == query.StatusId)
                && (query.AssigneeId is null || s.Assignees.Contains(query.AssigneeId.Value))
                && (query.LabelId is null || s.Labels.Contains(query.LabelId.Value))
                && (query.CycleId is null || s.CycleId == query.CycleId)
                && (query.DueFrom is null || s.DueDate >= query.DueFrom)
                && (query.DueTo is null || s.DueDate <= query.DueTo))
            .OrderBy(t => t.CreatedAt).ThenBy(t => t.Current.Key, StringComparer.Ordinal)
            .Select(t =>
            {
                var s = t.Current;
                return new object?[]
                {
                    s.Key, s.Title, s.StatusId is { } id && statuses.TryGetValue(id, out var st) ? st.Name : "", s.Category,
                    string.Join("; ", s.Assignees.Select(a => names.TryGetValue(a, out var n) ? n : a.ToString())),
                    string.Join("; ", s.Labels.Select(l => labels.GetValueOrDefault(l)).Where(n => n is not null)),
                    s.CycleId is { } c ? cycles.GetValueOrDefault(c) : null, s.Points, s.DueDate, t.CreatedAt, t.CompletedAt,
                };
            })
            .ToList();
        return new ReportTable("Tasks", Columns, rows);
    }
}
