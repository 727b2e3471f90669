using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Projects.Contracts;
using TaskFlow.Tasks.Contracts;

namespace TaskFlow.Reporting.Tests;

/// <summary>
/// Every report against hand-computed figures of <see cref="FixedHistory"/> (a task moved back from done, a deleted
/// task, tasks across the start of summer time in Europe/Berlin, an event from before the report facts), idempotent
/// replay, order independence and rebuild.
/// </summary>
public abstract class FixedHistoryTests(ReportingApp app) : ReportingTestBase(app)
{
    const string Berlin = "tz=Europe/Berlin&from=2026-03-23&to=2026-04-02";

    async Task<(FixedHistory History, HttpClient Owner)> Seeded()
    {
        App.Clock.Now = FixedHistory.Now;
        var h = new FixedHistory();
        await Deliver(h.Setup());
        await Deliver(h.Events());
        return (h, Client(h.Owner));
    }

    static int Int(JsonElement e, string name) => e.GetProperty(name).GetInt32();

    static double Dbl(JsonElement e, string name) => e.GetProperty(name).GetDouble();

    static JsonElement Day(JsonElement days, string date) =>
        days.EnumerateArray().Single(d => d.GetProperty("date").GetString() == date);

    [Fact]
    public async Task The_summary_counts_live_tasks_by_category_with_overdue_points_and_filters()
    {
        var (h, owner) = await Seeded();
        var s = await Get(owner, $"/v1/projects/{h.ProjectId}/reports/summary?tz=Europe/Berlin");
        Assert.Equal(5, Int(s, "total")); // C was deleted
        var by = s.GetProperty("byCategory");
        Assert.Equal((0, 1, 0, 3, 1), (Int(by, "backlog"), Int(by, "todo"), Int(by, "in_progress"), Int(by, "done"), Int(by, "cancelled")));
        Assert.Equal(1, Int(s, "overdue")); // E, due 03-31
        Assert.Equal(0, Int(s, "wip"));
        Assert.Equal("2026-04-02", s.GetProperty("today").GetString());
        var points = s.GetProperty("points");
        Assert.Equal((17.0, 9.0, 8.0), (Dbl(points, "total"), Dbl(points, "done"), Dbl(points, "open"))); // cancelled F excluded
        // Last 7 days = from Friday 27 March 00:00 Berlin: B (30th) and D (30th); A (26th) is older.
        Assert.Equal(2, Int(s, "completedLast7Days"));

        var ada = await Get(owner, $"/v1/projects/{h.ProjectId}/reports/summary?tz=Europe/Berlin&assigneeId={h.Ada}");
        Assert.Equal(2, Int(ada, "total")); // A done, E todo
        var bug = await Get(owner, $"/v1/projects/{h.ProjectId}/reports/summary?labelId={h.LabelId}");
        Assert.Equal((1, 1), (Int(bug, "total"), Int(bug.GetProperty("byCategory"), "cancelled")));
    }

