using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace TaskFlow.Realtime.Hub;

/// <summary>
/// Which project groups the connections of THIS instance joined, so access changes (member removed, workspace or
/// project deleted, project made private, project member removed from a private project) can take them out again. Scaled out, the instance that consumed the change tells every instance
/// through Redis (<see cref="Revocations"/>), and each takes its own connections out; an instance that was cut off
/// from Redis at that moment still closes them when their token expires, and their next JoinProject is refused.
/// </summary>
internal sealed class ProjectGroups(IHubContext<RealtimeHub> hub, ILogger<ProjectGroups> logger, Revocations? revocations = null)
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

    /// <summary>Takes the user's connections out of every project group of the workspace, on every instance.</summary>
    public Task RevokeMember(Guid workspaceId, Guid userId) => Everywhere(new Revocation(Revocation.Member, workspaceId, userId));

    public Task RevokeWorkspace(Guid workspaceId) => Everywhere(new Revocation(Revocation.Workspace, workspaceId, Guid.Empty));

    public Task RevokeProject(Guid projectId) => Everywhere(new Revocation(Revocation.Project, projectId, Guid.Empty));

    /// <summary>Takes the user's connections out of the project's group, on every instance.</summary>
    public Task RevokeProjectMember(Guid projectId, Guid userId) => Everywhere(new Revocation(Revocation.ProjectMember, projectId, userId));

    /// <summary>The project became private: every connection of a user not in <paramref name="readers"/> leaves its group, on every instance.</summary>
    public Task RevokeUnlessReader(Guid projectId, Guid[] readers) => Everywhere(new Revocation(Revocation.Private, projectId, Guid.Empty, readers));

    Task Everywhere(Revocation revocation) => revocations is null ? Apply(revocation) : revocations.Publish(revocation);

    /// <summary>Applies a revocation to this instance's connections.</summary>
    public Task Apply(Revocation revocation) => revocation.Kind switch
    {
        Revocation.Member => Revoke((joined, _, ws) => joined.UserId == revocation.UserId && ws == revocation.Id),
        Revocation.Workspace => Revoke((_, _, ws) => ws == revocation.Id),
        Revocation.Project => Revoke((_, project, _) => project == revocation.Id),
        Revocation.ProjectMember => Revoke((joined, project, _) => project == revocation.Id && joined.UserId == revocation.UserId),
        Revocation.Private => Revoke((joined, project, _) => project == revocation.Id && !(revocation.Keep ?? []).Contains(joined.UserId)),
        _ => Task.CompletedTask,
    };

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
