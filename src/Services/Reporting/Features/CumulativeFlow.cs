using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Features;

/// <summary><c>GET …/reports/cumulative-flow</c>: tasks per status category at the end of each day.</summary>
internal static class CumulativeFlow
{
    /// <summary>Live tasks per category at the end of <paramref name="Date"/> (the caller's day).</summary>
    public sealed record Day(
        DateOnly Date, int Backlog, int Todo, [property: JsonPropertyName("in_progress")] int InProgress, int Done, int Cancelled);

    public sealed record Response(Guid ProjectId, string TimeZone, DateOnly From, DateOnly To, IReadOnlyList<Day> Days);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder reports) =>
        reports.MapGet("/cumulative-flow", Handle).WithName("ReportCumulativeFlow").WithSummary("Cumulative flow")
            .WithDescription("For each day from `from` to `to` (at most today, days in tz): how many tasks existed in each status category at the end of that day. A deleted task counts until the day it was deleted. Filters apply to each task's state on that day.")
            .Produces<Response>();

    static async Task<IResult> Handle([AsParameters] ReportQuery query, ReportingDb db, HistoryCache histories, ReportCaller caller, ReportClock clock, CancellationToken ct)
    {
        var (input, problem) = await ReportInput.Load(db, histories, caller, clock, query, ct);
        return problem ?? TypedResults.Ok(Compute(caller.Project.Id, input!));
    }

    internal static Response Compute(Guid projectId, ReportInput input)
    {
        var range = input.Range;
        var days = new List<Day>();
        foreach (var date in range.Days())
        {
            var end = range.EndOf(date);
            var counts = new Dictionary<string, int>();
            foreach (var task in input.History.Tasks)
                if (task.Before(end) is { Deleted: false } state && range.Matches(state))
                    counts[state.Category] = counts.GetValueOrDefault(state.Category) + 1;
            days.Add(new Day(date, counts.GetValueOrDefault(Categories.Backlog), counts.GetValueOrDefault(Categories.Todo),
                counts.GetValueOrDefault(Categories.InProgress), counts.GetValueOrDefault(Categories.Done), counts.GetValueOrDefault(Categories.Cancelled)));
        }
        return new Response(projectId, range.Zone.Id, range.From, range.To, days);
    }

    internal static ReportTable Table(Response r) => new("Cumulative flow", ["date", "backlog", "todo", "in_progress", "done", "cancelled"],
        [.. r.Days.Select(d => new object?[] { d.Date, d.Backlog, d.Todo, d.InProgress, d.Done, d.Cancelled })]);
}
