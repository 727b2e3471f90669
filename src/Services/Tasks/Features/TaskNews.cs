using TaskFlow.Tasks.Data;
using TaskFlow.Tasks.Contracts;

namespace TaskFlow.Tasks.Features;

/// <summary>Builds the published events from a task's current state (the contract's shapes, in one place).</summary>
internal static class TaskNews
{
    public static TaskCreated Created(WorkItem t, KnownProject p) => new(
        t.Id, t.ProjectId, p.WorkspaceId, t.Key, t.Title, t.ReporterId, t.StatusId, t.Priority.ToName(), t.DueDate,
        TaskFields.AssigneeIds(t), TaskFields.WatcherIds(t));

    public static TaskUpdated Updated(WorkItem t, KnownProject p, IEnumerable<string> changedFields, Guid actorId) => new(
        t.Id, t.ProjectId, [.. changedFields], actorId, p.WorkspaceId, t.Key, t.Title, t.StatusId, t.DueDate,
        TaskFields.AssigneeIds(t), TaskFields.WatcherIds(t));

    public static TaskMoved Moved(WorkItem t, KnownProject p, Guid fromStatusId, Guid actorId) => new(
        t.Id, t.ProjectId, fromStatusId, t.StatusId, t.Rank, actorId, p.WorkspaceId, t.Key, t.Title, TaskFields.WatcherIds(t));

    public static TaskAssigned Assigned(WorkItem t, KnownProject p, Guid assigneeId, Guid actorId) =>
        new(t.Id, t.ProjectId, assigneeId, actorId, p.WorkspaceId, t.Key, t.Title);

    public static TaskUnassigned Unassigned(WorkItem t, KnownProject p, Guid assigneeId, Guid actorId) =>
        new(t.Id, t.ProjectId, assigneeId, actorId, p.WorkspaceId, t.Key);

    public static string Excerpt(string body) => body.Length <= 200 ? body : body[..200];
}
