using Microsoft.EntityFrameworkCore;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Features;

/// <summary>Status categories as the projects service names them.</summary>
internal static class Categories
{
    public const string Backlog = "backlog";
    public const string Todo = "todo";
    public const string InProgress = "in_progress";
    public const string Done = "done";
    public const string Cancelled = "cancelled";
    public static readonly string[] All = [Backlog, Todo, InProgress, Done, Cancelled];

    public static bool IsOpen(string category) => category is not (Done or Cancelled);
}

/// <summary>A task's reportable state from <see cref="From"/> until the next state's From.</summary>
internal sealed record TaskState(
    DateTime From, Guid? StatusId, string Category, double? Points, Guid? CycleId, Guid[] Labels, Guid[] Assignees,
    DateOnly? DueDate, bool Deleted, string Key, string Title);

/// <summary>One task's history, oldest state first (never empty).</summary>
internal sealed class TaskTimeline(Guid taskId, List<TaskState> states)
{
    public Guid TaskId { get; } = taskId;
    public IReadOnlyList<TaskState> States { get; } = states;
    public DateTime CreatedAt => States[0].From;
    public TaskState Current => States[^1];

    /// <summary>The state in force just before <paramref name="instant"/> (changes at exactly that instant not yet applied); null before the task existed.</summary>
    public TaskState? Before(DateTime instant)
    {
        TaskState? found = null;
        foreach (var state in States)
        {
            if (state.From >= instant) break;
            found = state;
        }
        return found;
    }

    /// <summary>
    /// When the task was completed: its last move into a done status, if it is done now and not deleted. A task moved
    /// back out of done is not completed (its earlier completion no longer counts); done again later counts once, then.
    /// </summary>
    public DateTime? CompletedAt
    {
        get
        {
            if (Current.Deleted || Current.Category != Categories.Done) return null;
            var i = States.Count - 1;
            while (i > 0 && States[i - 1].Category == Categories.Done && !States[i - 1].Deleted) i--;
            return States[i].From;
        }
    }

    /// <summary>The state the task was completed in (for filters on completion metrics).</summary>
    public TaskState? CompletedState => CompletedAt is { } at ? States.Last(s => s.From <= at) : null;

    /// <summary>When work started: the first move into an in-progress status (null: never in progress).</summary>
    public DateTime? StartedAt => States.FirstOrDefault(s => s.Category == Categories.InProgress)?.From;
}

/// <summary>A project's history as timelines, read from the task versions and the workflow, cycle and label copies.</summary>
internal sealed class ProjectHistory(IReadOnlyList<TaskTimeline> tasks, IReadOnlyList<StatusCopy> statuses, IReadOnlyList<CycleCopy> cycles, IReadOnlyList<LabelCopy> labels)
{
    public IReadOnlyList<TaskTimeline> Tasks { get; } = tasks;
    public IReadOnlyList<StatusCopy> Statuses { get; } = statuses;
    public IReadOnlyList<CycleCopy> Cycles { get; } = cycles;
    public IReadOnlyList<LabelCopy> Labels { get; } = labels;

    public static async Task<ProjectHistory> Load(ReportingDb db, Guid projectId, CancellationToken ct)
    {
        var versions = await db.TaskVersions.AsNoTracking().Where(v => v.ProjectId == projectId).ToListAsync(ct);
        var statuses = await db.Statuses.AsNoTracking().Where(s => s.ProjectId == projectId).ToListAsync(ct);
        var cycles = await db.Cycles.AsNoTracking().Where(c => c.ProjectId == projectId).ToListAsync(ct);
        var labels = await db.Labels.AsNoTracking().Where(l => l.ProjectId == projectId).ToListAsync(ct);
        return Build(versions, statuses, cycles, labels);
    }

