using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Notifications.Consumed;

// Copies of the tasks service's events. The parameters appended this session have defaults: older payloads (and code
// that builds the short form) still work; missing values stay empty.

/// <summary>Published by tasks when a task is created.</summary>
internal sealed record TaskCreated(
    Guid TaskId, Guid ProjectId, Guid WorkspaceId, string Key, string Title, Guid ReporterId,
    Guid StatusId = default, string Priority = "none", DateOnly? DueDate = null, Guid[]? AssigneeIds = null, Guid[]? WatcherIds = null) : IntegrationEvent;

/// <summary>Published by tasks when fields of a task change (the title among them, perhaps).</summary>
internal sealed record TaskUpdated(
    Guid TaskId, Guid ProjectId, string[] ChangedFields, Guid ActorId, Guid WorkspaceId = default, string Key = "", string Title = "",
    Guid StatusId = default, DateOnly? DueDate = null, Guid[]? AssigneeIds = null, Guid[]? WatcherIds = null) : IntegrationEvent;

/// <summary>Published by tasks when a task is assigned to someone.</summary>
internal sealed record TaskAssigned(
    Guid TaskId, Guid ProjectId, Guid AssigneeId, Guid ActorId, Guid WorkspaceId = default, string Key = "", string Title = "") : IntegrationEvent;

/// <summary>Published by tasks when a comment is added.</summary>
internal sealed record CommentAdded(
    Guid CommentId, Guid TaskId, Guid ProjectId, Guid AuthorId, Guid WorkspaceId = default, string Key = "", string Title = "",
    string Excerpt = "", Guid[]? WatcherIds = null) : IntegrationEvent;

/// <summary>Published by tasks for each user @-mentioned in a comment.</summary>
internal sealed record MemberMentioned(
    Guid TaskId, Guid ProjectId, Guid CommentId, Guid MentionedUserId, Guid MentionedByUserId, Guid WorkspaceId = default,
    string Key = "", string Title = "") : IntegrationEvent;

/// <summary>Published by tasks when a task moves on the board.</summary>
internal sealed record TaskMoved(
    Guid TaskId, Guid ProjectId, Guid FromStatusId, Guid ToStatusId, string Rank, Guid ActorId, Guid WorkspaceId = default,
    string Key = "", string Title = "", Guid[]? WatcherIds = null) : IntegrationEvent;
