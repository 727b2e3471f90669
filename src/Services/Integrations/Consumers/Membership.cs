using Microsoft.EntityFrameworkCore;
using TaskFlow.Integrations.Data;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.Integrations.Consumers;

/// <summary>This service's part of the membership copy (BuildingBlocks.Membership keeps <c>workspace_members</c>).</summary>
internal sealed class MembershipHooks(IntegrationsDb db) : IWorkspaceMembershipHooks<IntegrationsDb>
{
    /// <summary>A deleted workspace's webhooks go with it (their pending deliveries cascade).</summary>
    public async Task WorkspaceDeleted(WorkspaceDeleted e, CancellationToken ct) =>
        db.Webhooks.RemoveRange(await db.Webhooks.Where(w => w.WorkspaceId == e.WorkspaceId).ToListAsync(ct));
}
