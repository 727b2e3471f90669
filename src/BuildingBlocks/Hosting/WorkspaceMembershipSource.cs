namespace TaskFlow.BuildingBlocks.Hosting;

/// <summary>
/// The workspaces service's own answer to "is this user a member of this workspace, and with which role?", for a service
/// whose local copy of memberships has not yet caught up (read-your-writes, docs/adr/0005). The workspaces module registers
/// it when it runs in the same process; elsewhere a service asks over HTTP instead.
/// </summary>
public interface IWorkspaceMembershipSource
{
    /// <summary>The member's role name (<c>owner</c>, <c>admin</c>, <c>member</c>, <c>viewer</c>), or null if not a member of an existing workspace.</summary>
    Task<string?> RoleOf(Guid workspaceId, Guid userId, CancellationToken cancellationToken);
}
