using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Realtime.Data;
using TaskFlow.Realtime.Hub;
using TaskFlow.Workspaces.Contracts;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Realtime.Consumers;

/// <summary>
/// Who may read which project, with the tasks service's rules (docs/adr/0022, <c>Roles.Effective</c> there), beside the
/// membership copy: the inbox stops redelivery; out-of-order changes are resolved by OccurredAt (last writer wins);
/// removed project members stay as inactive rows and deleted projects as tombstones, so late events cannot bring them back. An active
/// workspace member reads every <c>workspace</c> project of the workspace; a private one only as workspace owner/admin
/// or explicit project member (any project role).
/// </summary>
internal sealed class AccessCopy(RealtimeDb db)
{
    public async Task<KnownProject> Project(Guid projectId, Guid workspaceId, CancellationToken ct)
    {
        var project = await db.Projects.FindAsync([projectId], ct);
        if (project is null)
        {
            project = new KnownProject { Id = projectId, WorkspaceId = workspaceId, VisibilityChangedAt = DateTime.MinValue.ToUniversalTime() };
            db.Projects.Add(project);
        }
        return project;
    }

    /// <summary>
    /// Applies a visibility (workspace or private; null: unknown, an event from before visibilities) unless a newer one
    /// was applied; true when the project has just become private (its non-readers must leave its group).
    /// </summary>
    public async Task<bool> Visibility(Guid projectId, Guid workspaceId, string? visibility, DateTime occurredAt, CancellationToken ct)
    {
        if (visibility is null) return false;
        var project = await Project(projectId, workspaceId, ct);
        if (project.Deleted || occurredAt < project.VisibilityChangedAt) return false;
        var wasPrivate = project.Private;
        (project.Private, project.VisibilityChangedAt) = (visibility switch
        {
            "private" => true,
            "workspace" => false,
            _ => throw new InvalidOperationException($"Unknown project visibility '{visibility}'."),
        }, occurredAt);
        return project.Private && !wasPrivate;
    }

    /// <summary>Applies an explicit project membership change; false when it was stale.</summary>
    public async Task<bool> ProjectMember(Guid projectId, Guid userId, bool active, DateTime occurredAt, CancellationToken ct)
    {
        var member = await db.ProjectMembers.FindAsync([projectId, userId], ct);
        if (member is null)
        {
            db.ProjectMembers.Add(new ProjectMember { ProjectId = projectId, UserId = userId, Active = active, UpdatedAt = occurredAt });
            return true;
        }
        if (occurredAt < member.UpdatedAt) return false;
        (member.Active, member.UpdatedAt) = (active, occurredAt);
        return true;
    }

    /// <summary>Who may keep reading the private project: the workspace's active owners and admins and its explicit members.</summary>
    public async Task<Guid[]> PrivateReaders(KnownProject project, CancellationToken ct)
    {
        var admins = await db.WorkspaceMembers
            .Where(m => m.WorkspaceId == project.WorkspaceId && m.Active && (m.Role == WorkspaceRole.Owner || m.Role == WorkspaceRole.Admin))
            .Select(m => m.UserId).ToListAsync(ct);
        var members = await db.ProjectMembers.Where(m => m.ProjectId == project.Id && m.Active).Select(m => m.UserId).ToListAsync(ct);
        return [.. admins.Union(members)];
    }
}

/// <summary>
/// This service's part of the membership copy (BuildingBlocks.Membership keeps <c>workspace_members</c>): connections of
/// a member who may no longer read a project leave its group on this instance at once; later JoinProject calls fail.
/// </summary>
internal sealed class MembershipHooks(RealtimeDb db, ProjectGroups groups) : IWorkspaceMembershipHooks<RealtimeDb>
{
    /// <summary>
    /// Removed: the workspace's project groups. Any role reads every workspace project; a member who is not (or no
    /// longer) owner or admin leaves the private projects they are no explicit member of.
    /// </summary>
    public async Task MemberChanged(Guid workspaceId, Guid userId, WorkspaceRole? role, CancellationToken ct)
    {
        if (role is null)
        {
            await groups.RevokeMember(workspaceId, userId);
            return;
        }
        if (role.Value.IsOwnerOrAdmin()) return;
        var hidden = await db.Projects
            .Where(p => p.WorkspaceId == workspaceId && p.Private && !p.Deleted
                && !db.ProjectMembers.Any(m => m.ProjectId == p.Id && m.UserId == userId && m.Active))
            .Select(p => p.Id).ToListAsync(ct);
        foreach (var projectId in hidden) await groups.RevokeProjectMember(projectId, userId);
    }

