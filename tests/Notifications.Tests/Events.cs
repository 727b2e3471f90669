using TaskFlow.BuildingBlocks.Messaging;

// The publishers' events as the contract defines them (identity and workspaces are not part of this build):
// the tests write them into an outbox so they travel the real dispatcher → transport → inbox path.
namespace TaskFlow.Notifications.Tests;

public sealed record UserRegistered(Guid UserId, string Email, string DisplayName) : IntegrationEvent;

public sealed record EmailVerificationRequested(Guid UserId, string Email, string DisplayName, string Token, DateTime ExpiresAt) : IntegrationEvent;

public sealed record PasswordResetRequested(Guid UserId, string Email, string DisplayName, string Token, DateTime ExpiresAt) : IntegrationEvent;

public sealed record InvitationCreated(
    Guid InvitationId, Guid WorkspaceId, string WorkspaceName, string Email, string Role, string InvitedByName, string Token, DateTime ExpiresAt) : IntegrationEvent;
