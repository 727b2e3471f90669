using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Integrations.Data;

namespace TaskFlow.Integrations.Features;

/// <summary>The caller and the workspace (and project) the request is about, set by the access filter.</summary>
internal sealed class CurrentAccess
{
    public Guid UserId { get; private set; }
    public Guid WorkspaceId { get; private set; }
    public KnownProject? Project { get; private set; }

    internal void Set(Guid userId, Guid workspaceId, KnownProject? project) => (UserId, WorkspaceId, Project) = (userId, workspaceId, project);
}

/// <summary>
/// The single place access is decided, from this service's local copies of workspaces, memberships and projects:
/// an unknown (or deleted) project, a deleted workspace, or a caller who is not an active member of its workspace gets
/// 404 (a membership the copy lacks is asked of the workspaces service first: read-your-writes, BuildingBlocks.Membership);
/// a member who is not a workspace owner or admin gets 403, for reads too (webhook URLs and delivery bodies are
/// as sensitive as the secrets).
/// </summary>
internal static class Access
{
    static readonly ProducesResponseTypeMetadata NotFound = new(StatusCodes.Status404NotFound, typeof(ProblemDetails), ["application/problem+json"]);
    static readonly ProducesResponseTypeMetadata Forbidden = new(StatusCodes.Status403Forbidden, typeof(ProblemDetails), ["application/problem+json"]);

    public static RouteGroupBuilder MapWorkspaceGroup(this IEndpointRouteBuilder app, string path) =>
        Guarded(app.MapGroup("/v1/workspaces/{workspaceId:guid}" + path), async (http, db, ct) =>
        {
            var id = Guid.Parse(http.Request.RouteValues["workspaceId"]!.ToString()!);
            // A workspace the copy has not heard of yet is asked about below (read-your-writes); a deleted one is gone.
            var deleted = await db.Workspaces.AsNoTracking().AnyAsync(w => w.Id == id && w.Deleted, ct);
            return (deleted ? null : id, null, Problems.WorkspaceNotFound());
        });

    public static RouteGroupBuilder MapProjectGroup(this IEndpointRouteBuilder app, string path) =>
        Guarded(app.MapGroup("/v1/projects/{projectId:guid}" + path), async (http, db, ct) =>
        {
            var id = Guid.Parse(http.Request.RouteValues["projectId"]!.ToString()!);
            var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
            return (project is null || project.Deleted || project.WorkspaceId == Guid.Empty ? null : project.WorkspaceId, project, Problems.ProjectNotFound());
        });

    delegate Task<(Guid? WorkspaceId, KnownProject? Project, ProblemHttpResult NotFound)> Resolve(HttpContext http, IntegrationsDb db, CancellationToken ct);

    static RouteGroupBuilder Guarded(RouteGroupBuilder group, Resolve resolve)
    {
        group.RequireAuthorization().WithMetadata(NotFound, Forbidden, new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized));
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var ct = http.RequestAborted;
            var userId = http.User.UserId();
            var db = http.RequestServices.GetRequiredService<IntegrationsDb>();
            var (workspaceId, project, notFound) = await resolve(http, db, ct);
            if (workspaceId is not { } wid) return notFound;
            var member = await http.RequestServices.GetRequiredService<WorkspaceMembershipLookup<IntegrationsDb>>().Find(http, wid, userId, ct);
            if (member is null) return notFound;
            if (!member.Role.CanManageIntegrations()) return Problems.InsufficientRole();
            http.RequestServices.GetRequiredService<CurrentAccess>().Set(userId, wid, project);
            return await next(context);
        });
        return group;
    }
}
