namespace TaskFlow.BuildingBlocks.Hosting;

/// <summary>
/// The workspaces service's answer to "which workspaces would be left without an owner if this user went?", for account
/// deletion (docs/adr/0030-personal-data.md). The workspaces module registers it when it runs in the same process;
/// elsewhere identity asks <c>GET /v1/workspaces/sole-ownerships</c> with the caller's token.
/// </summary>
public interface IWorkspaceOwnershipSource
{
    /// <summary>Workspaces where <paramref name="userId"/> is the only owner and other members remain.</summary>
    Task<IReadOnlyList<SoleOwnership>> SoleOwnerWithOthers(Guid userId, CancellationToken cancellationToken);
}

/// <summary>A workspace the user alone owns, with other members in it.</summary>
public sealed record SoleOwnership(Guid WorkspaceId, string Name);
