using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Features;

/// <summary>
/// <c>GET /v1/workspaces/{workspaceId}/reports/overview</c>: every project the caller can see, with its progress and
/// health, and the members' open work across those projects, with their display names (docs/adr/0035).
/// </summary>
internal static class Overview
{
    public const string OnTrack = "on_track";
    public const string AtRisk = "at_risk";
    public const string OffTrack = "off_track";
    public const string NoTarget = "no_target";

    /// <summary>Days of completions the health forecast looks back over (today included).</summary>
    public const int ThroughputWindowDays = 28;

    /// <summary>A forecast that reaches at least this share of the open work by the target date is "at risk", below it "off track".</summary>
    public const double AtRiskShare = 0.75;

    public sealed record OverviewQuery
    {
        [FromQuery(Name = "tz"), Description("IANA time zone whose days the overview uses (today, overdue, the target date), e.g. Europe/Berlin. Default UTC.")]
        public string? Tz { get; init; }
    }

    /// <summary>Estimate points of live tasks that are not cancelled: all, done, open.</summary>
    public sealed record Points(double Total, double Done, double Open);

    /// <summary>
    /// One project now. <paramref name="Total"/>: live tasks (not deleted); <paramref name="PercentDone"/>: done of the
    /// tasks not cancelled (0 without tasks). <paramref name="Health"/>: on_track, at_risk, off_track or no_target (see
    /// the endpoint's description); <paramref name="Forecast"/>: tasks the recent throughput completes by the target date.
    /// </summary>
    public sealed record ProjectProgress(
        Guid ProjectId, string Key, string Name, DateOnly? TargetDate, int Total, int Done, int Open, int Cancelled, int Overdue,
        int PercentDone, Points Points, int CompletedLast28Days, int? DaysLeft, double? Forecast, string Health);

    /// <summary>
    /// A person's open tasks (not done or cancelled) in the listed projects and their points. <paramref name="UserId"/>
    /// null: unassigned tasks. <paramref name="DisplayName"/>: null when unknown or the account was deleted.
    /// <paramref name="Member"/>: an active member of the workspace (members without open work are listed with zeros).
    /// </summary>
    public sealed record MemberWorkload(Guid? UserId, string? DisplayName, bool Member, int Open, double OpenPoints, int InProgress, int Overdue);

