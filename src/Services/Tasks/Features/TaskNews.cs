using Microsoft.EntityFrameworkCore;
using TaskFlow.Tasks.Data;
using TaskFlow.Tasks.Contracts;

namespace TaskFlow.Tasks.Features;

/// <summary>Builds the published events from a task's current state (the contract's shapes, in one place).</summary>
internal static class TaskNews
{
    public static TaskCreated Created(WorkItem t, KnownProject p, TaskReportFacts facts) => new(
        t.Id, t.ProjectId, p.WorkspaceId, t.Key, t.Title, t.ReporterId, t.StatusId, t.Priority.ToName(), t.DueDate,
        TaskFields.AssigneeIds(t), TaskFields.WatcherIds(t), facts);

    public static TaskUpdated Updated(WorkItem t, KnownProject p, IEnumerable<string> changedFields, Guid actorId, TaskReportFacts facts) => new(
        t.Id, t.ProjectId, [.. changedFields], actorId, p.WorkspaceId, t.Key, t.Title, t.StatusId, t.DueDate,
        TaskFields.AssigneeIds(t), TaskFields.WatcherIds(t), facts);

    public static TaskMoved Moved(WorkItem t, KnownProject p, Guid fromStatusId, Guid actorId, TaskReportFacts facts) => new(
        t.Id, t.ProjectId, fromStatusId, t.StatusId, t.Rank, actorId, p.WorkspaceId, t.Key, t.Title, TaskFields.WatcherIds(t), facts);

    /// <summary>
    /// The task's reportable state for the events (the reporting service builds its history from them): the status's
    /// category, points, cycle, labels, assignees, due date. Loads the labels and assignees of a tracked task if needed.
    /// </summary>
    public static Task<TaskReportFacts> Facts(TasksDb db, WorkItem t, CancellationToken ct) => Facts(db, t, null, ct);

    /// <summary><see cref="Facts(TasksDb, WorkItem, CancellationToken)"/> when the caller read the category of the task's status already.</summary>
    public static async Task<TaskReportFacts> Facts(TasksDb db, WorkItem t, string? statusCategory, CancellationToken ct)
    {
        var entry = db.Entry(t);
        if (entry.State is not (EntityState.Detached or EntityState.Added))
        {
            if (!entry.Collection(x => x.Labels).IsLoaded) await entry.Collection(x => x.Labels).LoadAsync(ct);
            if (!entry.Collection(x => x.Assignees).IsLoaded) await entry.Collection(x => x.Assignees).LoadAsync(ct);
        }
        var category = statusCategory ?? (await db.Statuses.FindAsync([t.StatusId], ct))?.Category;
        return new TaskReportFacts(category, t.Estimate, t.CycleId, TaskFields.LabelIds(t), TaskFields.AssigneeIds(t), t.DueDate);
    }

    public static TaskAssigned Assigned(WorkItem t, KnownProject p, Guid assigneeId, Guid actorId) =>
        new(t.Id, t.ProjectId, assigneeId, actorId, p.WorkspaceId, t.Key, t.Title);

    public static TaskUnassigned Unassigned(WorkItem t, KnownProject p, Guid assigneeId, Guid actorId) =>
        new(t.Id, t.ProjectId, assigneeId, actorId, p.WorkspaceId, t.Key);

    public static string Excerpt(string body) => body.Length <= 200 ? body : body[..200];
}
