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

/// <summary>Published by workspaces when a workspace is created (its owner is added as a member at the same time).</summary>
internal sealed record WorkspaceCreated(Guid WorkspaceId, string Name, Guid OwnerId) : IntegrationEvent;

/// <summary>Published by workspaces when someone becomes a member (creation, accepted invitation).</summary>
internal sealed record MemberAdded(Guid WorkspaceId, Guid UserId, string Role) : IntegrationEvent;
