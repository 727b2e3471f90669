using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Features;

/// <summary><c>GET /v1/projects/{projectId}/reports/summary</c>: the project now.</summary>
internal static class Summary
{
    /// <summary>Tasks per status category.</summary>
    public sealed record ByCategory(
        int Backlog, int Todo, [property: JsonPropertyName("in_progress")] int InProgress, int Done, int Cancelled);

    /// <summary>Estimate points: all live tasks, done ones, open ones (not done or cancelled).</summary>
    public sealed record Points(double Total, double Done, double Open);

    /// <summary>
    /// The project now (as of <paramref name="AsOf"/>): live tasks (deleted ones excluded) matching the filters.
    /// <paramref name="Overdue"/>: open tasks whose due date is before <paramref name="Today"/> (the caller's day in
    /// <paramref name="TimeZone"/>). <paramref name="Wip"/>: tasks in progress. <paramref name="Unestimated"/>: open tasks without points.
    /// </summary>
    public sealed record Response(
        Guid ProjectId, DateTime AsOf, string TimeZone, DateOnly Today, int Total, ByCategory ByCategory, int Overdue, int Wip,
        int Unassigned, int Unestimated, Points Points, int CompletedLast7Days);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder reports) =>
        reports.MapGet("/summary", Handle).WithName("ReportSummary").WithSummary("Project summary now")
            .WithDescription("Counts of the project's live tasks by status category, overdue (open and due before today in tz), work in progress, unassigned and unestimated open tasks, estimate points, tasks completed in the last 7 days (today included). Filters cycleId, assigneeId, labelId apply to the tasks' current state. Current within seconds of a change (fed by events).")
            .Produces<Response>();

    static async Task<IResult> Handle([AsParameters] ReportQuery query, ReportingDb db, HistoryCache histories, ReportCaller caller, ReportClock clock, CancellationToken ct)
    {
        var (input, problem) = await ReportInput.Load(db, histories, caller, clock, query, ct);
        return problem ?? TypedResults.Ok(Compute(caller.Project.Id, input!));
    }

    internal static Response Compute(Guid projectId, ReportInput input)
    {
        var range = input.Range;
        var live = input.History.Tasks.Where(t => !t.Current.Deleted && range.Matches(t.Current)).ToList();
        int Count(string category) => live.Count(t => t.Current.Category == category);
        var open = live.Where(t => Categories.IsOpen(t.Current.Category)).ToList();
        var weekAgo = range.StartOf(range.Today.AddDays(-6));
        return new Response(
            projectId, range.UtcNow, range.Zone.Id, range.Today, live.Count,
            new ByCategory(Count(Categories.Backlog), Count(Categories.Todo), Count(Categories.InProgress), Count(Categories.Done), Count(Categories.Cancelled)),
            open.Count(t => t.Current.DueDate < range.Today),
            Count(Categories.InProgress),
            open.Count(t => t.Current.Assignees.Length == 0),
            open.Count(t => t.Current.Points is null),
            new Points(
                live.Where(t => t.Current.Category != Categories.Cancelled).Sum(t => t.Current.Points ?? 0),
                live.Where(t => t.Current.Category == Categories.Done).Sum(t => t.Current.Points ?? 0),
                open.Sum(t => t.Current.Points ?? 0)),
            live.Count(t => t.CompletedAt >= weekAgo));
    }

    internal static ReportTable Table(Response r) => new("Summary", ["measure", "value"],
    [
        ["total", r.Total], ["backlog", r.ByCategory.Backlog], ["todo", r.ByCategory.Todo], ["in_progress", r.ByCategory.InProgress],
        ["done", r.ByCategory.Done], ["cancelled", r.ByCategory.Cancelled], ["overdue", r.Overdue], ["wip", r.Wip],
        ["unassigned", r.Unassigned], ["unestimated", r.Unestimated], ["points_total", r.Points.Total], ["points_done", r.Points.Done],
        ["points_open", r.Points.Open], ["completed_last_7_days", r.CompletedLast7Days],
    ]);
}
