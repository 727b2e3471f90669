using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Reporting.Consumers;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Features;

/// <summary><c>GET/PUT /v1/workspaces/{workspaceId}/reports/settings</c>: the workspace's report week start.</summary>
internal static class ReportSettings
{
    /// <summary><paramref name="WeekStart"/>: the day report weeks start on (monday … sunday).</summary>
    public sealed record Settings([property: Required] string WeekStart);

    static readonly string[] Days = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    internal static void Map(RouteGroupBuilder reports)
    {
        reports.MapGet("/settings", async Task<Ok<Settings>> (Guid workspaceId, ReportingDb db, CancellationToken ct) =>
        {
            var workspace = await db.Workspaces.FindAsync([workspaceId], ct);
            return TypedResults.Ok(new Settings(Days[workspace?.WeekStart ?? (int)DayOfWeek.Monday]));
        }).WithName("GetReportSettings").WithSummary("The workspace's report settings");

        reports.MapPut("/settings", async Task<Results<Ok<Settings>, ValidationProblem>> (Guid workspaceId, Settings request, ReportingDb db, AccessCopy copy, CancellationToken ct) =>
        {
            var day = Array.IndexOf(Days, request.WeekStart?.Trim().ToLowerInvariant());
            if (day < 0)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["weekStart"] = ["Use a day name: monday … sunday."] });
            var workspace = await copy.Workspace(workspaceId, ct);
            workspace.WeekStart = day;
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(new Settings(Days[day]));
        }).AdminOnly().WithName("PutReportSettings").WithSummary("Change the workspace's report settings")
        .WithDescription("Workspace owners and admins. weekStart: the day throughput weeks start on (default monday).");
    }
}
