using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.BuildingBlocks.Membership;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Reporting.Consumers;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Features;

/// <summary>The caller of a project's reports, set once per request by <see cref="ReportAccess"/>.</summary>
internal sealed class ReportCaller
{
    KnownProject? project;

    public Guid UserId { get; private set; }
    public KnownProject Project => project ?? throw new InvalidOperationException("The report access filter did not run for this endpoint.");
    /// <summary>Workspace owner or admin: may rebuild and change report settings.</summary>
    public bool IsWorkspaceAdmin { get; private set; }
    public DayOfWeek WeekStart { get; private set; }

    internal void Set(Guid userId, KnownProject value, bool admin, DayOfWeek weekStart) =>
        (UserId, project, IsWorkspaceAdmin, WeekStart) = (userId, value, admin, weekStart);

    /// <summary>For workspace report endpoints: no project.</summary>
    internal void SetWorkspace(Guid userId, bool admin, DayOfWeek weekStart) =>
        (UserId, IsWorkspaceAdmin, WeekStart) = (userId, admin, weekStart);
}

/// <summary>Endpoint metadata: only workspace owners and admins.</summary>
internal sealed record RequiresWorkspaceAdmin;

/// <summary>
/// The one place report access is decided (the tasks service's rules, docs/adr/0023), from this service's copy of
/// memberships and projects: an unknown or deleted project, a caller who is not an active member of its workspace, or a
/// private project the caller is neither explicit member of nor workspace owner/admin of: 404. Any workspace role reads
/// reports (viewers too); rebuilds and settings need workspace owner/admin: 403. On a miss in the membership copy the
/// workspaces service is asked first, and on a project (or private project membership) miss the projects service, in
/// process or over HTTP with the caller's token (read-your-writes, docs/adr/0005).
/// </summary>
internal static class ReportAccess
{
    static readonly ProducesResponseTypeMetadata NotFound = new(StatusCodes.Status404NotFound, typeof(ProblemDetails), ["application/problem+json"]);
    static readonly ProducesResponseTypeMetadata Forbidden = new(StatusCodes.Status403Forbidden, typeof(ProblemDetails), ["application/problem+json"]);

