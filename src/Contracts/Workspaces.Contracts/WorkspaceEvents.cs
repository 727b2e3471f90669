using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Workspaces.Contracts;

/// <summary>A workspace was created; <paramref name="OwnerId"/> is its first owner.</summary>
public sealed record WorkspaceCreated(Guid WorkspaceId, string Name, Guid OwnerId) : IntegrationEvent;

/// <summary>A workspace and everything in it was deleted.</summary>
public sealed record WorkspaceDeleted(Guid WorkspaceId) : IntegrationEvent;

/// <summary>A user joined a workspace (as its creator or by accepting an invitation). Role: owner, admin, member or viewer.</summary>
public sealed record MemberAdded(Guid WorkspaceId, Guid UserId, string Role) : IntegrationEvent;

/// <summary>A member's role changed to <paramref name="Role"/>.</summary>
public sealed record MemberRoleChanged(Guid WorkspaceId, Guid UserId, string Role) : IntegrationEvent;

/// <summary>A member left or was removed.</summary>
public sealed record MemberRemoved(Guid WorkspaceId, Guid UserId) : IntegrationEvent;

/// <summary>
/// Someone was invited; notifications mails <paramref name="Email"/> a link carrying <paramref name="Token"/>.
/// The token is stored only hashed in the workspaces database.
/// </summary>
public sealed record InvitationCreated(
    Guid InvitationId,
    Guid WorkspaceId,
    string WorkspaceName,
    string Email,
    string Role,
    string InvitedByName,
    string Token,
    DateTime ExpiresAt) : IntegrationEvent;
