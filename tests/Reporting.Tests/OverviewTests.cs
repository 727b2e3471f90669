using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Identity.Contracts;
using TaskFlow.Projects.Contracts;
using TaskFlow.Reporting.Features;
using TaskFlow.Tasks.Contracts;

namespace TaskFlow.Reporting.Tests;

/// <summary>
/// The workspace overview on <see cref="FixedHistory"/> plus two projects: progress, the health rule (docs/adr/0035),
/// private projects, and the workload with display names from the identity events, erased on <c>UserDeleted</c>.
/// </summary>
public abstract class OverviewTests(ReportingApp app) : ReportingTestBase(app)
{
    static T When<T>(T e, string utc) where T : IntegrationEvent => e with { OccurredAt = FixedHistory.At(utc), EventId = Guid.CreateVersion7() };

    sealed record Seed(FixedHistory H, Guid Ops, Guid Secret);

    async Task<Seed> Seeded()
    {
        App.Clock.Now = FixedHistory.Now;
        var h = new FixedHistory();
        var ops = Guid.NewGuid();
        var secret = Guid.NewGuid();
        var opsStatus = Guid.NewGuid();
        TaskCreated Task(Guid project, string key, Guid assignee, double points) =>
            new(Guid.NewGuid(), project, h.WorkspaceId, key, key + " title", h.Owner.Id, opsStatus, "none", null, [assignee], [],
                new TaskReportFacts("todo", points, null, [], [assignee], null));
        await Deliver([.. h.Setup(), .. h.Events()]);
        await Deliver([
            When(new UserRegistered(h.Ada, "ada@example.com", "Ada Lovelace"), "2026-03-01T00:00"),
            When(new UserRegistered(h.Bo, "bo@example.com", "Bo Diddley"), "2026-03-01T00:00"),
            When(new UserRegistered(h.Owner.Id, "olivia@example.com", "Olivia Owner"), "2026-03-01T00:00"),
            When(new UserProfileUpdated(h.Bo, "bo@example.com", "Bo D."), "2026-03-02T00:00"),
            // A rename and a target date: WEB has 1 open task, 3 completed in the last 28 days.
            When(new ProjectUpdated(h.ProjectId, h.WorkspaceId, ["name", "targetDate"], "workspace", "Website 2", new DateOnly(2026, 4, 10)), "2026-03-20T00:00"),
            // An older payload (no name, no target date) later on keeps both.
            When(new ProjectUpdated(h.ProjectId, h.WorkspaceId, ["leadId"], "workspace"), "2026-03-21T00:00"),
            When(new ProjectCreated(ops, h.WorkspaceId, "OPS", "Operations", "workspace", new DateOnly(2026, 3, 31)), "2026-03-01T00:00"),
            When(Task(ops, "OPS-1", h.Bo, 2), "2026-03-25T00:00"),
            When(new ProjectCreated(secret, h.WorkspaceId, "SEC", "Secret", "private"), "2026-03-01T00:00"),
            When(Task(secret, "SEC-1", h.Ada, 5), "2026-03-25T00:00"),
        ]);
        return new Seed(h, ops, secret);
    }

