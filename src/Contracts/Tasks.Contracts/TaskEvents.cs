using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Tasks.Contracts;

// The session's contract (docs: src/Services/Tasks/README.md). Parameters are only ever appended, so older payloads
// still deserialize. WatcherIds is always the watcher list after the change.

/// <summary>A task was created; <paramref name="Key"/> is its human key, e.g. WEB-1.</summary>
public sealed record TaskCreated(
    Guid TaskId, Guid ProjectId, Guid WorkspaceId, string Key, string Title, Guid ReporterId,
    Guid StatusId, string Priority, DateOnly? DueDate, Guid[] AssigneeIds, Guid[] WatcherIds) : IntegrationEvent;

/// <summary>Task fields changed; <paramref name="ChangedFields"/> names them (camelCase, e.g. title, dueDate, labelIds).</summary>
public sealed record TaskUpdated(
    Guid TaskId, Guid ProjectId, string[] ChangedFields, Guid ActorId, Guid WorkspaceId, string Key, string Title,
    Guid StatusId, DateOnly? DueDate, Guid[] AssigneeIds, Guid[] WatcherIds) : IntegrationEvent;

/// <summary>A task moved on the board (another status, or another place in its column).</summary>
public sealed record TaskMoved(
    Guid TaskId, Guid ProjectId, Guid FromStatusId, Guid ToStatusId, string Rank, Guid ActorId, Guid WorkspaceId,
    string Key, string Title, Guid[] WatcherIds) : IntegrationEvent;

/// <summary>A user was assigned to a task.</summary>
public sealed record TaskAssigned(Guid TaskId, Guid ProjectId, Guid AssigneeId, Guid ActorId, Guid WorkspaceId, string Key, string Title) : IntegrationEvent;

/// <summary>A user was removed from a task's assignees.</summary>
public sealed record TaskUnassigned(Guid TaskId, Guid ProjectId, Guid AssigneeId, Guid ActorId, Guid WorkspaceId, string Key) : IntegrationEvent;

/// <summary>A task was deleted.</summary>
public sealed record TaskDeleted(Guid TaskId, Guid ProjectId, Guid WorkspaceId, string Key, Guid ActorId) : IntegrationEvent;

/// <summary>
/// A comment was added to a task. <paramref name="Excerpt"/>: the first 200 characters of the Markdown body.
/// <paramref name="MentionedUserIds"/>: the members it mentions (each also gets a MemberMentioned), so a consumer can tell
/// a mentioned watcher once rather than twice.
/// </summary>
public sealed record CommentAdded(
    Guid CommentId, Guid TaskId, Guid ProjectId, Guid AuthorId, Guid WorkspaceId, string Key, string Title, string Excerpt,
    Guid[] WatcherIds, Guid[] MentionedUserIds) : IntegrationEvent;

/// <summary>A comment's text was changed by its author.</summary>
public sealed record CommentEdited(Guid CommentId, Guid TaskId, Guid ProjectId, Guid AuthorId, Guid WorkspaceId) : IntegrationEvent;

/// <summary>A comment was deleted (by its author or a project admin).</summary>
public sealed record CommentDeleted(Guid CommentId, Guid TaskId, Guid ProjectId, Guid ActorId, Guid WorkspaceId) : IntegrationEvent;

/// <summary>A comment mentioned a project-visible member with <c>@email</c>.</summary>
public sealed record MemberMentioned(
    Guid TaskId, Guid ProjectId, Guid CommentId, Guid MentionedUserId, Guid MentionedByUserId, Guid WorkspaceId, string Key,
    string Title) : IntegrationEvent;

/// <summary>
/// A task is due tomorrow (<paramref name="Kind"/> <c>due_soon</c>, UTC) or past its due date and not done or cancelled
/// (<c>overdue</c>). Published at most once per task, kind and due date.
/// </summary>
public sealed record TaskDueReminder(
    Guid TaskId, Guid ProjectId, Guid WorkspaceId, string Key, string Title, DateOnly DueDate, string Kind, Guid[] AssigneeIds,
    Guid[] WatcherIds) : IntegrationEvent;
