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
        var n = days.Count;
        // instants[0]: the start of the first day (the scope before it); instants[d + 1]: the end of day d.
        var instants = new DateTime[n + 1];
        instants[0] = range.StartOf(range.From);
        for (var d = 0; d < n; d++) instants[d + 1] = range.EndOf(days[d]);
        var (scope, completed, added, removed) = (new int[n], new int[n], new int[n], new int[n]);
        var (scopePoints, completedPoints) = (new double[n], new double[n]);
        var (addedPoints, removedPoints, raisedPoints, loweredPoints) = (new double[n], new double[n], new double[n], new double[n]);

        // One pass per task over its states and the day ends together (both in time order), not a pass over every
        // task per day: a 10,000-task project's cycle costs one walk of its history.
        foreach (var task in input.History.Tasks)
        {
            var states = task.States;
            var next = 0; // states[next] is the first state not yet in force
            double? previous = null;
            for (var i = 0; i <= n; i++)
            {
                while (next < states.Count && states[next].From < instants[i]) next++;
                var state = next == 0 ? null : states[next - 1];
                double? points = state is { Deleted: false } && state.Category != Categories.Cancelled && range.Matches(state) ? state.Points ?? 0 : null;
                if (i > 0)
                {
                    var d = i - 1;
                    if (points is { } now)
                    {
                        (scope[d], scopePoints[d]) = (scope[d] + 1, scopePoints[d] + now);
                        if (state!.Category == Categories.Done) (completed[d], completedPoints[d]) = (completed[d] + 1, completedPoints[d] + now);
                        if (previous is not { } before) (added[d], addedPoints[d]) = (added[d] + 1, addedPoints[d] + now);
                        else if (now > before) raisedPoints[d] += now - before;
                        else if (now < before) loweredPoints[d] += before - now;
                    }
                    else if (previous is { } before) (removed[d], removedPoints[d]) = (removed[d] + 1, removedPoints[d] + before);
                }
                previous = points;
            }
        }

        var result = new List<Day>(n);
        var total = cycle.EndDate.DayNumber - cycle.StartDate.DayNumber;
        for (var d = 0; d < n; d++)
        {
            var elapsed = days[d].DayNumber - cycle.StartDate.DayNumber;
            var ideal = total <= 0 ? 0 : Math.Round(scope[0] * (1 - (double)elapsed / total), 2);
            result.Add(new Day(days[d], scope[d], completed[d], scope[d] - completed[d],
                scopePoints[d], completedPoints[d], scopePoints[d] - completedPoints[d], ideal,
                added[d], removed[d], addedPoints[d] + raisedPoints[d], removedPoints[d] + loweredPoints[d]));
        }
        return new Response(projectId, cycle.Id, cycle.Name, cycle.StartDate, cycle.EndDate, range.Zone.Id, result);
    }

    internal static ReportTable Table(Response r) => new("Burndown",
        ["date", "scope", "completed", "remaining", "scope_points", "completed_points", "remaining_points", "ideal_remaining", "added", "removed", "points_added", "points_removed"],
        [.. r.Days.Select(d => new object?[] { d.Date, d.Scope, d.Completed, d.Remaining, d.ScopePoints, d.CompletedPoints, d.RemainingPoints, d.IdealRemaining, d.Added, d.Removed, d.PointsAdded, d.PointsRemoved })]);
}