    [Fact]
    public async Task Cumulative_flow_counts_each_day_in_the_callers_time_zone()
    {
        var (h, owner) = await Seeded();
        var days = (await Get(owner, $"/v1/projects/{h.ProjectId}/reports/cumulative-flow?{Berlin}")).GetProperty("days");
        Assert.Equal(11, days.GetArrayLength());
        (int, int, int, int, int) Counts(string date)
        {
            var d = Day(days, date);
            return (Int(d, "backlog"), Int(d, "todo"), Int(d, "in_progress"), Int(d, "done"), Int(d, "cancelled"));
        }
        Assert.Equal((0, 3, 0, 0, 0), Counts("2026-03-23"));
        Assert.Equal((1, 1, 2, 0, 0), Counts("2026-03-24"));
        Assert.Equal((1, 0, 1, 1, 0), Counts("2026-03-25")); // C deleted, B done
        Assert.Equal((1, 0, 0, 2, 0), Counts("2026-03-26"));
        Assert.Equal((1, 0, 1, 1, 0), Counts("2026-03-27")); // B moved back from done
        Assert.Equal((1, 0, 2, 1, 0), Counts("2026-03-28")); // D created 23:30 Berlin; E not yet (00:30 on the 29th)
        Assert.Equal((1, 1, 2, 1, 0), Counts("2026-03-29")); // the 23-hour day: D done only at 00:30 on the 30th
        Assert.Equal((1, 1, 0, 3, 0), Counts("2026-03-30"));
        Assert.Equal((0, 1, 0, 3, 1), Counts("2026-03-31"));
        Assert.Equal((0, 1, 0, 3, 1), Counts("2026-04-02"));

        // The same history in UTC days: E is created on the 28th and D done on the 29th.
        var utc = (await Get(owner, $"/v1/projects/{h.ProjectId}/reports/cumulative-flow?tz=UTC&from=2026-03-28&to=2026-03-29")).GetProperty("days");
        Assert.Equal((2, 1), (Int(Day(utc, "2026-03-28"), "in_progress"), Int(Day(utc, "2026-03-28"), "todo")));
        Assert.Equal((1, 2), (Int(Day(utc, "2026-03-29"), "in_progress"), Int(Day(utc, "2026-03-29"), "done")));
    }

