using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Features;

/// <summary><c>GET …/reports/cycle-time</c>: how long completed tasks took.</summary>
internal static class CycleTime
{
    /// <summary>
    /// One completed task: <paramref name="CycleDays"/> from its first move into in progress to completion (null if it
    /// never was in progress), <paramref name="LeadDays"/> from creation to completion; elapsed days, 2 decimals.
    /// </summary>
    public sealed record Item(Guid TaskId, string Key, string Title, DateTime CompletedAt, double? CycleDays, double LeadDays);

    /// <summary>Median and 85th percentile (nearest rank) in days; <paramref name="Distribution"/>: how many took 0–1, 1–2, … whole days.</summary>
    public sealed record Measure(int Count, double? Median, double? P85, IReadOnlyList<Bucket> Distribution);

    /// <summary><paramref name="Count"/> tasks took at least <paramref name="Days"/> and less than Days + 1 days.</summary>
    public sealed record Bucket(int Days, int Count);

    public sealed record Response(Guid ProjectId, string TimeZone, DateOnly From, DateOnly To, Measure CycleTime, Measure LeadTime, IReadOnlyList<Item> Tasks);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder reports) =>
        reports.MapGet("/cycle-time", Handle).WithName("ReportCycleTime").WithSummary("Cycle time and lead time")
            .WithDescription("Tasks completed from `from` to `to` (days in tz; completion is the last move into a done status of a task still done and not deleted). Cycle time: first move into an in-progress status → completion (tasks never in progress have none); lead time: creation → completion. Median, 85th percentile (nearest rank) and the distribution by whole days; the tasks themselves for a scatter plot.")
            .Produces<Response>();

    static async Task<IResult> Handle([AsParameters] ReportQuery query, ReportingDb db, HistoryCache histories, ReportCaller caller, ReportClock clock, CancellationToken ct)
    {
        var (input, problem) = await ReportInput.Load(db, histories, caller, clock, query, ct);
        return problem ?? TypedResults.Ok(Compute(caller.Project.Id, input!));
    }

    internal static Response Compute(Guid projectId, ReportInput input)
    {
        var range = input.Range;
        var items = new List<Item>();
        foreach (var task in input.History.Tasks)
        {
            if (task.CompletedAt is not { } at || task.CompletedState is not { } state || !range.Matches(state)) continue;
            var day = range.DayOf(at);
            if (day < range.From || day > range.To) continue;
            double? cycle = task.StartedAt is { } started && started <= at ? Stats.Days(at - started) : null;
            items.Add(new Item(task.TaskId, state.Key, state.Title, at, cycle, Stats.Days(at - task.CreatedAt)));
        }
        items.Sort((a, b) => a.CompletedAt.CompareTo(b.CompletedAt));
        return new Response(projectId, range.Zone.Id, range.From, range.To,
            Of([.. items.Where(i => i.CycleDays is not null).Select(i => i.CycleDays!.Value)]),
            Of([.. items.Select(i => i.LeadDays)]), items);
    }

    static Measure Of(List<double> values)
    {
        values.Sort();
        var buckets = values.GroupBy(v => (int)Math.Floor(v)).OrderBy(g => g.Key).Select(g => new Bucket(g.Key, g.Count())).ToList();
        return new Measure(values.Count, Stats.Median(values), Stats.Percentile(values, 85), buckets);
    }

    internal static ReportTable Table(Response r) => new("Cycle time", ["key", "title", "completed_at", "cycle_days", "lead_days"],
        [.. r.Tasks.Select(t => new object?[] { t.Key, t.Title, t.CompletedAt, t.CycleDays, t.LeadDays })]);
}
