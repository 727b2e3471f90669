using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Features;

/// <summary><c>GET …/reports/workload</c>: open work per assignee and work in progress per status.</summary>
internal static class Workload
{
    /// <summary>An assignee's open tasks (not done or cancelled) and their points; <paramref name="AssigneeId"/> null: unassigned.</summary>
    public sealed record Assignee(Guid? AssigneeId, int Open, double OpenPoints, int InProgress, int Overdue);

    /// <summary>Tasks now in one in-progress status.</summary>
    public sealed record WipStatus(Guid StatusId, string Name, int Count);

    public sealed record Response(Guid ProjectId, DateOnly Today, string TimeZone, IReadOnlyList<Assignee> Assignees, int Wip, IReadOnlyList<WipStatus> WipByStatus);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder reports) =>
        reports.MapGet("/workload", Handle).WithName("ReportWorkload").WithSummary("Workload per assignee and work in progress")
            .WithDescription("Open tasks (not done or cancelled) now, per assignee (a task with two assignees counts for both; unassigned ones under assigneeId null): count, points, in progress, overdue (due before today in tz); and work in progress per in-progress status. Filters cycleId, assigneeId, labelId apply to the current state.")
            .Produces<Response>();

    static async Task<IResult> Handle([AsParameters] ReportQuery query, ReportingDb db, HistoryCache histories, ReportCaller caller, ReportClock clock, CancellationToken ct)
    {
        var (input, problem) = await ReportInput.Load(db, histories, caller, clock, query, ct);
        return problem ?? TypedResults.Ok(Compute(caller.Project.Id, input!));
    }

    internal static Response Compute(Guid projectId, ReportInput input)
    {
        var range = input.Range;
        var open = input.History.Tasks.Select(t => t.Current)
            .Where(s => !s.Deleted && Categories.IsOpen(s.Category) && range.Matches(s)).ToList();
        var rows = open
            .SelectMany(s => s.Assignees.Length == 0 ? [((Guid?)null, s)] : s.Assignees.Select(a => ((Guid?)a, s)))
            .GroupBy(x => x.Item1)
            .Select(g => new Assignee(g.Key, g.Count(), g.Sum(x => x.s.Points ?? 0), g.Count(x => x.s.Category == Categories.InProgress),
                g.Count(x => x.s.DueDate < range.Today)))
            .OrderByDescending(a => a.Open).ThenBy(a => a.AssigneeId)
            .ToList();
        var statuses = input.History.Statuses.ToDictionary(s => s.Id);
        var wip = open.Where(s => s.Category == Categories.InProgress).GroupBy(s => s.StatusId ?? Guid.Empty)
            .Select(g => new WipStatus(g.Key, statuses.TryGetValue(g.Key, out var st) ? st.Name : "", g.Count()))
            .OrderBy(w => statuses.TryGetValue(w.StatusId, out var st) ? st.Position : int.MaxValue).ToList();
        return new Response(projectId, range.Today, range.Zone.Id, rows, wip.Sum(w => w.Count), wip);
    }

    internal static ReportTable Table(Response r) => new("Workload", ["assignee_id", "open", "open_points", "in_progress", "overdue"],
        [.. r.Assignees.Select(a => new object?[] { a.AssigneeId?.ToString() ?? "unassigned", a.Open, a.OpenPoints, a.InProgress, a.Overdue })]);
}
