using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Realtime.Data;
using TaskFlow.Realtime.Hub;
using TaskFlow.Workspaces.Contracts;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Realtime.Consumers;

/// <summary>
/// Who may read which project, with the tasks service's rules (docs/adr/0022, <c>Roles.Effective</c> there): the inbox
/// stops redelivery; out-of-order changes are resolved by OccurredAt (last writer wins); removed members stay as
/// inactive rows and deleted workspaces and projects as tombstones, so late events cannot bring them back. An active
/// workspace member reads every <c>workspace</c> project of the workspace; a private one only as workspace owner/admin
/// or explicit project member (any project role).
/// </summary>
internal sealed class AccessCopy(RealtimeDb db)
{
    public async Task<KnownWorkspace> Workspace(Guid workspaceId, CancellationToken ct)
    {
        var workspace = await db.Workspaces.FindAsync([workspaceId], ct);
        if (workspace is null)
        {
            workspace = new KnownWorkspace { Id = workspaceId };
            db.Workspaces.Add(workspace);
        }
        return workspace;
    }

    /// <summary>
    /// Applies a membership change (<paramref name="role"/> null: keep the known role, e.g. on removal); false when it
    /// was ignored (stale, or the workspace is gone).
    /// </summary>
    public async Task<bool> Member(Guid workspaceId, Guid userId, bool active, string? role, DateTime occurredAt, bool onlyIfAbsent, CancellationToken ct)
    {
        var workspace = await Workspace(workspaceId, ct);
        if (workspace.Deleted) return false;
        var member = await db.WorkspaceMembers.FindAsync([workspaceId, userId], ct);
        if (member is null)
        {
            db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = workspaceId, UserId = userId, Active = active, Role = role, UpdatedAt = occurredAt });
            return true;
        }
        if (onlyIfAbsent || occurredAt < member.UpdatedAt) return false;
        (member.Active, member.UpdatedAt) = (active, occurredAt);
        if (role is not null) member.Role = role;
        return true;
    }

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
            .Where(m => m.WorkspaceId == project.WorkspaceId && m.Active && (m.Role == Roles.Owner || m.Role == Roles.Admin))
            .Select(m => m.UserId).ToListAsync(ct);
        var members = await db.ProjectMembers.Where(m => m.ProjectId == project.Id && m.Active).Select(m => m.UserId).ToListAsync(ct);
        return [.. admins.Union(members)];
    }
}

internal sealed class WorkspaceCreatedHandler(AccessCopy copy) : IIntegrationEventHandler<WorkspaceCreated>
{
    public async Task Handle(WorkspaceCreated e, CancellationToken ct) =>
        await copy.Member(e.WorkspaceId, e.OwnerId, active: true, Roles.Owner, e.OccurredAt, onlyIfAbsent: true, ct);
}

internal sealed class MemberAddedHandler(AccessCopy copy) : IIntegrationEventHandler<MemberAdded>
{
    public async Task Handle(MemberAdded e, CancellationToken ct) =>
        await copy.Member(e.WorkspaceId, e.UserId, active: true, e.Role, e.OccurredAt, onlyIfAbsent: false, ct);
}

/// <summary>
/// Every role reads every workspace project; an owner or admin who becomes member or viewer stops reading the private
/// projects they are no explicit member of, and this instance's connections of theirs leave those groups.
/// </summary>
internal sealed class MemberRoleChangedHandler(RealtimeDb db, AccessCopy copy, ProjectGroups groups) : IIntegrationEventHandler<MemberRoleChanged>
{
    public async Task Handle(MemberRoleChanged e, CancellationToken ct)
    {
        if (!await copy.Member(e.WorkspaceId, e.UserId, active: true, e.Role, e.OccurredAt, onlyIfAbsent: false, ct)
            || e.Role is Roles.Owner or Roles.Admin) return;
        var hidden = await db.Projects
            .Where(p => p.WorkspaceId == e.WorkspaceId && p.Private && !p.Deleted
                && !db.ProjectMembers.Any(m => m.ProjectId == p.Id && m.UserId == e.UserId && m.Active))
            .Select(p => p.Id).ToListAsync(ct);
        foreach (var projectId in hidden) await groups.RevokeProjectMember(projectId, e.UserId);
    }
}

/// <summary>Later JoinProject calls fail; this instance's connections of the user leave the workspace's project groups.</summary>
internal sealed class MemberRemovedHandler(AccessCopy copy, ProjectGroups groups) : IIntegrationEventHandler<MemberRemoved>
{
    public async Task Handle(MemberRemoved e, CancellationToken ct)
    {
        if (await copy.Member(e.WorkspaceId, e.UserId, active: false, role: null, e.OccurredAt, onlyIfAbsent: false, ct))
            await groups.RevokeMember(e.WorkspaceId, e.UserId);
    }
}

/// <summary>Tombstones the workspace and deactivates its members.</summary>
internal sealed class WorkspaceDeletedHandler(RealtimeDb db, AccessCopy copy, ProjectGroups groups) : IIntegrationEventHandler<WorkspaceDeleted>
{
    public async Task Handle(WorkspaceDeleted e, CancellationToken ct)
    {
        var workspace = await copy.Workspace(e.WorkspaceId, ct);
        workspace.Deleted = true;
        foreach (var member in await db.WorkspaceMembers.Where(m => m.WorkspaceId == e.WorkspaceId).ToListAsync(ct))
        {
            member.Active = false;
            member.UpdatedAt = e.OccurredAt > member.UpdatedAt ? e.OccurredAt : member.UpdatedAt;
        }
        await groups.RevokeWorkspace(e.WorkspaceId);
    }
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
                                      && (!p.Private || m.Role == Roles.Owner || m.Role == Roles.Admin)
                                select p.Id).AnyAsync(ct);
        if (!stillReads) await groups.RevokeProjectMember(e.ProjectId, e.UserId);
    }
}

/// <summary>Workspace role names as the workspaces service publishes them.</summary>
internal static class Roles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
}
