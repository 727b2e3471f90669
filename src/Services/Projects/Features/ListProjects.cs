using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Projects.Data;

namespace TaskFlow.Projects.Features;

internal static class ListProjects
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder projects) =>
        projects.MapGet("/", Handle)
            .WithName("ListProjects")
            .WithSummary("List the projects of a workspace")
            .WithDescription("Any workspace member, by key: every project visible to the caller (private projects only to their members and workspace owners/admins). Archived projects only with includeArchived=true. Each carries the caller's effective role.");

    static async Task<Ok<List<ProjectResponse>>> Handle(bool? includeArchived, CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var query = db.Projects.AsNoTracking().Where(p => p.WorkspaceId == access.WorkspaceId);
        if (includeArchived != true) query = query.Where(p => p.ArchivedAt == null);
        var projects = await query.OrderBy(p => p.Key).ToListAsync(ct);
        var mine = await db.ProjectMembers.AsNoTracking()
            .Where(m => m.UserId == access.UserId && db.Projects.Any(p => p.Id == m.ProjectId && p.WorkspaceId == access.WorkspaceId))
            .ToDictionaryAsync(m => m.ProjectId, m => m.Role, ct);
        var visible = new List<ProjectResponse>(projects.Count);
        foreach (var p in projects)
            if (Roles.Effective(access.WorkspaceRole, mine.TryGetValue(p.Id, out var r) ? r : null, p.IsPrivate) is { } role)
                visible.Add(ProjectResponse.From(p, role));
        return TypedResults.Ok(visible);
    }
}
