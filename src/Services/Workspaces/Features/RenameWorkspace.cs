using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Workspaces.Data;

namespace TaskFlow.Workspaces.Features;

internal static class RenameWorkspace
{
    /// <summary>Changes to a workspace.</summary>
    /// <param name="Name">New display name, 1–100 characters. The slug stays as it was.</param>
    internal sealed record Request(string? Name);

    public static RouteHandlerBuilder Map(RouteGroupBuilder workspace) =>
        workspace.MapPatch("/", Handle)
            .RequireWorkspaceRole(WorkspaceRole.Admin)
            .WithName("UpdateWorkspace")
            .WithSummary("Rename a workspace")
            .WithDescription("Owners and admins only.");

    static async Task<Results<Ok<WorkspaceDetails>, ValidationProblem>> Handle(
        Request request, CurrentMembership current, WorkspacesDb db, CancellationToken ct)
    {
        if (WorkspaceNames.Validate(request.Name, out var name) is { Count: > 0 } errors)
            return TypedResults.ValidationProblem(errors);

        current.Workspace.Name = name;
        await db.SaveChangesAsync(ct);
        var count = await db.Memberships.CountAsync(m => m.WorkspaceId == current.WorkspaceId, ct);
        return TypedResults.Ok(GetWorkspace.Details(current, count));
    }
}