    static JsonElement ProjectNamed(JsonElement overview, string name) =>
        overview.GetProperty("projects").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);

    static JsonElement LoadOf(JsonElement overview, Guid userId) =>
        overview.GetProperty("workload").EnumerateArray().Single(w => w.GetProperty("userId").ValueKind == JsonValueKind.String && w.GetProperty("userId").GetGuid() == userId);

    [Fact]
    public async Task The_overview_shows_each_visible_projects_progress_and_health_and_the_members_workload_with_names()
    {
        var (h, ops, secret) = await Seeded();
        var o = await Get(Client(h.Member), $"/v1/workspaces/{h.WorkspaceId}/reports/overview?tz=Europe/Berlin");
        Assert.Equal("2026-04-02", o.GetProperty("today").GetString());
        Assert.Equal(["Operations", "Website 2"], o.GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("name").GetString()));

        var web = ProjectNamed(o, "Website 2");
        Assert.Equal("2026-04-10", web.GetProperty("targetDate").GetString());
        Assert.Equal((5, 3, 1, 1, 1, 75), (web.GetProperty("total").GetInt32(), web.GetProperty("done").GetInt32(), web.GetProperty("open").GetInt32(),
            web.GetProperty("cancelled").GetInt32(), web.GetProperty("overdue").GetInt32(), web.GetProperty("percentDone").GetInt32()));
        var points = web.GetProperty("points");
        Assert.Equal((17.0, 9.0, 8.0), (points.GetProperty("total").GetDouble(), points.GetProperty("done").GetDouble(), points.GetProperty("open").GetDouble()));
        // 3 completions in 28 days × 9 days left (04-02 … 04-10) = 0.96 of 1 open task: at least 75 %, not all.
        Assert.Equal(3, web.GetProperty("completedLast28Days").GetInt32());
        Assert.Equal(9, web.GetProperty("daysLeft").GetInt32());
        Assert.Equal(0.96, web.GetProperty("forecast").GetDouble());
        Assert.Equal("at_risk", web.GetProperty("health").GetString());

        var opsRow = ProjectNamed(o, "Operations");
        Assert.Equal(ops, opsRow.GetProperty("projectId").GetGuid());
        Assert.Equal((1, 0, 1, 0), (opsRow.GetProperty("total").GetInt32(), opsRow.GetProperty("done").GetInt32(), opsRow.GetProperty("open").GetInt32(), opsRow.GetProperty("percentDone").GetInt32()));
        Assert.Equal("off_track", opsRow.GetProperty("health").GetString()); // target date 03-31 passed with work open

        // The member does not see the private project, nor its work in the workload.
        var ada = LoadOf(o, h.Ada);
        Assert.Equal(("Ada Lovelace", 1, 8.0, 1), (ada.GetProperty("displayName").GetString(), ada.GetProperty("open").GetInt32(), ada.GetProperty("openPoints").GetDouble(), ada.GetProperty("overdue").GetInt32()));
        var bo = LoadOf(o, h.Bo);
        Assert.Equal(("Bo D.", 1, 2.0), (bo.GetProperty("displayName").GetString(), bo.GetProperty("open").GetInt32(), bo.GetProperty("openPoints").GetDouble()));
        var owner = LoadOf(o, h.Owner.Id);
        Assert.Equal(("Olivia Owner", 0, true), (owner.GetProperty("displayName").GetString(), owner.GetProperty("open").GetInt32(), owner.GetProperty("member").GetBoolean()));
        Assert.False(ada.GetProperty("member").GetBoolean()); // assigned in events, never added to the workspace copy
        Assert.Equal(JsonValueKind.Null, LoadOf(o, h.Member.Id).GetProperty("displayName").ValueKind); // no identity event for Mo

        // The owner sees the private project (no target date) and Ada's work in it.
        var asOwner = await Get(Client(h.Owner), $"/v1/workspaces/{h.WorkspaceId}/reports/overview?tz=Europe/Berlin");
        var sec = ProjectNamed(asOwner, "Secret");
        Assert.Equal((secret, "no_target"), (sec.GetProperty("projectId").GetGuid(), sec.GetProperty("health").GetString()));
        Assert.Equal((2, 13.0), (LoadOf(asOwner, h.Ada).GetProperty("open").GetInt32(), LoadOf(asOwner, h.Ada).GetProperty("openPoints").GetDouble()));
    }

    [Fact]
    public async Task A_deleted_users_name_is_erased_from_the_overview_and_not_brought_back_by_a_late_profile_event()
    {
        var (h, _, _) = await Seeded();
        await Deliver([
            When(new UserDeleted(h.Ada, "ada@example.com"), "2026-04-01T00:00"),
            When(new UserProfileUpdated(h.Ada, "ada@example.com", "Ada Again"), "2026-04-01T01:00"),
        ]);
        var o = await Get(Client(h.Member), $"/v1/workspaces/{h.WorkspaceId}/reports/overview?tz=Europe/Berlin");
        var ada = LoadOf(o, h.Ada);
        Assert.Equal(JsonValueKind.Null, ada.GetProperty("displayName").ValueKind);
        Assert.Equal(1, ada.GetProperty("open").GetInt32()); // the work stays, attributed to an id
        // Other tests of the class share the database: only this Ada's row counts.
        Assert.False(await WithDb(db => db.Users.AnyAsync(u => u.Id == h.Ada && u.DisplayName.Contains("Ada"), Ct)));
    }

    [Fact]
    public async Task The_overview_checks_its_time_zone()
    {
        var (h, _, _) = await Seeded();
        var response = await Client(h.Member).GetAsync($"/v1/workspaces/{h.WorkspaceId}/reports/overview?tz=Mars/Olympus", Ct);
        var problem = await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("tz", out _));
    }

    [Fact]
    public void An_older_ProjectUpdated_payload_without_name_or_target_date_still_reads()
    {
        var json = $$"""{"projectId":"{{Guid.NewGuid()}}","workspaceId":"{{Guid.NewGuid()}}","changedFields":["leadId"],"visibility":"workspace","eventId":"{{Guid.NewGuid()}}","occurredAt":"2026-03-01T00:00:00Z"}""";
        var e = JsonSerializer.Deserialize<ProjectUpdated>(json, EventEnvelope.Json)!;
        Assert.Equal(("workspace", null, null), (e.Visibility, e.Name, e.TargetDate));
    }

    [Theory]
    [InlineData(null, 0, 0, "on_track")]     // nothing open
    [InlineData(null, 3, 10, "no_target")]
    [InlineData("2026-04-01", 1, 28, "off_track")] // target passed
    [InlineData("2026-04-29", 28, 28, "on_track")] // 1 a day × 28 days = 28
    [InlineData("2026-04-22", 28, 28, "at_risk")]  // 21 of 28 = 75 %
    [InlineData("2026-04-21", 28, 28, "off_track")] // 20 of 28
    [InlineData("2026-04-10", 1, 0, "off_track")]  // no recent throughput
    public void The_health_rule(string? target, int open, int completed, string expected)
    {
        var (health, _, _) = Overview.Health(target is null ? null : DateOnly.Parse(target, System.Globalization.CultureInfo.InvariantCulture), new DateOnly(2026, 4, 2), open, completed);
        Assert.Equal(expected, health);
    }
}

public sealed class SqliteOverviewTests(SqliteReportingApp app) : OverviewTests(app), IClassFixture<SqliteReportingApp>;

public sealed class PostgresOverviewTests(PostgresReportingApp app) : OverviewTests(app), IClassFixture<PostgresReportingApp>;
