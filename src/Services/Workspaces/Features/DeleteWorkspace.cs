using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Workspaces.Data;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.Workspaces.Features;

internal static class DeleteWorkspace
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder workspace) =>
        workspace.MapDelete("/", Handle)
            .RequireWorkspaceRole(WorkspaceRole.Owner)
            .WithName("DeleteWorkspace")
            .WithSummary("Delete a workspace")
            .WithDescription("Owners only. Removes the workspace, its memberships and invitations; publishes WorkspaceDeleted.");

    static async Task<NoContent> Handle(CurrentMembership current, WorkspacesDb db, CancellationToken ct)
    {
        // Memberships and invitations go with it (cascade in the database).
        db.Workspaces.Remove(current.Workspace);
        db.Publish(new WorkspaceDeleted(current.WorkspaceId));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
