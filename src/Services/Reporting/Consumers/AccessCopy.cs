using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Projects.Contracts;
using TaskFlow.Reporting.Data;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.Reporting.Consumers;

/// <summary>
/// Who may read which project's reports, with the tasks service's rules (docs/adr/0023): the same copy as the realtime
/// service's (events only; the inbox stops redelivery; out-of-order changes resolved by OccurredAt; removed members
/// stay inactive and deleted workspaces and projects stay as tombstones so late events cannot bring them back).
/// </summary>
internal sealed class AccessCopy(ReportingDb db)
{
    public async Task<KnownWorkspace> Workspace(Guid workspaceId, CancellationToken ct)
    {
        var workspace = await db.Workspaces.FindAsync([workspaceId], ct);
        if (workspace is null) db.Workspaces.Add(workspace = new KnownWorkspace { Id = workspaceId });
        return workspace;
    }

    public async Task Member(Guid workspaceId, Guid userId, bool active, string? role, DateTime occurredAt, bool onlyIfAbsent, CancellationToken ct)
    {
        var workspace = await Workspace(workspaceId, ct);
        if (workspace.Deleted) return;
        var member = await db.WorkspaceMembers.FindAsync([workspaceId, userId], ct);
        if (member is null)
        {
            db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = workspaceId, UserId = userId, Active = active, Role = role, UpdatedAt = occurredAt });
            return;
        }
        if (onlyIfAbsent || occurredAt < member.UpdatedAt) return;
        (member.Active, member.UpdatedAt) = (active, occurredAt);
        if (role is not null) member.Role = role;
    }

    public async Task<KnownProject> Project(Guid projectId, Guid workspaceId, CancellationToken ct)
    {
        var project = await db.Projects.FindAsync([projectId], ct);
        if (project is null)
            db.Projects.Add(project = new KnownProject
            {
                Id = projectId, WorkspaceId = workspaceId, VisibilityChangedAt = DateTime.MinValue.ToUniversalTime(),
                DetailsChangedAt = DateTime.MinValue.ToUniversalTime(),
            });
        return project;
    }

    public async Task Visibility(Guid projectId, Guid workspaceId, string? visibility, DateTime occurredAt, CancellationToken ct)
    {
        if (visibility is null) return;
        var project = await Project(projectId, workspaceId, ct);
        if (project.Deleted || occurredAt < project.VisibilityChangedAt) return;
        (project.Private, project.VisibilityChangedAt) = (visibility switch
        {
            "private" => true,
            "workspace" => false,
            _ => throw new InvalidOperationException($"Unknown project visibility '{visibility}'."),
        }, occurredAt);
    }

    public async Task ProjectMember(Guid projectId, Guid userId, bool active, DateTime occurredAt, CancellationToken ct)
    {
        var member = await db.ProjectMembers.FindAsync([projectId, userId], ct);
        if (member is null)
        {
            db.ProjectMembers.Add(new ProjectMember { ProjectId = projectId, UserId = userId, Active = active, UpdatedAt = occurredAt });
            return;
        }
        if (occurredAt < member.UpdatedAt) return;
        (member.Active, member.UpdatedAt) = (active, occurredAt);
    }
}

internal sealed class WorkspaceCreatedHandler(AccessCopy copy) : IIntegrationEventHandler<WorkspaceCreated>
{
    public Task Handle(WorkspaceCreated e, CancellationToken ct) =>
        copy.Member(e.WorkspaceId, e.OwnerId, active: true, Roles.Owner, e.OccurredAt, onlyIfAbsent: true, ct);
}

internal sealed class MemberAddedHandler(AccessCopy copy) : IIntegrationEventHandler<MemberAdded>
{
    public Task Handle(MemberAdded e, CancellationToken ct) =>
        copy.Member(e.WorkspaceId, e.UserId, active: true, e.Role, e.OccurredAt, onlyIfAbsent: false, ct);
}

internal sealed class MemberRoleChangedHandler(AccessCopy copy) : IIntegrationEventHandler<MemberRoleChanged>
{
    public Task Handle(MemberRoleChanged e, CancellationToken ct) =>
        copy.Member(e.WorkspaceId, e.UserId, active: true, e.Role, e.OccurredAt, onlyIfAbsent: false, ct);
}

