using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace TaskFlow.Reporting.Tests;

/// <summary>
/// Through the real APIs of the all-in-one host: the reports follow the board within seconds, a rebuild gives the live
/// figures, exports run as background jobs whose file matches the report, and the requester is notified.
/// </summary>
public abstract class LiveTests(ReportingApp app) : ReportingTestBase(app)
{
    sealed record Project(TestUser Owner, HttpClient Client, Guid WorkspaceId, Guid ProjectId, Guid Todo, Guid Doing, Guid Done);

    async Task<Project> NewProject()
    {
        App.Clock.Now = null;
        var owner = TestUser.New("Olivia Owner");
        var client = Client(owner);
        var workspace = await client.PostAsJsonAsync("/v1/workspaces", new { name = "Acme" }, Ct);
        Assert.Equal(HttpStatusCode.Created, workspace.StatusCode);
        var workspaceId = (await workspace.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var project = await client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Website", key = "WEB" }, Ct);
        Assert.Equal(HttpStatusCode.Created, project.StatusCode);
        var projectId = (await project.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var statuses = (await Get(client, $"/v1/projects/{projectId}/statuses")).EnumerateArray().ToList();
        Guid Of(string category) => statuses.First(s => s.GetProperty("category").GetString() == category).GetProperty("id").GetGuid();
        await WaitForCopy(db => db.Statuses.AnyAsync(s => s.ProjectId == projectId, Ct), "the reporting copy of the workflow");
        return new Project(owner, client, workspaceId, projectId, Of("todo"), Of("in_progress"), Of("done"));
    }

    async Task<Guid> NewTask(Project p, string title, double? estimate = null)
    {
        HttpResponseMessage? response = null;
        await WaitUntil(async () =>
        {
            response = await p.Client.PostAsJsonAsync($"/v1/projects/{p.ProjectId}/tasks", new { title, estimate }, Ct);
            return response.StatusCode == HttpStatusCode.Created;
        }, "the tasks service to know the project");
        return (await response!.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    async Task Move(Project p, Guid taskId, Guid statusId)
    {
        var moved = await p.Client.PostAsJsonAsync($"/v1/tasks/{taskId}/move", new { statusId }, Ct);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
    }

    async Task<JsonElement> SummaryWhen(Project p, Func<JsonElement, bool> condition, string what)
    {
        JsonElement summary = default;
        await WaitUntil(async () => condition(summary = await Get(p.Client, $"/v1/projects/{p.ProjectId}/reports/summary")), what, seconds: 10);
        return summary;
    }

    [Fact]
    public async Task The_summary_follows_the_board_within_seconds_and_a_rebuild_gives_the_same_figures()
    {
        var p = await NewProject();
        var first = await NewTask(p, "Write the docs", estimate: 3);
        var second = await NewTask(p, "Ship it", estimate: 5);
        await Move(p, first, p.Doing);
        await Move(p, first, p.Done);
        await Move(p, second, p.Doing);
        var summary = await SummaryWhen(p, s => s.GetProperty("byCategory").GetProperty("done").GetInt32() == 1
            && s.GetProperty("wip").GetInt32() == 1, "the summary to show one done and one in progress");
        Assert.Equal(2, summary.GetProperty("total").GetInt32());
        Assert.Equal((8.0, 3.0), (summary.GetProperty("points").GetProperty("total").GetDouble(), summary.GetProperty("points").GetProperty("done").GetDouble()));

        // Moved back from done, then deleted: the figures follow.
        await Move(p, first, p.Todo);
        Assert.Equal(HttpStatusCode.NoContent, (await p.Client.DeleteAsync($"/v1/tasks/{second}", Ct)).StatusCode);
        summary = await SummaryWhen(p, s => s.GetProperty("total").GetInt32() == 1, "the deleted task to leave the summary");
        Assert.Equal((1, 0, 0), (summary.GetProperty("byCategory").GetProperty("todo").GetInt32(), summary.GetProperty("byCategory").GetProperty("done").GetInt32(), summary.GetProperty("wip").GetInt32()));

        var cycleTime = await Get(p.Client, $"/v1/projects/{p.ProjectId}/reports/cycle-time");
        Assert.Equal(0, cycleTime.GetProperty("leadTime").GetProperty("count").GetInt32()); // reopened: no longer completed
        await Move(p, first, p.Done);
        await SummaryWhen(p, s => s.GetProperty("byCategory").GetProperty("done").GetInt32() == 1, "the task done again");

        App.Clock.Now = DateTime.UtcNow; // the same "now" (asOf) for both readings
        var today = DateOnly.FromDateTime(App.Clock.Now.Value);
        var query = $"from={today.AddDays(-1):yyyy-MM-dd}&to={today:yyyy-MM-dd}";
        var live = await AllReports(p.Client, p.ProjectId, null, query);
        var rebuilt = await p.Client.PostAsync($"/v1/projects/{p.ProjectId}/reports/rebuild", null, Ct);
        Assert.Equal(HttpStatusCode.OK, rebuilt.StatusCode);
        Assert.Equal(2, (await rebuilt.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("tasks").GetInt32());
        Assert.Equal(live, await AllReports(p.Client, p.ProjectId, null, query));
    }

    [Fact]
    public async Task An_export_runs_in_the_background_its_file_matches_the_report_and_the_requester_is_notified()
    {
        var p = await NewProject();
        var task = await NewTask(p, "=HYPERLINK(\"x\")", estimate: 2);
        await NewTask(p, "Second");
        await Move(p, task, p.Done);
        var summary = await SummaryWhen(p, s => s.GetProperty("byCategory").GetProperty("done").GetInt32() == 1, "the summary");

        var started = await p.Client.PostAsJsonAsync($"/v1/projects/{p.ProjectId}/reports/exports", new { report = "summary", format = "csv" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = await started.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(started.Headers.Location?.ToString(), $"/v1/projects/{p.ProjectId}/reports/exports/{job.GetProperty("id").GetGuid()}");
        var ready = await Ready(p, started.Headers.Location!.ToString());
        Assert.Equal(100, ready.GetProperty("progress").GetInt32());
        var file = await p.Client.GetAsync(ready.GetProperty("fileUrl").GetString(), Ct);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("text/csv", file.Content.Headers.ContentType?.MediaType);
        var csv = Encoding.UTF8.GetString(await file.Content.ReadAsByteArrayAsync(Ct)).TrimStart('\uFEFF');
        Assert.StartsWith("\"measure\",\"value\"\r\n", csv, StringComparison.Ordinal);
        Assert.Contains($"\"total\",\"{summary.GetProperty("total").GetInt32()}\"", csv, StringComparison.Ordinal);
        Assert.Contains("\"done\",\"1\"", csv, StringComparison.Ordinal);

        // XLSX of the overdue list is empty; of the cycle-time report it lists the done task (its formula-like title kept as text).
        var xlsx = await p.Client.PostAsJsonAsync($"/v1/projects/{p.ProjectId}/reports/exports", new { report = "cycle-time", format = "xlsx" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, xlsx.StatusCode);
        var xlsxJob = await Ready(p, xlsx.Headers.Location!.ToString());
        var bytes = await p.Client.GetByteArrayAsync(xlsxJob.GetProperty("fileUrl").GetString(), Ct);
        using var stream = new MemoryStream(bytes);
        var row = Assert.Single(stream.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>());
        Assert.Equal(("WEB-1", "=HYPERLINK(\"x\")"), (row["key"]?.ToString(), row["title"]?.ToString()));

        // The requester's in-app notification.
        await WaitUntil(async () =>
        {
            var page = await Get(p.Client, "/v1/notifications");
            return page.GetProperty("data").EnumerateArray().Count(n => n.GetProperty("kind").GetString() == "report_ready") == 2;
        }, "two report-ready notifications");
    }

    [Fact]
    public async Task An_expired_export_is_gone()
    {
        var p = await NewProject();
        var started = await p.Client.PostAsJsonAsync($"/v1/projects/{p.ProjectId}/reports/exports", new { report = "workload", format = "csv" }, Ct);
        var ready = await Ready(p, started.Headers.Location!.ToString());
        var id = ready.GetProperty("id").GetGuid();
        await WithDb(async db =>
        {
            await db.ExportJobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s.SetProperty(j => j.ExpiresAt, DateTime.UtcNow.AddSeconds(-1)), Ct);
            return true;
        });
        await AssertProblem(await p.Client.GetAsync(ready.GetProperty("fileUrl").GetString(), Ct), HttpStatusCode.Gone, "export-expired");
        Assert.Equal("expired", (await Get(p.Client, started.Headers.Location!.ToString())).GetProperty("state").GetString());
        var invalid = await p.Client.PostAsJsonAsync($"/v1/projects/{p.ProjectId}/reports/exports", new { report = "gossip", format = "pdf" }, Ct);
        var problem = await AssertProblem(invalid, HttpStatusCode.BadRequest);
        Assert.Equal(["format", "report"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
    }

    async Task<JsonElement> Ready(Project p, string location)
    {
        JsonElement job = default;
        await WaitUntil(async () => (job = await Get(p.Client, location)).GetProperty("state").GetString() is "ready" or "failed", "the export", seconds: 20);
        Assert.Equal("ready", job.GetProperty("state").GetString());
        return job;
    }
}

public sealed class SqliteLiveTests(SqliteReportingApp app) : LiveTests(app), IClassFixture<SqliteReportingApp>;

public sealed class PostgresLiveTests(PostgresReportingApp app) : LiveTests(app), IClassFixture<PostgresReportingApp>;
