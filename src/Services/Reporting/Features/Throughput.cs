using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Features;

/// <summary><c>GET …/reports/throughput</c>: tasks completed per week.</summary>
internal static class Throughput
{
    /// <summary>Tasks (and their points) completed in the week starting <paramref name="WeekStart"/>, within the range.</summary>
    public sealed record Week(DateOnly WeekStart, int Completed, double Points);

    public sealed record Response(Guid ProjectId, string TimeZone, DateOnly From, DateOnly To, string WeekStartsOn, IReadOnlyList<Week> Weeks);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder reports) =>
        reports.MapGet("/throughput", Handle).WithName("ReportThroughput").WithSummary("Throughput per week")
            .WithDescription("Completed tasks per week (weeks start on the workspace's report week start, default Monday; days in tz), counting only days from `from` to `to`. A task counts once, on its last move into a done status, and only while it is still done and not deleted: a task moved back out of done drops out. Filters apply to the task's state when it was completed.")
            .Produces<Response>();

    static async Task<IResult> Handle([AsParameters] ReportQuery query, ReportingDb db, HistoryCache histories, ReportCaller caller, ReportClock clock, CancellationToken ct)
    {
        var (input, problem) = await ReportInput.Load(db, histories, caller, clock, query, ct);
        return problem ?? TypedResults.Ok(Compute(caller.Project.Id, input!));
    }

    internal static Response Compute(Guid projectId, ReportInput input)
    {
        var range = input.Range;
        var weeks = new SortedDictionary<DateOnly, (int Count, double Points)>();
        for (var w = range.WeekOf(range.From); w <= range.To; w = w.AddDays(7)) weeks[w] = (0, 0);
        foreach (var task in input.History.Tasks)
        {
            if (task.CompletedAt is not { } at || task.CompletedState is not { } state || !range.Matches(state)) continue;
            var day = range.DayOf(at);
            if (day < range.From || day > range.To) continue;
            var week = range.WeekOf(day);
            var (count, points) = weeks[week];
            weeks[week] = (count + 1, points + (state.Points ?? 0));
        }
        return new Response(projectId, range.Zone.Id, range.From, range.To, range.WeekStart.ToString().ToLowerInvariant(),
            [.. weeks.Select(w => new Week(w.Key, w.Value.Count, w.Value.Points))]);
    }

    internal static ReportTable Table(Response r) => new("Throughput", ["week_start", "completed", "points"],
        [.. r.Weeks.Select(w => new object?[] { w.WeekStart, w.Completed, w.Points })]);
}
