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

public sealed record TaskCreated(Guid TaskId, Guid ProjectId, Guid WorkspaceId, string Key, string Title, Guid ReporterId) : IntegrationEvent;

public sealed record TaskAssigned(Guid TaskId, Guid ProjectId, Guid AssigneeId, Guid ActorId) : IntegrationEvent;

public sealed record MemberMentioned(Guid TaskId, Guid ProjectId, Guid CommentId, Guid MentionedUserId, Guid MentionedByUserId) : IntegrationEvent;