    [Fact]
    public async Task Throughput_counts_a_task_once_on_its_last_completion_in_weeks_of_the_workspace()
    {
        var (h, owner) = await Seeded();
        var weeks = (await Get(owner, $"/v1/projects/{h.ProjectId}/reports/throughput?{Berlin}")).GetProperty("weeks").EnumerateArray().ToList();
        Assert.Equal(["2026-03-23", "2026-03-30"], weeks.Select(w => w.GetProperty("weekStart").GetString()));
        Assert.Equal((1, 3.0), (Int(weeks[0], "completed"), Dbl(weeks[0], "points"))); // A; B's first completion no longer counts
        Assert.Equal((2, 6.0), (Int(weeks[1], "completed"), Dbl(weeks[1], "points"))); // B and D (00:30 Monday in Berlin)

        var utc = (await Get(owner, $"/v1/projects/{h.ProjectId}/reports/throughput?tz=UTC&from=2026-03-23&to=2026-04-02")).GetProperty("weeks").EnumerateArray().ToList();
        Assert.Equal((2, 1), (Int(utc[0], "completed"), Int(utc[1], "completed"))); // D on Sunday in UTC

        // Weeks starting on Sunday (workspace setting): 22 March, 29 March (B, D) … in Berlin.
        var put = await owner.PutAsJsonAsync($"/v1/workspaces/{h.WorkspaceId}/reports/settings", new { weekStart = "sunday" }, Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var sunday = (await Get(owner, $"/v1/projects/{h.ProjectId}/reports/throughput?{Berlin}")).GetProperty("weeks").EnumerateArray().ToList();
        Assert.Equal(["2026-03-22", "2026-03-29"], sunday.Select(w => w.GetProperty("weekStart").GetString()));
        Assert.Equal((1, 2), (Int(sunday[0], "completed"), Int(sunday[1], "completed")));
    }

    [Fact]
    public async Task Cycle_and_lead_time_give_median_85th_percentile_and_distribution()
    {
        var (h, owner) = await Seeded();
        var r = await Get(owner, $"/v1/projects/{h.ProjectId}/reports/cycle-time?{Berlin}");
        var cycle = r.GetProperty("cycleTime");
        // A 2 days, B 6 days (from its first start, 03-24 09:00, to its last completion), D 1 day (24 h across the clock change).
        Assert.Equal((3, 2.0, 6.0), (Int(cycle, "count"), Dbl(cycle, "median"), Dbl(cycle, "p85")));
        Assert.Equal([(1, 1), (2, 1), (6, 1)], cycle.GetProperty("distribution").EnumerateArray().Select(b => (Int(b, "days"), Int(b, "count"))));
        var lead = r.GetProperty("leadTime");
        Assert.Equal((3, 3.0, 7.0), (Int(lead, "count"), Dbl(lead, "median"), Dbl(lead, "p85")));
        var tasks = r.GetProperty("tasks").EnumerateArray().ToDictionary(t => t.GetProperty("key").GetString()!);
        Assert.Equal(["WEB-1", "WEB-2", "WEB-4"], tasks.Keys.Order());
        Assert.Equal((6.0, 7.0), (Dbl(tasks["WEB-2"], "cycleDays"), Dbl(tasks["WEB-2"], "leadDays")));
        Assert.Equal((1.0, 1.0), (Dbl(tasks["WEB-4"], "cycleDays"), Dbl(tasks["WEB-4"], "leadDays")));
    }

    [Fact]
    public async Task The_burndown_shows_scope_changes_completion_and_reopening_per_day()
    {
        var (h, owner) = await Seeded();
        var r = await Get(owner, $"/v1/projects/{h.ProjectId}/reports/cycles/{h.CycleId}/burndown?tz=Europe/Berlin");
        var days = r.GetProperty("days");
        Assert.Equal(11, days.GetArrayLength()); // 23 March … today (2 April); the cycle ends 3 April
        (int Scope, int Completed, int Remaining, double ScopePoints, double RemainingPoints, int Added, int Removed) Row(string date)
        {
            var d = Day(days, date);
            return (Int(d, "scope"), Int(d, "completed"), Int(d, "remaining"), Dbl(d, "scopePoints"), Dbl(d, "remainingPoints"), Int(d, "added"), Int(d, "removed"));
        }
        Assert.Equal((3, 0, 3, 10.0, 10.0, 3, 0), Row("2026-03-23"));
        Assert.Equal((3, 0, 3, 10.0, 10.0, 0, 0), Row("2026-03-24"));
        Assert.Equal((2, 1, 1, 8.0, 3.0, 0, 1), Row("2026-03-25")); // C deleted; B done
        Assert.Equal((2, 2, 0, 8.0, 0.0, 0, 0), Row("2026-03-26"));
        Assert.Equal((3, 1, 2, 10.0, 7.0, 1, 0), Row("2026-03-27")); // F planned in (2 pts); B reopened
        Assert.Equal((4, 1, 3, 18.0, 15.0, 1, 0), Row("2026-03-29")); // E created at 00:30 Berlin
        Assert.Equal((4, 2, 2, 18.0, 10.0, 0, 0), Row("2026-03-30"));
        Assert.Equal((3, 2, 1, 16.0, 8.0, 0, 1), Row("2026-03-31")); // F cancelled
        Assert.Equal((3, 2, 1, 16.0, 8.0, 0, 0), Row("2026-04-02"));
        Assert.Equal(3.0, Dbl(Day(days, "2026-03-23"), "idealRemaining"));
        Assert.Equal(2.0, Dbl(Day(days, "2026-03-25"), "pointsRemoved"));

        var missing = await owner.GetAsync($"/v1/projects/{h.ProjectId}/reports/cycles/{Guid.NewGuid()}/burndown", Ct);
        await AssertProblem(missing, HttpStatusCode.NotFound, "cycle-not-found");
    }

    [Fact]
    public async Task Workload_overdue_and_created_vs_completed_match_the_history()
    {
        var (h, owner) = await Seeded();
        var workload = await Get(owner, $"/v1/projects/{h.ProjectId}/reports/workload?tz=Europe/Berlin");
        var only = Assert.Single(workload.GetProperty("assignees").EnumerateArray());
        Assert.Equal((h.Ada, 1, 8.0, 0, 1), (only.GetProperty("assigneeId").GetGuid(), Int(only, "open"), Dbl(only, "openPoints"), Int(only, "inProgress"), Int(only, "overdue")));
        Assert.Equal(0, Int(workload, "wip"));

        var overdue = Assert.Single((await Get(owner, $"/v1/projects/{h.ProjectId}/reports/overdue?tz=Europe/Berlin")).GetProperty("tasks").EnumerateArray());
        Assert.Equal(("WEB-5", "2026-03-31", 2), (overdue.GetProperty("key").GetString(), overdue.GetProperty("dueDate").GetString(), Int(overdue, "daysOverdue")));

        var cvc = await Get(owner, $"/v1/projects/{h.ProjectId}/reports/created-vs-completed?{Berlin}");
        Assert.Equal((5, 3), (Int(cvc, "created"), Int(cvc, "completed"))); // deleted C left out
        var days = cvc.GetProperty("days");
        Assert.Equal((2, 0), (Int(Day(days, "2026-03-23"), "created"), Int(Day(days, "2026-03-23"), "completed")));
        Assert.Equal(1, Int(Day(days, "2026-03-28"), "created")); // D
        Assert.Equal(1, Int(Day(days, "2026-03-29"), "created")); // E
        Assert.Equal(1, Int(Day(days, "2026-03-26"), "completed"));
        Assert.Equal(2, Int(Day(days, "2026-03-30"), "completed"));
        Assert.Equal(0, Int(Day(days, "2026-03-25"), "completed")); // B's first completion was undone
    }

    [Fact]
    public async Task Replaying_the_same_events_again_or_in_another_order_or_rebuilding_gives_the_same_figures()
    {
        var (h, owner) = await Seeded();
        var before = await AllReports(owner, h.ProjectId, h.CycleId, Berlin);

        // The same events (same ids) delivered again, in reverse order and once more: nothing changes.
        var second = new FixedHistory();
        await Deliver(second.Setup());
        var history = second.Events();
        await Deliver(history);
        var first = await AllReports(Client(second.Owner), second.ProjectId, second.CycleId, Berlin);
        await Deliver(Enumerable.Reverse(history));
        await Deliver(history);
        Assert.Equal(first, await AllReports(Client(second.Owner), second.ProjectId, second.CycleId, Berlin));
        Assert.Equal(history.Count, await EventCount(second.ProjectId));

        // Another project with the same history delivered in a shuffled order gives the same figures.
        var third = new FixedHistory();
        await Deliver(third.Setup());
        var shuffled = third.Events();
        new Random(7).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(shuffled));
        await Deliver(shuffled);
        Assert.Equal(Normalise(first, second), Normalise(await AllReports(Client(third.Owner), third.ProjectId, third.CycleId, Berlin), third));

        // Rebuilding from the log gives the live figures.
        var rebuilt = await owner.PostAsync($"/v1/projects/{h.ProjectId}/reports/rebuild", null, Ct);
        Assert.Equal(HttpStatusCode.OK, rebuilt.StatusCode);
        var result = await rebuilt.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal((1, 6), (Int(result, "projects"), Int(result, "tasks")));
        Assert.Equal(before, await AllReports(owner, h.ProjectId, h.CycleId, Berlin));
        var workspace = await owner.PostAsync($"/v1/workspaces/{h.WorkspaceId}/reports/rebuild", null, Ct);
        Assert.Equal(HttpStatusCode.OK, workspace.StatusCode);
        Assert.Equal(before, await AllReports(owner, h.ProjectId, h.CycleId, Berlin));
    }

