using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Membership;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Projects.Data;

namespace TaskFlow.Projects.Features;

/// <summary>The caller's access, set once per request by <see cref="ProjectAccess"/>.</summary>
internal sealed class CurrentAccess
{
    Project? project;

    public Guid UserId { get; private set; }
    public Guid WorkspaceId { get; private set; }
    public WorkspaceRole WorkspaceRole { get; private set; }

    /// <summary>The caller's effective role in <see cref="Project"/> (only under <c>/v1/projects/{projectId}</c>).</summary>
    public ProjectRole ProjectRole { get; private set; }

    /// <summary>Tracked by the request's <see cref="ProjectsDb"/>.</summary>
    public Project Project => project ?? throw new InvalidOperationException("The project access filter did not run for this endpoint.");

    public Guid ProjectId => Project.Id;

    internal void SetWorkspace(WorkspaceMember member)
    {
        (UserId, WorkspaceId, WorkspaceRole) = (member.UserId, member.WorkspaceId, member.Role);
    }

    internal void SetProject(Project value, WorkspaceMember member, ProjectRole role)
    {
        SetWorkspace(member);
        project = value;
        ProjectRole = role;
    }
}

/// <summary>Endpoint metadata: the weakest workspace role allowed (workspace-level project routes, project deletion).</summary>
internal sealed record RequiredWorkspaceRole(WorkspaceRole Role);

/// <summary>Endpoint metadata: the weakest effective project role allowed.</summary>
internal sealed record RequiredProjectRole(ProjectRole Role);

/// <summary>Endpoint metadata: this write is allowed on an archived project (unarchive).</summary>
internal sealed record AllowedWhenArchived;

/// <summary>
/// The single place access is decided. Membership comes from the local copy of the workspaces service's members
/// (<c>workspace_members</c>), never from its database:
/// <list type="bullet">
/// <item>Under <c>/v1/workspaces/{workspaceId}/projects</c>: a caller who is not an active member of the workspace gets 404.</item>
/// <item>Under <c>/v1/projects/{projectId}</c>: an unknown project, a caller outside the project's workspace, or a private
/// project the caller is not a member of (workspace owners/admins see every project), gets 404.</item>
/// <item>A caller below the endpoint's required workspace or project role gets 403.</item>
/// <item>A write (anything but GET) to an archived project gets 409, unless the endpoint allows it (unarchive).</item>
/// </list>
/// Effective project role (<see cref="Roles.Effective"/>): workspace owner/admin → admin on every project; otherwise the
/// project membership's role (a workspace viewer at most viewer); without one, a workspace member works in every
/// <c>workspace</c>-visible project as member and a workspace viewer reads it; private projects are hidden from both.
/// </summary>
internal static class ProjectAccess
{
    public const string WorkspaceParameter = "workspaceId";
    public const string ProjectParameter = "projectId";

    static readonly ProducesResponseTypeMetadata NotFound = new(StatusCodes.Status404NotFound, typeof(ProblemDetails), ["application/problem+json"]);
    static readonly ProducesResponseTypeMetadata Forbidden = new(StatusCodes.Status403Forbidden, typeof(ProblemDetails), ["application/problem+json"]);

    public static RouteGroupBuilder MapWorkspaceProjectsGroup(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/workspaces/{" + WorkspaceParameter + ":guid}/projects");
        group.AddEndpointFilter(WorkspaceFilter);
        group.WithMetadata(NotFound);
        return group;
    }

    public static RouteGroupBuilder MapProjectGroup(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/projects/{" + ProjectParameter + ":guid}");
        group.AddEndpointFilter(ProjectFilter);
        group.WithMetadata(NotFound);
        return group;
    }

    public static TBuilder RequireWorkspaceRole<TBuilder>(this TBuilder builder, WorkspaceRole role) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredWorkspaceRole(role), Forbidden);

    public static TBuilder RequireProjectRole<TBuilder>(this TBuilder builder, ProjectRole role) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredProjectRole(role), Forbidden);

    public static TBuilder AllowWhenArchived<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AllowedWhenArchived());

    /// <summary>From the local copy; on a miss from the workspaces service itself (read-your-writes, <see cref="WorkspaceMembershipLookup{TDb}"/>).
    /// Scaled out, a removal or deletion announced through Redis ends access before the copy hears of it (docs/adr/0005).</summary>
    static async Task<WorkspaceMember?> ActiveMember(HttpContext http, Guid workspaceId, Guid userId, CancellationToken ct)
    {
        var member = await http.RequestServices.GetRequiredService<WorkspaceMembershipLookup<ProjectsDb>>().Find(http, workspaceId, userId, ct);
        return member is not null && await SharedRevocations.AccessRevoked(http, workspaceId, userId) ? null : member;
    }

    static async ValueTask<object?> WorkspaceFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!Guid.TryParse(http.Request.RouteValues[WorkspaceParameter]?.ToString(), out var workspaceId))
            return Problems.WorkspaceNotFound();
        var db = http.RequestServices.GetRequiredService<ProjectsDb>();
        var member = await ActiveMember(http, workspaceId, http.User.UserId(), http.RequestAborted);
        if (member is null) return Problems.WorkspaceNotFound();

        var metadata = http.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<RequiredWorkspaceRole>() is { } required && member.Role > required.Role)
            return Problems.InsufficientRole($"This needs the workspace role {required.Role.ToName()} or higher; yours is {member.Role.ToName()}.");

        http.RequestServices.GetRequiredService<CurrentAccess>().SetWorkspace(member);
        return await next(context);
    }

    static async ValueTask<object?> ProjectFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!Guid.TryParse(http.Request.RouteValues[ProjectParameter]?.ToString(), out var projectId))
            return Problems.ProjectNotFound();
        var ct = http.RequestAborted;
        var userId = http.User.UserId();
        var db = http.RequestServices.GetRequiredService<ProjectsDb>();
        var project = await db.Projects.SingleOrDefaultAsync(p => p.Id == projectId, ct);
        if (project is null) return Problems.ProjectNotFound();
        var member = await ActiveMember(http, project.WorkspaceId, userId, ct);
        if (member is null) return Problems.ProjectNotFound();
        var projectRole = await db.ProjectMembers.AsNoTracking()
            .Where(m => m.ProjectId == projectId && m.UserId == userId)
            .Select(m => (ProjectRole?)m.Role)
            .SingleOrDefaultAsync(ct);
        // A private project the caller cannot see is as unknown as a missing one.
        if (Roles.Effective(member.Role, projectRole, project.IsPrivate) is not { } role) return Problems.ProjectNotFound();

        var metadata = http.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<RequiredWorkspaceRole>() is { } workspaceRequired && member.Role > workspaceRequired.Role)
            return Problems.InsufficientRole($"This needs the workspace role {workspaceRequired.Role.ToName()} or higher; yours is {member.Role.ToName()}.");
        if (metadata?.GetMetadata<RequiredProjectRole>() is { } required && !role.IsAtLeast(required.Role))
            return Problems.InsufficientRole($"This needs the project role {required.Role.ToName()} or higher; yours is {role.ToName()}.");
        if (project.ArchivedAt is not null && !HttpMethods.IsGet(http.Request.Method) && metadata?.GetMetadata<AllowedWhenArchived>() is null)
            return Problems.ProjectArchived();

        http.RequestServices.GetRequiredService<CurrentAccess>().SetProject(project, member, role);
        return await next(context);
    }
}
