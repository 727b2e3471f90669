using TaskFlow.BuildingBlocks.Messaging;

// The publishers' events as the contract defines them (identity and workspaces are not part of this build):
// the tests write them into an outbox so they travel the real dispatcher → transport → inbox path.
namespace TaskFlow.Notifications.Tests;

public sealed record UserRegistered(Guid UserId, string Email, string DisplayName) : IntegrationEvent;

public sealed record EmailVerificationRequested(Guid UserId, string Email, string DisplayName, string Token, DateTime ExpiresAt) : IntegrationEvent;

public sealed record PasswordResetRequested(Guid UserId, string Email, string DisplayName, string Token, DateTime ExpiresAt) : IntegrationEvent;

public sealed record InvitationCreated(
    Guid InvitationId, Guid WorkspaceId, string WorkspaceName, string Email, string Role, string InvitedByName, string Token, DateTime ExpiresAt) : IntegrationEvent;

public sealed record UserProfileUpdated(Guid UserId, string Email, string DisplayName) : IntegrationEvent;

public sealed record WorkspaceCreated(Guid WorkspaceId, string Name, Guid OwnerId) : IntegrationEvent;

public sealed record MemberAdded(Guid WorkspaceId, Guid UserId, string Role) : IntegrationEvent;

// Tasks' events per this session's contract; the trailing parameters have defaults so a test can also send the
// shorter payloads of the previous release (the consumer then falls back to its local copy of the task).
public sealed record TaskCreated(Guid TaskId, Guid ProjectId, Guid WorkspaceId, string Key, string Title, Guid ReporterId,
    Guid StatusId = default, string Priority = "none", DateOnly? DueDate = null, Guid[]? AssigneeIds = null, Guid[]? WatcherIds = null) : IntegrationEvent;

public sealed record TaskAssigned(Guid TaskId, Guid ProjectId, Guid AssigneeId, Guid ActorId, Guid WorkspaceId = default, string? Key = null, string? Title = null) : IntegrationEvent;

public sealed record MemberMentioned(Guid TaskId, Guid ProjectId, Guid CommentId, Guid MentionedUserId, Guid MentionedByUserId,
    Guid WorkspaceId = default, string? Key = null, string? Title = null) : IntegrationEvent;

public sealed record TaskUpdated(Guid TaskId, Guid ProjectId, string[] ChangedFields, Guid ActorId, Guid WorkspaceId, string Key, string Title, Guid StatusId,
    DateOnly? DueDate, Guid[] AssigneeIds, Guid[] WatcherIds) : IntegrationEvent;

public sealed record TaskMoved(Guid TaskId, Guid ProjectId, Guid FromStatusId, Guid ToStatusId, string Rank, Guid ActorId, Guid WorkspaceId, string Key, string Title,
    Guid[] WatcherIds) : IntegrationEvent;

public sealed record CommentAdded(Guid CommentId, Guid TaskId, Guid ProjectId, Guid AuthorId, Guid WorkspaceId, string Key, string Title, string Excerpt,
    Guid[] WatcherIds, Guid[]? MentionedUserIds = null) : IntegrationEvent;

public sealed record TaskDueReminder(Guid TaskId, Guid ProjectId, Guid WorkspaceId, string Key, string Title, DateOnly DueDate, string Kind, Guid[] AssigneeIds,
    Guid[] WatcherIds) : IntegrationEvent;