    [Fact]
    public async Task A_report_shows_each_new_event_at_once_though_the_history_is_kept_in_memory()
    {
        var (h, owner) = await Seeded();
        var summary = $"/v1/projects/{h.ProjectId}/reports/summary";
        Assert.Equal(5, Int(await Get(owner, summary), "total"));
        Assert.Equal(5, Int(await Get(owner, summary), "total")); // served from the kept history

        var task = Guid.NewGuid();
        var at = FixedHistory.Now.AddMinutes(-5);
        await Deliver([new TaskCreated(task, h.ProjectId, h.WorkspaceId, "WEB-99", "Late", h.Owner.Id, h.Todo, "none", null, [], [],
            new TaskReportFacts("todo", 1, null, [], [], null)) { OccurredAt = at, EventId = Guid.CreateVersion7() }]);
        Assert.Equal(6, Int(await Get(owner, summary), "total"));
        await Deliver([new TaskDeleted(task, h.ProjectId, h.WorkspaceId, "WEB-99", h.Owner.Id) { OccurredAt = at.AddMinutes(1), EventId = Guid.CreateVersion7() }]);
        Assert.Equal(5, Int(await Get(owner, summary), "total"));
        // A project event changes the history too: the cycle deleted, its tasks leave the burndown's scope.
        await Deliver([new CycleDeleted(h.CycleId, h.ProjectId) { OccurredAt = at.AddMinutes(2), EventId = Guid.CreateVersion7() }]);
        await AssertProblem(await owner.GetAsync($"/v1/projects/{h.ProjectId}/reports/cycles/{h.CycleId}/burndown", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_rebuild_pages_through_more_events_than_a_page_with_a_tie_across_the_page_boundary()
    {
        var (h, owner) = await Seeded();
        // 1,050 tasks created at one instant (more than a rebuild page of 1,000), then 600 of them done a minute apart.
        var events = new List<IntegrationEvent>();
        var tasks = Enumerable.Range(1, 1050).Select(_ => Guid.NewGuid()).ToArray();
        var created = FixedHistory.At("2026-03-24T08:00");
        for (var i = 0; i < tasks.Length; i++)
            events.Add(new TaskCreated(tasks[i], h.ProjectId, h.WorkspaceId, $"BULK-{i}", "Bulk", h.Owner.Id, h.Todo, "none", null, [], [],
                new TaskReportFacts("todo", 1, h.CycleId, [], [], null)) { OccurredAt = created, EventId = Guid.CreateVersion7() });
        for (var i = 0; i < 600; i++)
            events.Add(new TaskMoved(tasks[i], h.ProjectId, h.Todo, h.Done, "m", h.Owner.Id, h.WorkspaceId, $"BULK-{i}", "Bulk", [],
                new TaskReportFacts("done", 1, h.CycleId, [], [], null)) { OccurredAt = created.AddMinutes(1 + i), EventId = Guid.CreateVersion7() });
        await Deliver(events);
        var live = await AllReports(owner, h.ProjectId, h.CycleId, Berlin);
        Assert.Equal(1055, Int(await Get(owner, $"/v1/projects/{h.ProjectId}/reports/summary"), "total"));

        var rebuilt = await owner.PostAsync($"/v1/projects/{h.ProjectId}/reports/rebuild", null, Ct);
        Assert.Equal(HttpStatusCode.OK, rebuilt.StatusCode);
        var result = await rebuilt.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal((await EventCount(h.ProjectId), 1056), (Int(result, "events"), Int(result, "tasks")));
        Assert.Equal(live, await AllReports(owner, h.ProjectId, h.CycleId, Berlin));
    }

    /// <summary>The reports' JSON with the history's own ids replaced by names, to compare two projects.</summary>
    static string Normalise(string json, FixedHistory h) => json
        .Replace(h.ProjectId.ToString(), "P").Replace(h.CycleId.ToString(), "K")
        .Replace(h.A.ToString(), "A").Replace(h.B.ToString(), "B").Replace(h.C.ToString(), "C").Replace(h.D.ToString(), "D")
        .Replace(h.E.ToString(), "E").Replace(h.F.ToString(), "F").Replace(h.Ada.ToString(), "Ada").Replace(h.Bo.ToString(), "Bo")
        .Replace(h.Backlog.ToString(), "Backlog").Replace(h.Todo.ToString(), "Todo").Replace(h.Doing.ToString(), "Doing")
        .Replace(h.Done.ToString(), "Done").Replace(h.Cancelled.ToString(), "Cancelled").Replace(h.LabelId.ToString(), "L");

    [Fact]
    public async Task A_removed_status_moves_its_tasks_and_a_deleted_cycle_leaves_its_tasks_at_that_time()
    {
        var (h, owner) = await Seeded();
        var review = Guid.NewGuid();
        var task = Guid.NewGuid();
        static T When<T>(T e, string utc) where T : BuildingBlocks.Messaging.IntegrationEvent => e with { OccurredAt = FixedHistory.At(utc), EventId = Guid.CreateVersion7() };
        await Deliver(
        [
            When(new Projects.Contracts.WorkflowChanged(h.ProjectId, [
                new(h.Backlog, "Backlog", "backlog", 0), new(h.Todo, "Todo", "todo", 1), new(h.Doing, "Doing", "in_progress", 2),
                new(review, "Review", "in_progress", 3), new(h.Done, "Done", "done", 4), new(h.Cancelled, "Cancelled", "cancelled", 5)]), "2026-04-01T07:00"),
            When(new Tasks.Contracts.TaskCreated(task, h.ProjectId, h.WorkspaceId, "WEB-7", "Review me", h.Owner.Id, review, "none", null, [], [],
                new Tasks.Contracts.TaskReportFacts("in_progress", 4, h.CycleId, [], [], null)), "2026-04-01T08:00"),
            When(new Projects.Contracts.WorkflowStatusRemoved(h.ProjectId, review, h.Done), "2026-04-01T12:00"),
            When(new Projects.Contracts.CycleDeleted(h.CycleId, h.ProjectId), "2026-04-02T09:00"),
        ]);
        var summary = await Get(owner, $"/v1/projects/{h.ProjectId}/reports/summary?tz=Europe/Berlin");
        Assert.Equal((0, 4), (Int(summary, "wip"), Int(summary.GetProperty("byCategory"), "done")));
        var days = (await Get(owner, $"/v1/projects/{h.ProjectId}/reports/cumulative-flow?tz=Europe/Berlin&from=2026-04-01&to=2026-04-01")).GetProperty("days");
        Assert.Equal((0, 4), (Int(Day(days, "2026-04-01"), "in_progress"), Int(Day(days, "2026-04-01"), "done")));
        // The cycle is gone: no task is in it any more.
        var inCycle = await Get(owner, $"/v1/projects/{h.ProjectId}/reports/summary?cycleId={h.CycleId}");
        Assert.Equal(0, Int(inCycle, "total"));
        var dayBefore = (await Get(owner, $"/v1/projects/{h.ProjectId}/reports/cumulative-flow?tz=Europe/Berlin&from=2026-04-01&to=2026-04-01&cycleId={h.CycleId}")).GetProperty("days");
        Assert.Equal(3, Int(Day(dayBefore, "2026-04-01"), "done")); // A, B, WEB-7 were in it that day
    }

    [Fact]
    public async Task Bad_filters_are_validation_problems_naming_the_field()
    {
        var (h, owner) = await Seeded();
        var tz = await owner.GetAsync($"/v1/projects/{h.ProjectId}/reports/summary?tz=Mars/Olympus", Ct);
        var problem = await AssertProblem(tz, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("tz", out _));
        var range = await owner.GetAsync($"/v1/projects/{h.ProjectId}/reports/throughput?from=2026-04-02&to=2026-03-01", Ct);
        Assert.True((await AssertProblem(range, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("from", out _));
    }
}

public sealed class SqliteFixedHistoryTests(SqliteReportingApp app) : FixedHistoryTests(app), IClassFixture<SqliteReportingApp>;

public sealed class PostgresFixedHistoryTests(PostgresReportingApp app) : FixedHistoryTests(app), IClassFixture<PostgresReportingApp>;