    public static ProjectHistory Build(List<TaskVersion> versions, List<StatusCopy> statuses, List<CycleCopy> cycles, List<LabelCopy> labels)
    {
        var statusById = statuses.ToDictionary(s => s.Id);
        string CategoryOf(Guid? statusId) =>
            statusId is { } id && statusById.TryGetValue(id, out var s) && s.Category.Length > 0 ? s.Category : Categories.Todo;
        var deletedCycles = cycles.Where(c => c.DeletedAt is not null).ToDictionary(c => c.Id, c => c.DeletedAt!.Value);
        var deletedLabels = labels.Where(l => l.DeletedAt is not null).ToDictionary(l => l.Id, l => l.DeletedAt!.Value);

        var timelines = new List<TaskTimeline>();
        foreach (var group in versions.GroupBy(v => v.TaskId))
        {
            var ordered = group.OrderBy(v => v.OccurredAt).ThenBy(v => v.EventId).ToList();
            var states = new List<TaskState>(ordered.Count + 2);
            TaskState? previous = null;
            foreach (var v in ordered)
            {
                var statusId = v.StatusId ?? previous?.StatusId;
                var category = v.Category ?? (v.StatusId is not null || previous is null ? CategoryOf(statusId) : previous.Category);
                var state = new TaskState(
                    v.OccurredAt,
                    statusId,
                    category,
                    v.HasPlanning ? v.Points : previous?.Points,
                    v.HasPlanning ? v.CycleId : previous?.CycleId,
                    v.HasPlanning ? Parse(v.LabelIds) : previous?.Labels ?? [],
                    v.AssigneeIds is not null ? Parse(v.AssigneeIds) : previous?.Assignees ?? [],
                    v.HasDueDate ? v.DueDate : previous?.DueDate,
                    v.Kind == "deleted" || previous?.Deleted == true,
                    v.Key ?? previous?.Key ?? "",
                    v.Title ?? previous?.Title ?? "");
                states.Add(state);
                previous = state;
            }
            ApplyProjectChanges(states, statusById, deletedCycles, deletedLabels);
            timelines.Add(new TaskTimeline(group.Key, states));
        }
        return new ProjectHistory(timelines, statuses, cycles, labels);
    }

    /// <summary>
    /// What happened to tasks through project events the tasks service publishes no task event for: a removed status's
    /// tasks moved to its replacement, a deleted cycle or label left its tasks, each at the time of that event.
    /// </summary>
    static void ApplyProjectChanges(List<TaskState> states, Dictionary<Guid, StatusCopy> statuses, Dictionary<Guid, DateTime> deletedCycles, Dictionary<Guid, DateTime> deletedLabels)
    {
        for (var i = 0; i < states.Count; i++)
        {
            var state = states[i];
            var until = i + 1 < states.Count ? states[i + 1].From : DateTime.MaxValue;
            DateTime? at = null;
            Func<TaskState, TaskState>? change = null;
            if (state.StatusId is { } sid && statuses.TryGetValue(sid, out var status) && status is { RemovedAt: { } removedAt, MovedTo: { } to }
                && removedAt > state.From && removedAt < until)
            {
                var category = statuses.TryGetValue(to, out var target) && target.Category.Length > 0 ? target.Category : state.Category;
                (at, change) = (removedAt, s => s with { StatusId = to, Category = category });
            }
            if (state.CycleId is { } cid && deletedCycles.TryGetValue(cid, out var cycleGone) && cycleGone < until && (at is null || cycleGone < at))
                (at, change) = (cycleGone <= state.From ? state.From : cycleGone, s => s with { CycleId = null });
            foreach (var label in state.Labels)
                if (deletedLabels.TryGetValue(label, out var labelGone) && labelGone < until && (at is null || labelGone < at))
                    (at, change) = (labelGone <= state.From ? state.From : labelGone, s => s with { Labels = [.. s.Labels.Where(l => l != label)] });
            if (at is not { } when || change is null) continue;
            if (when <= state.From) states[i] = change(state); // an older event carried a cycle/label deleted before it
            else states.Insert(i + 1, change(state) with { From = when });
            // Later states copied the old value forward only when their event did not carry it: re-run them from here.
            i--;
            if (i < -1) i = -1;
        }
    }

    static Guid[] Parse(string? ids) =>
        string.IsNullOrEmpty(ids) ? [] : [.. ids.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse)];
}
