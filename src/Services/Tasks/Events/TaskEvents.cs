using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Tasks.Events;

/// <summary>A task was created; <paramref name="Key"/> is its human key, e.g. WEB-1.</summary>
public sealed record TaskCreated(Guid TaskId, Guid ProjectId, Guid WorkspaceId, string Key, string Title, Guid ReporterId) : IntegrationEvent;

/// <summary>Task fields changed; <paramref name="ChangedFields"/> names them (camelCase, e.g. title, dueDate).</summary>
public sealed record TaskUpdated(Guid TaskId, Guid ProjectId, string[] ChangedFields, Guid ActorId) : IntegrationEvent;

/// <summary>A task moved on the board (another status, or another place in its column).</summary>
public sealed record TaskMoved(Guid TaskId, Guid ProjectId, Guid FromStatusId, Guid ToStatusId, string Rank, Guid ActorId) : IntegrationEvent;

/// <summary>A user was assigned to a task.</summary>
public sealed record TaskAssigned(Guid TaskId, Guid ProjectId, Guid AssigneeId, Guid ActorId) : IntegrationEvent;

/// <summary>A task was deleted.</summary>
public sealed record TaskDeleted(Guid TaskId, Guid ProjectId) : IntegrationEvent;

/// <summary>A comment was added to a task.</summary>
public sealed record CommentAdded(Guid CommentId, Guid TaskId, Guid ProjectId, Guid AuthorId) : IntegrationEvent;

/// <summary>A comment mentioned a project-visible member with <c>@email</c>.</summary>
public sealed record MemberMentioned(Guid TaskId, Guid ProjectId, Guid CommentId, Guid MentionedUserId, Guid MentionedByUserId) : IntegrationEvent;
