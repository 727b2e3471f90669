using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Features;

/// <summary><c>GET …/reports/cycles/{cycleId}/burndown</c>: a cycle's scope, completed and remaining work per day.</summary>
internal static class Burndown
{
    /// <summary>
    /// The end of <paramref name="Date"/>: scope (live tasks in the cycle, cancelled ones excluded), completed (done) and
    /// remaining (scope − completed), by count and by points; <paramref name="IdealRemaining"/> the straight line from the
    /// first day's scope to 0 on the last day (by count); <paramref name="Added"/>/<paramref name="Removed"/>: tasks that
    /// entered or left the scope that day (scope changes), <paramref name="PointsAdded"/>/<paramref name="PointsRemoved"/> their points
    /// (a re-estimate counts as both).
    /// </summary>
    public sealed record Day(
        DateOnly Date, int Scope, int Completed, int Remaining, double ScopePoints, double CompletedPoints, double RemainingPoints,
        double IdealRemaining, int Added, int Removed, double PointsAdded, double PointsRemoved);

    public sealed record Response(Guid ProjectId, Guid CycleId, string Name, DateOnly StartDate, DateOnly EndDate, string TimeZone, IReadOnlyList<Day> Days);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder reports) =>
        reports.MapGet("/cycles/{cycleId:guid}/burndown", Handle).WithName("ReportBurndown").WithSummary("Burndown and burnup of a cycle")
            .WithDescription("For each day of the cycle up to today (days in tz): the cycle's scope, completed and remaining work by count and points, the ideal line, and the scope changes of that day. Filters assigneeId and labelId apply to each task's state that day; from/to are ignored (the cycle's dates are the range).")
            .Produces<Response>();

    static async Task<IResult> Handle(Guid cycleId, [AsParameters] ReportQuery query, ReportingDb db, HistoryCache histories, ReportCaller caller, ReportClock clock, CancellationToken ct)
    {
        var history = await histories.Get(db, caller.Project, ct);
        if (history.Cycles.FirstOrDefault(c => c.Id == cycleId && c.DeletedAt is null) is not { } cycle) return Problems.CycleNotFound();
        var (range, errors) = (query with { From = cycle.StartDate, To = cycle.EndDate, CycleId = cycleId }).Resolve(clock.UtcNow, caller.WeekStart);
        return range is null ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(Compute(caller.Project.Id, cycle, new ReportInput(history, range)));
    }

    internal static Response Compute(Guid projectId, CycleCopy cycle, ReportInput input)
    {
        var range = input.Range;
        var days = range.Days().ToList();
        var result = new List<Day>();
        Dictionary<Guid, double> previous = Scope(input, range.StartOf(range.From));
        int? firstScope = null;
        var total = cycle.EndDate.DayNumber - cycle.StartDate.DayNumber;
        foreach (var date in days)
        {
            var end = range.EndOf(date);
            var scope = Scope(input, end);
            var done = input.History.Tasks.Where(t => scope.ContainsKey(t.TaskId) && t.Before(end)!.Category == Categories.Done).ToList();
            var completedPoints = done.Sum(t => t.Before(end)!.Points ?? 0);
            var added = scope.Keys.Where(id => !previous.ContainsKey(id)).ToList();
            var removed = previous.Keys.Where(id => !scope.ContainsKey(id)).ToList();
            var reestimated = scope.Keys.Where(id => previous.TryGetValue(id, out var before) && before != scope[id]).ToList();
            firstScope ??= scope.Count;
            var elapsed = date.DayNumber - cycle.StartDate.DayNumber;
            var ideal = total <= 0 ? 0 : Math.Round(firstScope.Value * (1 - (double)elapsed / total), 2);
            result.Add(new Day(date, scope.Count, done.Count, scope.Count - done.Count,
                scope.Values.Sum(), completedPoints, scope.Values.Sum() - completedPoints, ideal,
                added.Count, removed.Count,
                added.Sum(id => scope[id]) + reestimated.Sum(id => Math.Max(0, scope[id] - previous[id])),
                removed.Sum(id => previous[id]) + reestimated.Sum(id => Math.Max(0, previous[id] - scope[id]))));
            previous = scope;
        }
        return new Response(projectId, cycle.Id, cycle.Name, cycle.StartDate, cycle.EndDate, range.Zone.Id, result);
    }

    /// <summary>The tasks in scope just before <paramref name="instant"/>, with their points.</summary>
    static Dictionary<Guid, double> Scope(ReportInput input, DateTime instant)
    {
        var scope = new Dictionary<Guid, double>();
        foreach (var task in input.History.Tasks)
            if (task.Before(instant) is { Deleted: false } state && state.Category != Categories.Cancelled && input.Range.Matches(state))
                scope[task.TaskId] = state.Points ?? 0;
        return scope;
    }

    internal static ReportTable Table(Response r) => new("Burndown",
        ["date", "scope", "completed", "remaining", "scope_points", "completed_points", "remaining_points", "ideal_remaining", "added", "removed", "points_added", "points_removed"],
        [.. r.Days.Select(d => new object?[] { d.Date, d.Scope, d.Completed, d.Remaining, d.ScopePoints, d.CompletedPoints, d.RemainingPoints, d.IdealRemaining, d.Added, d.Removed, d.PointsAdded, d.PointsRemoved })]);
}
