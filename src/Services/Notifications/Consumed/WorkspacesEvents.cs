using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Notifications.Consumed;

/// <summary>Published by workspaces when someone is invited by email.</summary>
internal sealed record InvitationCreated(
    Guid InvitationId,
    Guid WorkspaceId,
    string WorkspaceName,
    string Email,
    string Role,
    string InvitedByName,
    string Token,
    DateTime ExpiresAt) : IntegrationEvent;