    public sealed record Response(Guid WorkspaceId, DateOnly Today, string TimeZone, IReadOnlyList<ProjectProgress> Projects, IReadOnlyList<MemberWorkload> Workload);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder reports) =>
        reports.MapGet("/overview", Handle).WithName("ReportWorkspaceOverview").WithSummary("Workspace overview: progress, health and workload")
            .WithDescription("Every project of the workspace the caller can see (private ones only for their members and workspace owners/admins), with progress (done of the tasks not cancelled, points) and health; and per person the open tasks and points across those projects, with display names. Health: no open work → on_track; no target date → no_target; target date before today → off_track; otherwise the forecast (tasks completed in the last 28 days, today included, per day × days from today to the target date inclusive) → on_track when it covers the open tasks, at_risk when it covers at least 75 % of them, else off_track.")
            .Produces<Response>();

    static async Task<IResult> Handle(Guid workspaceId, [AsParameters] OverviewQuery query, ReportingDb db, HistoryCache cache, ReportCaller caller, ReportClock clock, CancellationToken ct)
    {
        var (range, errors) = new ReportQuery { Tz = query.Tz }.Resolve(clock.UtcNow, caller.WeekStart);
        if (range is null) return TypedResults.ValidationProblem(errors);

        var projects = await db.Projects.AsNoTracking().Where(p => p.WorkspaceId == workspaceId && !p.Deleted).OrderBy(p => p.Name).ToListAsync(ct);
        if (!caller.IsWorkspaceAdmin)
        {
            var mine = await db.ProjectMembers.AsNoTracking().Where(m => m.UserId == caller.UserId && m.Active).Select(m => m.ProjectId).ToListAsync(ct);
            projects = [.. projects.Where(p => !p.Private || mine.Contains(p.Id))];
        }
        var histories = new List<(KnownProject Project, ProjectHistory History)>();
        foreach (var project in projects) histories.Add((project, await cache.Get(db, project, ct)));

        var members = await db.WorkspaceMembers.AsNoTracking().Where(m => m.WorkspaceId == workspaceId && m.Active).Select(m => m.UserId).ToListAsync(ct);
        var names = await db.Users.AsNoTracking().Where(u => !u.Deleted && u.DisplayName != "").ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return TypedResults.Ok(Compute(workspaceId, range, histories, members, names));
    }

    internal static Response Compute(
        Guid workspaceId, ReportRange range, IReadOnlyList<(KnownProject Project, ProjectHistory History)> projects,
        IReadOnlyCollection<Guid> members, IReadOnlyDictionary<Guid, string> names)
    {
        var rows = projects.Select(p => Progress(p.Project, p.History, range)).OrderBy(p => p.Name, StringComparer.CurrentCultureIgnoreCase).ToList();

        var open = projects.SelectMany(p => p.History.Tasks).Select(t => t.Current).Where(s => !s.Deleted && Categories.IsOpen(s.Category)).ToList();
        var load = new Dictionary<Guid, (int Open, double Points, int InProgress, int Overdue)>();
        var unassigned = (Open: 0, Points: 0.0, InProgress: 0, Overdue: 0);
        static (int, double, int, int) Add((int Open, double Points, int InProgress, int Overdue) a, TaskState s, DateOnly today) =>
            (a.Open + 1, a.Points + (s.Points ?? 0), a.InProgress + (s.Category == Categories.InProgress ? 1 : 0), a.Overdue + (s.DueDate < today ? 1 : 0));
        foreach (var state in open)
        {
            if (state.Assignees.Length == 0) unassigned = Add(unassigned, state, range.Today);
            foreach (var a in state.Assignees) load[a] = Add(load.GetValueOrDefault(a), state, range.Today);
        }
        foreach (var m in members) load.TryAdd(m, default);
        var workload = load
            .Select(x => new MemberWorkload(x.Key, names.GetValueOrDefault(x.Key), members.Contains(x.Key), x.Value.Open, x.Value.Points, x.Value.InProgress, x.Value.Overdue))
            .OrderByDescending(w => w.Open).ThenByDescending(w => w.OpenPoints).ThenBy(w => w.DisplayName ?? "\uffff", StringComparer.CurrentCultureIgnoreCase).ThenBy(w => w.UserId)
            .ToList();
        if (unassigned.Open > 0)
            workload.Add(new MemberWorkload(null, null, false, unassigned.Open, unassigned.Points, unassigned.InProgress, unassigned.Overdue));
        return new Response(workspaceId, range.Today, range.Zone.Id, rows, workload);
    }

    static ProjectProgress Progress(KnownProject project, ProjectHistory history, ReportRange range)
    {
        var live = history.Tasks.Where(t => !t.Current.Deleted).ToList();
        var done = live.Count(t => t.Current.Category == Categories.Done);
        var cancelled = live.Count(t => t.Current.Category == Categories.Cancelled);
        var open = live.Where(t => Categories.IsOpen(t.Current.Category)).ToList();
        var planned = live.Count - cancelled;
        var since = range.StartOf(range.Today.AddDays(-(ThroughputWindowDays - 1)));
        var recent = live.Count(t => t.CompletedAt >= since);
        var points = new Points(
            live.Where(t => t.Current.Category != Categories.Cancelled).Sum(t => t.Current.Points ?? 0),
            live.Where(t => t.Current.Category == Categories.Done).Sum(t => t.Current.Points ?? 0),
            open.Sum(t => t.Current.Points ?? 0));
        var (health, daysLeft, forecast) = Health(project.TargetDate, range.Today, open.Count, recent);
        return new ProjectProgress(
            project.Id, project.Key, project.Name, project.TargetDate, live.Count, done, open.Count, cancelled,
            open.Count(t => t.Current.DueDate < range.Today), planned == 0 ? 0 : (int)Math.Round(100.0 * done / planned, MidpointRounding.AwayFromZero),
            points, recent, daysLeft, forecast, health);
    }

    /// <summary>The health rule (documented in docs/adr/0035 and on the endpoint).</summary>
    internal static (string Health, int? DaysLeft, double? Forecast) Health(DateOnly? target, DateOnly today, int open, int completedInWindow)
    {
        if (target is not { } t) return (open == 0 ? OnTrack : NoTarget, null, null);
        var daysLeft = t.DayNumber - today.DayNumber + 1;
        if (open == 0) return (OnTrack, Math.Max(daysLeft, 0), null);
        if (daysLeft <= 0) return (OffTrack, 0, 0);
        var forecast = Math.Round((double)completedInWindow / ThroughputWindowDays * daysLeft, 2);
        var health = forecast >= open ? OnTrack : forecast >= AtRiskShare * open ? AtRisk : OffTrack;
        return (health, daysLeft, forecast);
    }
}