internal sealed class MemberRemovedHandler(AccessCopy copy) : IIntegrationEventHandler<MemberRemoved>
{
    public Task Handle(MemberRemoved e, CancellationToken ct) =>
        copy.Member(e.WorkspaceId, e.UserId, active: false, role: null, e.OccurredAt, onlyIfAbsent: false, ct);
}

/// <summary>Tombstones the workspace and deactivates its members.</summary>
internal sealed class WorkspaceDeletedHandler(ReportingDb db, AccessCopy copy) : IIntegrationEventHandler<WorkspaceDeleted>
{
    public async Task Handle(WorkspaceDeleted e, CancellationToken ct)
    {
        var workspace = await copy.Workspace(e.WorkspaceId, ct);
        workspace.Deleted = true;
        foreach (var member in await db.WorkspaceMembers.Where(m => m.WorkspaceId == e.WorkspaceId).ToListAsync(ct))
        {
            member.Active = false;
            if (e.OccurredAt > member.UpdatedAt) member.UpdatedAt = e.OccurredAt;
        }
    }
}

internal sealed class ProjectCreatedHandler(AccessCopy copy) : IIntegrationEventHandler<ProjectCreated>
{
    public async Task Handle(ProjectCreated e, CancellationToken ct)
    {
        var project = await copy.Project(e.ProjectId, e.WorkspaceId, ct);
        if (project.Deleted) return;
        project.WorkspaceId = e.WorkspaceId;
        project.Key = e.Key;
        if (e.OccurredAt >= project.DetailsChangedAt)
            (project.Name, project.TargetDate, project.DetailsChangedAt) = (e.Name, e.TargetDate, e.OccurredAt);
        // Events published before projects had a visibility carry none: a workspace project.
        await copy.Visibility(e.ProjectId, e.WorkspaceId, string.IsNullOrEmpty(e.Visibility) ? "workspace" : e.Visibility, e.OccurredAt, ct);
    }
}

internal sealed class ProjectUpdatedHandler(AccessCopy copy) : IIntegrationEventHandler<ProjectUpdated>
{
    public async Task Handle(ProjectUpdated e, CancellationToken ct)
    {
        await copy.Visibility(e.ProjectId, e.WorkspaceId, e.Visibility, e.OccurredAt, ct);
        // Events published before name and target date were carried have neither: keep what is known.
        if (e.Name is null && e.TargetDate is null) return;
        var project = await copy.Project(e.ProjectId, e.WorkspaceId, ct);
        if (project.Deleted || e.OccurredAt < project.DetailsChangedAt) return;
        if (e.Name is not null) project.Name = e.Name;
        if (e.TargetDate is not null) project.TargetDate = e.TargetDate;
        project.DetailsChangedAt = e.OccurredAt;
    }
}

/// <summary>Tombstones the project: its reports answer 404 from now on (its log and history stay until a rebuild is asked for).</summary>
internal sealed class ProjectDeletedHandler(AccessCopy copy) : IIntegrationEventHandler<ProjectDeleted>
{
    public async Task Handle(ProjectDeleted e, CancellationToken ct) => (await copy.Project(e.ProjectId, e.WorkspaceId, ct)).Deleted = true;
}

internal sealed class ProjectMemberAddedHandler(AccessCopy copy) : IIntegrationEventHandler<ProjectMemberAdded>
{
    public Task Handle(ProjectMemberAdded e, CancellationToken ct) => copy.ProjectMember(e.ProjectId, e.UserId, active: true, e.OccurredAt, ct);
}

internal sealed class ProjectMemberRoleChangedHandler(AccessCopy copy) : IIntegrationEventHandler<ProjectMemberRoleChanged>
{
    public Task Handle(ProjectMemberRoleChanged e, CancellationToken ct) => copy.ProjectMember(e.ProjectId, e.UserId, active: true, e.OccurredAt, ct);
}

internal sealed class ProjectMemberRemovedHandler(AccessCopy copy) : IIntegrationEventHandler<ProjectMemberRemoved>
{
    public Task Handle(ProjectMemberRemoved e, CancellationToken ct) => copy.ProjectMember(e.ProjectId, e.UserId, active: false, e.OccurredAt, ct);
}

/// <summary>Workspace role names as the workspaces service publishes them.</summary>
internal static class Roles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Viewer = "viewer";
}
