using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Workspaces.Data;

namespace TaskFlow.Workspaces.Features;

/// <summary>The caller's membership of the workspace in the route, loaded once per request by <see cref="WorkspaceAccess"/>.</summary>
internal sealed class CurrentMembership
{
    Membership? membership;

    /// <summary>Tracked by the request's <see cref="WorkspacesDb"/>, with its workspace.</summary>
    public Membership Membership => membership ?? throw new InvalidOperationException("The workspace access filter did not run for this endpoint.");

    public Guid WorkspaceId => Membership.WorkspaceId;
    public Guid UserId => Membership.UserId;
    public WorkspaceRole Role => Membership.Role;
    public Workspace Workspace => Membership.Workspace;

    internal void Set(Membership value) => membership = value;
}

/// <summary>Endpoint metadata: the weakest role allowed to call the endpoint.</summary>
internal sealed record RequiredWorkspaceRole(WorkspaceRole Role);

/// <summary>
/// The single place tenant access is decided for everything under <c>/v1/workspaces/{workspaceId}</c>:
/// a caller who is not a member gets 404 (the workspace's existence is not revealed), a member below the
/// endpoint's required role gets 403, and everyone else reaches the handler with <see cref="CurrentMembership"/> set.
/// </summary>
internal static class WorkspaceAccess
{
    public const string RouteParameter = "workspaceId";

    /// <summary>A route group for one workspace, guarded by the membership filter.</summary>
    public static RouteGroupBuilder MapWorkspaceGroup(this IEndpointRouteBuilder workspaces)
    {
        var group = workspaces.MapGroup("/{" + RouteParameter + ":guid}");
        group.AddEndpointFilter(Filter);
        group.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(ProblemDetails), ["application/problem+json"]));
        return group;
    }

    /// <summary>Only members with at least <paramref name="role"/> may call this endpoint; others get 403.</summary>
    public static TBuilder RequireWorkspaceRole<TBuilder>(this TBuilder builder, WorkspaceRole role) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredWorkspaceRole(role), new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ProblemDetails), ["application/problem+json"]));

    static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!Guid.TryParse(http.Request.RouteValues[RouteParameter]?.ToString(), out var workspaceId))
            return Problems.WorkspaceNotFound();

        var userId = http.User.UserId();
        var db = http.RequestServices.GetRequiredService<WorkspacesDb>();
        var membership = await db.Memberships
            .Include(m => m.Workspace)
            .SingleOrDefaultAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId, http.RequestAborted);
        if (membership is null) return Problems.WorkspaceNotFound();

        var required = http.GetEndpoint()?.Metadata.GetMetadata<RequiredWorkspaceRole>();
        if (required is not null && !membership.Role.IsAtLeast(required.Role))
            return Problems.InsufficientRole($"This needs the {required.Role.ToName()} role or higher; yours is {membership.Role.ToName()}.");

        http.RequestServices.GetRequiredService<CurrentMembership>().Set(membership);
        return await next(context);
    }
}
