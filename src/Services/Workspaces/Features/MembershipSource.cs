using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.Workspaces.Data;

namespace TaskFlow.Workspaces.Features;

/// <summary>In-process answer for services whose membership copy has not caught up yet (docs/adr/0005).</summary>
internal sealed class MembershipSource(IServiceScopeFactory scopes) : IWorkspaceMembershipSource
{
    public async Task<string?> RoleOf(Guid workspaceId, Guid userId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkspacesDb>();
        var role = await db.Memberships.AsNoTracking()
            .Where(m => m.WorkspaceId == workspaceId && m.UserId == userId)
            .Select(m => (WorkspaceRole?)m.Role)
            .SingleOrDefaultAsync(cancellationToken);
        return role?.ToName();
    }
}
