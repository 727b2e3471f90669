using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Membership;
using TaskFlow.Projects.Contracts;
using TaskFlow.Projects.Data;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.Projects.Consumers;

/// <summary>
/// This service's part of the membership copy (BuildingBlocks.Membership keeps <c>workspace_members</c>): project
/// memberships go with the workspace membership, and a deleted workspace's projects with it.
/// </summary>
internal sealed class MembershipHooks(ProjectsDb db) : IWorkspaceMembershipHooks<ProjectsDb>
{
    /// <summary>A removed member's project memberships in the workspace go too (each with a ProjectMemberRemoved).</summary>
    public async Task MemberChanged(Guid workspaceId, Guid userId, WorkspaceRole? role, CancellationToken ct)
    {
        if (role is not null) return;
        var memberships = await db.ProjectMembers
            .Where(m => m.UserId == userId && db.Projects.Any(p => p.Id == m.ProjectId && p.WorkspaceId == workspaceId))
            .ToListAsync(ct);
        foreach (var membership in memberships)
        {
            db.ProjectMembers.Remove(membership);
            db.Publish(new ProjectMemberRemoved(membership.ProjectId, userId));
        }
    }

    /// <summary>Deletes the workspace's projects, publishing ProjectDeleted for each.</summary>
    public async Task WorkspaceDeleted(WorkspaceDeleted e, CancellationToken ct)
    {
        foreach (var project in await db.Projects.Where(p => p.WorkspaceId == e.WorkspaceId).ToListAsync(ct))
        {
            db.Projects.Remove(project);
            db.Publish(new ProjectDeleted(project.Id, project.WorkspaceId));
        }
    }
}
