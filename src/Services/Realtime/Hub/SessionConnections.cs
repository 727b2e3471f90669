using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using TaskFlow.BuildingBlocks.Web;

namespace TaskFlow.Realtime.Hub;

/// <summary>
/// The open connections of this instance by sign-in session (<c>sid</c>), so a signed-out session's connections close at
/// once (docs/adr/0003): this process hears of the session from identity in process, from the <c>SessionsRevoked</c> event,
/// or scaled out from the Redis channel of <see cref="SharedRevocations"/>. A removed member's or deleted workspace's
/// announcement over the same channel takes the connections out of the workspace's project groups on this instance,
/// without waiting for <c>MemberRemoved</c>/<c>WorkspaceDeleted</c> to arrive through the broker.
/// </summary>
internal sealed class SessionConnections(RevokedSessions revoked, ProjectGroups groups, SharedRevocations? shared = null) : IHostedService
{
    readonly ConcurrentDictionary<string, (string? SessionId, HubCallerContext Context)> connections = new();

    public void Connected(HubCallerContext context)
    {
        var sessionId = context.User?.FindFirst("sid")?.Value;
        connections[context.ConnectionId] = (sessionId, context);
        // Revoked between the token check and now: close at once.
        if (revoked.IsKnownRevoked(sessionId)) context.Abort();
    }

    public void Disconnected(string connectionId) => connections.TryRemove(connectionId, out _);

    void Close(IReadOnlyList<string> sessionIds)
    {
        var ids = sessionIds.ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (_, (sessionId, context)) in connections)
            if (sessionId is not null && ids.Contains(sessionId)) context.Abort();
    }

    void Heard(string key)
    {
        var parts = key.Split(':');
        if (parts is ["member", var ws, var user] && Guid.TryParse(ws, out var workspaceId) && Guid.TryParse(user, out var userId))
            _ = groups.Apply(new Revocation(Revocation.Member, workspaceId, userId));
        else if (parts is ["workspace", var deleted] && Guid.TryParse(deleted, out var deletedId))
            _ = groups.Apply(new Revocation(Revocation.Workspace, deletedId, Guid.Empty));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        revoked.Added += Close;
        if (shared is not null) shared.Heard += Heard;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        revoked.Added -= Close;
        if (shared is not null) shared.Heard -= Heard;
        return Task.CompletedTask;
    }
}
