using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Notifications.Consumed;

/// <summary>Published by tasks when a task is created.</summary>
internal sealed record TaskCreated(Guid TaskId, Guid ProjectId, Guid WorkspaceId, string Key, string Title, Guid ReporterId, Guid StatusId, string Priority, DateOnly? DueDate, Guid[] AssigneeIds, Guid[] WatcherIds) : IntegrationEvent;

/// <summary>Published by tasks when fields of a task change (the title among them, perhaps).</summary>
internal sealed record TaskUpdated(Guid TaskId, Guid ProjectId, string[] ChangedFields, Guid ActorId, Guid WorkspaceId, string Key, string Title, Guid StatusId, DateOnly? DueDate, Guid[] AssigneeIds, Guid[] WatcherIds) : IntegrationEvent;

/// <summary>Published by tasks when a task is assigned to someone.</summary>
internal sealed record TaskAssigned(Guid TaskId, Guid ProjectId, Guid AssigneeId, Guid ActorId, Guid WorkspaceId, string Key, string Title) : IntegrationEvent;

/// <summary>Published by tasks when a comment is added.</summary>
internal sealed record CommentAdded(Guid CommentId, Guid TaskId, Guid ProjectId, Guid AuthorId, Guid WorkspaceId, string Key, string Title, string Excerpt, Guid[] WatcherIds, Guid[]? MentionedUserIds) : IntegrationEvent;

/// <summary>Published by tasks for each user @-mentioned in a comment.</summary>
internal sealed record MemberMentioned(Guid TaskId, Guid ProjectId, Guid CommentId, Guid MentionedUserId, Guid MentionedByUserId, Guid WorkspaceId, string Key, string Title) : IntegrationEvent;

/// <summary>Published by tasks when a task moves on the board.</summary>
internal sealed record TaskMoved(Guid TaskId, Guid ProjectId, Guid FromStatusId, Guid ToStatusId, string Rank, Guid ActorId, Guid WorkspaceId, string Key, string Title, Guid[] WatcherIds) : IntegrationEvent;

/// <summary>Published by tasks when a task is due tomorrow (<c>due_soon</c>) or overdue (<c>overdue</c>), once per task × kind × due date.</summary>
internal sealed record TaskDueReminder(Guid TaskId, Guid ProjectId, Guid WorkspaceId, string Key, string Title, DateOnly DueDate, string Kind, Guid[] AssigneeIds, Guid[] WatcherIds) : IntegrationEvent;
