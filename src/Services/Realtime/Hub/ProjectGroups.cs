using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace TaskFlow.Realtime.Hub;

/// <summary>
/// Which project groups the connections of THIS instance joined, so access changes (member removed, workspace or
/// project deleted) can take them out again. Connections on other instances are not known here: they lose access when
/// their token expires (the hub closes connections at token expiry) and their next JoinProject is refused.
/// </summary>
internal sealed class ProjectGroups(IHubContext<RealtimeHub> hub, ILogger<ProjectGroups> logger)
{
    sealed record Joined(Guid UserId, ConcurrentDictionary<Guid, Guid> Projects);

    readonly ConcurrentDictionary<string, Joined> connections = new();

    public static string Group(Guid projectId) => $"project:{projectId}";

    public void Add(string connectionId, Guid userId, Guid projectId, Guid workspaceId) =>
        connections.GetOrAdd(connectionId, _ => new Joined(userId, new())).Projects[projectId] = workspaceId;

    public void Remove(string connectionId, Guid projectId)
    {
        if (connections.TryGetValue(connectionId, out var joined)) joined.Projects.TryRemove(projectId, out _);
    }

    public void Disconnected(string connectionId) => connections.TryRemove(connectionId, out _);

    /// <summary>Takes the user's connections out of every project group of the workspace.</summary>
    public Task RevokeMember(Guid workspaceId, Guid userId) =>
        Revoke((joined, _, ws) => joined.UserId == userId && ws == workspaceId);

    public Task RevokeWorkspace(Guid workspaceId) => Revoke((_, _, ws) => ws == workspaceId);

    public Task RevokeProject(Guid projectId) => Revoke((_, project, _) => project == projectId);

    async Task Revoke(Func<Joined, Guid, Guid, bool> match)
    {
        foreach (var (connectionId, joined) in connections)
        {
            foreach (var (projectId, workspaceId) in joined.Projects)
            {
                if (!match(joined, projectId, workspaceId)) continue;
                joined.Projects.TryRemove(projectId, out _);
                try
                {
                    await hub.Groups.RemoveFromGroupAsync(connectionId, Group(projectId));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The connection may be gone already; it cannot receive anything then either.
                    logger.LogDebug(ex, "Could not remove connection {ConnectionId} from project {ProjectId}", connectionId, projectId);
                }
            }
        }
    }
}
