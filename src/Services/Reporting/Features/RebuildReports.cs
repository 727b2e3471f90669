using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Reporting.Consumers;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Features;

/// <summary>
/// <c>POST /v1/projects/{projectId}/reports/rebuild</c> and <c>POST /v1/workspaces/{workspaceId}/reports/rebuild</c>:
/// drop the derived history and replay the logged events (workspace owners and admins).
/// </summary>
internal static class RebuildReports
{
    public sealed record Response(int Projects, int Events, int Tasks);

    internal static RouteHandlerBuilder MapProject(RouteGroupBuilder reports) =>
        reports.MapPost("/rebuild", async (ReportCaller caller, Rebuild rebuild, CancellationToken ct) =>
            TypedResults.Ok(From(await rebuild.Projects([caller.Project.Id], ct))))
            .AdminOnly().WithName("RebuildProjectReports").WithSummary("Rebuild a project's reports from its events")
            .WithDescription("Workspace owners and admins. Deletes the project's report history and applies every logged event of it again, oldest first; the figures afterwards equal the live ones (the projection is idempotent and order-independent).");

    internal static RouteHandlerBuilder MapWorkspace(RouteGroupBuilder reports) =>
        reports.MapPost("/rebuild", async Task<Ok<Response>> (Guid workspaceId, ReportingDb db, Rebuild rebuild, CancellationToken ct) =>
        {
            var projects = await db.Projects.AsNoTracking().Where(p => p.WorkspaceId == workspaceId).Select(p => p.Id).ToListAsync(ct);
            return TypedResults.Ok(From(await rebuild.Projects(projects, ct)));
        })
        .AdminOnly().WithName("RebuildWorkspaceReports").WithSummary("Rebuild the reports of every project of a workspace")
        .WithDescription("Workspace owners and admins. As the project rebuild, for each project of the workspace.");

    static Response From(Rebuild.Result r) => new(r.Projects, r.Events, r.Tasks);
}