    public static TBuilder AdminOnly<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiresWorkspaceAdmin(), Forbidden);

    public static RouteGroupBuilder MapProjectReportsGroup(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/projects/{projectId:guid}/reports");
        group.RequireAuthorization().WithMetadata(NotFound, new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized));
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var ct = http.RequestAborted;
            var userId = http.User.UserId();
            var db = http.RequestServices.GetRequiredService<ReportingDb>();
            var projectId = Guid.Parse(http.Request.RouteValues["projectId"]!.ToString()!);
            var projects = http.RequestServices.GetRequiredService<ProjectsLookup<ReportingDb>>();
            var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == projectId, ct);
            ProjectAnswer? answer = null;
            if (project is null)
            {
                // A project the copy has not heard of yet (scaled out): the projects service answers for this request;
                // its figures are empty until its events arrive (docs/adr/0005).
                if ((answer = await projects.Project(CallerToken.Of(http), projectId, ct)) is null) return Problems.ProjectNotFound();
                project = new KnownProject { Id = projectId, WorkspaceId = answer.WorkspaceId, Key = answer.Key, Name = answer.Key, Private = answer.Visibility == "private", HistoryVersion = -1 };
            }
            if (project.Deleted) return Problems.ProjectNotFound();
            var (role, weekStart) = await RoleIn(http, db, project.WorkspaceId, userId, ct);
            if (role is null) return Problems.ProjectNotFound();
            var admin = role is Roles.Owner or Roles.Admin;
            if (project.Private && !admin && answer is null
                && !await db.ProjectMembers.AsNoTracking().AnyAsync(m => m.ProjectId == projectId && m.UserId == userId && m.Active, ct)
                && await projects.Project(CallerToken.Of(http), projectId, ct) is null)
                return Problems.ProjectNotFound();
            if (http.GetEndpoint()?.Metadata.GetMetadata<RequiresWorkspaceAdmin>() is not null && !admin)
                return Problems.InsufficientRole("Only the workspace's owners and admins may do this.");
            http.RequestServices.GetRequiredService<ReportCaller>().Set(userId, project, admin, weekStart);
            return await next(context);
        });
        return group;
    }

    /// <summary><c>/v1/workspaces/{workspaceId}/reports</c>: workspace members only (404 otherwise).</summary>
    public static RouteGroupBuilder MapWorkspaceReportsGroup(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/workspaces/{workspaceId:guid}/reports");
        group.RequireAuthorization().WithMetadata(NotFound, new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized));
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var ct = http.RequestAborted;
            var userId = http.User.UserId();
            var db = http.RequestServices.GetRequiredService<ReportingDb>();
            var workspaceId = Guid.Parse(http.Request.RouteValues["workspaceId"]!.ToString()!);
            var (role, weekStart) = await RoleIn(http, db, workspaceId, userId, ct);
            if (role is null) return Problems.WorkspaceNotFound();
            var admin = role is Roles.Owner or Roles.Admin;
            if (http.GetEndpoint()?.Metadata.GetMetadata<RequiresWorkspaceAdmin>() is not null && !admin)
                return Problems.InsufficientRole("Only the workspace's owners and admins may do this.");
            http.RequestServices.GetRequiredService<ReportCaller>().SetWorkspace(userId, admin, weekStart);
            return await next(context);
        });
        return group;
    }

    /// <summary>The caller's role in the workspace (null: not an active member of a live workspace) and its week start.</summary>
    static async Task<(string? Role, DayOfWeek WeekStart)> RoleIn(HttpContext http, ReportingDb db, Guid workspaceId, Guid userId, CancellationToken ct)
    {
        var workspace = await db.Workspaces.AsNoTracking().SingleOrDefaultAsync(w => w.Id == workspaceId, ct);
        if (workspace is { Deleted: true }) return (null, DayOfWeek.Monday);
        var weekStart = (DayOfWeek)(workspace?.WeekStart ?? (int)DayOfWeek.Monday);
        var member = await db.WorkspaceMembers.AsNoTracking().SingleOrDefaultAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId, ct);
        if (member is { Active: true }) return (member.Role ?? Roles.Viewer, weekStart);
        // A miss (not yet copied, or removed a moment ago): the workspaces service answers, in process or over HTTP.
        var owner = http.RequestServices.GetRequiredService<WorkspacesLookup<ReportingDb>>();
        return (await owner.RoleOf(CallerToken.Of(http), workspaceId, userId, ct), weekStart);
    }
}

/// <summary>The domain errors of this service, each with a stable <c>type</c>.</summary>
internal static class Problems
{
    const string Base = "https://taskflow.dev/problems/";

    public static ProblemHttpResult ProjectNotFound() => Make(StatusCodes.Status404NotFound, "project-not-found",
        "Project not found.", "No project exists at this address, or you are not a member of its workspace.");

    public static ProblemHttpResult WorkspaceNotFound() => Make(StatusCodes.Status404NotFound, "workspace-not-found",
        "Workspace not found.", "No workspace exists at this address, or you are not a member of it.");

    public static ProblemHttpResult InsufficientRole(string detail) => Make(StatusCodes.Status403Forbidden, "insufficient-role",
        "Your role does not allow this.", detail);

    public static ProblemHttpResult CycleNotFound() => Make(StatusCodes.Status404NotFound, "cycle-not-found",
        "Cycle not found.", "The project has no cycle with this id.");

    public static ProblemHttpResult ExportNotFound() => Make(StatusCodes.Status404NotFound, "export-not-found",
        "Export not found.", "No export of yours exists at this address.");

    public static ProblemHttpResult ExportExpired() => Make(StatusCodes.Status410Gone, "export-expired",
        "The export has expired.", "Exported files are kept for a limited time. Start the export again.");

    public static ProblemHttpResult ExportNotReady() => Make(StatusCodes.Status409Conflict, "export-not-ready",
        "The export is not ready yet.", "The file is still being made. Check the export's progress and try again when it is ready.");

    static ProblemHttpResult Make(int status, string slug, string title, string detail) =>
        TypedResults.Problem(statusCode: status, type: Base + slug, title: title, detail: detail);
}