    public Task WorkspaceDeleted(WorkspaceDeleted e, CancellationToken ct) => groups.RevokeWorkspace(e.WorkspaceId);
}

internal sealed class ProjectCreatedHandler(AccessCopy copy, ProjectGroups groups) : IIntegrationEventHandler<ProjectCreated>
{
    public async Task Handle(ProjectCreated e, CancellationToken ct)
    {
        var project = await copy.Project(e.ProjectId, e.WorkspaceId, ct);
        if (project.Deleted) return;
        project.WorkspaceId = e.WorkspaceId;
        if (await copy.Visibility(e.ProjectId, e.WorkspaceId, e.Visibility, e.OccurredAt, ct))
            await groups.RevokeUnlessReader(e.ProjectId, await copy.PrivateReaders(project, ct));
    }
}

/// <summary>Newest visibility wins; when the project becomes private, connections that may no longer read it leave its group.</summary>
internal sealed class ProjectUpdatedHandler(AccessCopy copy, ProjectGroups groups) : IIntegrationEventHandler<ProjectUpdated>
{
    public async Task Handle(ProjectUpdated e, CancellationToken ct)
    {
        if (await copy.Visibility(e.ProjectId, e.WorkspaceId, e.Visibility, e.OccurredAt, ct))
            await groups.RevokeUnlessReader(e.ProjectId, await copy.PrivateReaders(await copy.Project(e.ProjectId, e.WorkspaceId, ct), ct));
    }
}

/// <summary>Tombstones the project (a late ProjectCreated cannot revive it) and empties its group on this instance.</summary>
internal sealed class ProjectDeletedHandler(AccessCopy copy, ProjectGroups groups) : IIntegrationEventHandler<ProjectDeleted>
{
    public async Task Handle(ProjectDeleted e, CancellationToken ct)
    {
        var project = await copy.Project(e.ProjectId, e.WorkspaceId, ct);
        project.Deleted = true;
        await groups.RevokeProject(e.ProjectId);
    }
}

internal sealed class ProjectMemberAddedHandler(AccessCopy copy) : IIntegrationEventHandler<ProjectMemberAdded>
{
    public async Task Handle(ProjectMemberAdded e, CancellationToken ct) =>
        await copy.ProjectMember(e.ProjectId, e.UserId, active: true, e.OccurredAt, ct);
}

/// <summary>Any project role reads the project: a role change only matters as "still a member" (it orders against removals).</summary>
internal sealed class ProjectMemberRoleChangedHandler(AccessCopy copy) : IIntegrationEventHandler<ProjectMemberRoleChanged>
{
    public async Task Handle(ProjectMemberRoleChanged e, CancellationToken ct) =>
        await copy.ProjectMember(e.ProjectId, e.UserId, active: true, e.OccurredAt, ct);
}

/// <summary>In a private project, a removed member who is no workspace owner/admin leaves its group at once.</summary>
internal sealed class ProjectMemberRemovedHandler(RealtimeDb db, AccessCopy copy, ProjectGroups groups) : IIntegrationEventHandler<ProjectMemberRemoved>
{
    public async Task Handle(ProjectMemberRemoved e, CancellationToken ct)
    {
        if (!await copy.ProjectMember(e.ProjectId, e.UserId, active: false, e.OccurredAt, ct)) return;
        var stillReads = await (from p in db.Projects
                                join m in db.WorkspaceMembers on p.WorkspaceId equals m.WorkspaceId
                                where p.Id == e.ProjectId && m.UserId == e.UserId && m.Active
                                      && (!p.Private || m.Role == WorkspaceRole.Owner || m.Role == WorkspaceRole.Admin)
                                select p.Id).AnyAsync(ct);
        if (!stillReads) await groups.RevokeProjectMember(e.ProjectId, e.UserId);
    }
}
