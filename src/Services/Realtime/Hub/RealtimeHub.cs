using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Membership;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Realtime.Consumers;
using TaskFlow.Realtime.Data;

namespace TaskFlow.Realtime.Hub;

/// <summary>
/// <c>/v1/realtime/hub</c>. Client → server: <c>JoinProject(projectId)</c>, <c>LeaveProject(projectId)</c>.
/// Server → client: <c>event</c> (to the project's group), <c>notification</c> and <c>unreadCount</c> (to the user).
/// </summary>
[Authorize]
internal sealed class RealtimeHub(RealtimeDb db, ProjectGroups groups, SessionConnections sessions, WorkspaceMembershipLookup<RealtimeDb> memberships,
    ProjectsLookup<RealtimeDb> projects)
    : Microsoft.AspNetCore.SignalR.Hub
{
    public override Task OnConnectedAsync()
    {
        sessions.Connected(Context);
        return Task.CompletedTask;
    }

    /// <summary>Starts receiving the project's events. Fails with "not found" unless the caller may read the project.</summary>
    public async Task JoinProject(Guid projectId)
    {
        var userId = Context.User!.UserId();
        if (await ReadableWorkspace(projectId, userId) is not { } workspaceId)
        {
            // A connection that joined before losing access (e.g. on another instance's watch) leaves with the refusal.
            await LeaveProject(projectId);
            throw new HubException("not found");
        }
        groups.Add(Context.ConnectionId, userId, projectId, workspaceId);
        await Groups.AddToGroupAsync(Context.ConnectionId, ProjectGroups.Group(projectId), Context.ConnectionAborted);

        // Access may have been revoked between the check and the join (the revocation found nothing to remove yet).
        if (await ReadableWorkspace(projectId, userId) is null)
        {
            await LeaveProject(projectId);
            throw new HubException("not found");
        }
    }

    /// <summary>Stops receiving the project's events (no error if the caller had not joined).</summary>
    public async Task LeaveProject(Guid projectId)
    {
        groups.Remove(Context.ConnectionId, projectId);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, ProjectGroups.Group(projectId), Context.ConnectionAborted);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        // SignalR drops the connection's group memberships itself.
        groups.Disconnected(Context.ConnectionId);
        sessions.Disconnected(Context.ConnectionId);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The project's workspace if the project exists and the user is an active member of that workspace, and, when the
    /// project is private, its owner/admin or an explicit project member (docs/adr/0022). A membership the copy lacks
    /// (an invitation accepted a moment ago) is asked of the workspaces service, and a project or project membership it
    /// lacks of the projects service, as every service does (docs/adr/0005).
    /// </summary>
    async Task<Guid?> ReadableWorkspace(Guid projectId, Guid userId)
    {
        var ct = Context.ConnectionAborted;
        var project = await (from p in db.Projects.AsNoTracking()
                             join w in db.Workspaces on p.WorkspaceId equals w.Id
                             where p.Id == projectId && !p.Deleted && !w.Deleted
                             select new { p.WorkspaceId, p.Private }).FirstOrDefaultAsync(ct);
        // A project (or workspace) the copy has not heard of yet: the projects service's answer decides (docs/adr/0005).
        if (project is null) return (await projects.Project(Authorization(), projectId, ct))?.WorkspaceId;
        var member = await memberships.Find(Authorization(), project.WorkspaceId, userId, ct);
        if (member is null) return null;
        var readable = !project.Private || member.Role is WorkspaceRole.Owner or WorkspaceRole.Admin
            || await db.ProjectMembers.AnyAsync(pm => pm.ProjectId == projectId && pm.UserId == userId && pm.Active, ct)
            || await projects.Project(Authorization(), projectId, ct) is not null;
        return readable ? project.WorkspaceId : null;
    }

    string? Authorization() => CallerToken.Of(Context.GetHttpContext());
}

/// <summary>SignalR's user id is the access token's <c>sub</c> claim (the same id every service uses).</summary>
internal sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) =>
        Guid.TryParse(connection.User.FindFirst("sub")?.Value, out var id) ? id.ToString() : null;
}
