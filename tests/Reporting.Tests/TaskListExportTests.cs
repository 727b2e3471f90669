using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MiniExcelLibs;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Identity.Contracts;
using TaskFlow.Tasks.Contracts;

namespace TaskFlow.Reporting.Tests;

/// <summary>
/// The task list as a CSV or XLSX export job on <see cref="FixedHistory"/>: the list's filters (status, assignee,
/// label, due range), names instead of ids, and formula-like text neutralised (every line of a cell, issue 16).
/// </summary>
public abstract class TaskListExportTests(ReportingApp app) : ReportingTestBase(app)
{
    const string Formula = "=1+2\n-3\r\n@SUM(A1)";

    static T When<T>(T e, string utc) where T : IntegrationEvent => e with { OccurredAt = FixedHistory.At(utc), EventId = Guid.CreateVersion7() };

    async Task<(FixedHistory H, HttpClient Owner)> Seeded()
    {
        App.Clock.Now = FixedHistory.Now;
        var h = new FixedHistory();
        await Deliver([.. h.Setup(), .. h.Events()]);
        await Deliver([
            When(new UserRegistered(h.Ada, "ada@example.com", "Ada Lovelace"), "2026-03-01T00:00"),
            When(new TaskCreated(Guid.NewGuid(), h.ProjectId, h.WorkspaceId, "WEB-7", Formula, h.Owner.Id, h.Todo, "none", null, [h.Ada], [],
                new TaskReportFacts("todo", null, null, [], [h.Ada], null)), "2026-03-30T12:00"),
        ]);
        return (h, Client(h.Owner));
    }

    async Task<byte[]> Export(HttpClient client, Guid projectId, object request)
    {
        var started = await client.PostAsJsonAsync($"/v1/projects/{projectId}/reports/exports", request, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        JsonElement job = default;
        await WaitUntil(async () => (job = await Get(client, started.Headers.Location!.ToString())).GetProperty("state").GetString() is "ready" or "failed", "the export");
        Assert.Equal(("ready", 100), (job.GetProperty("state").GetString(), job.GetProperty("progress").GetInt32()));
        return await client.GetByteArrayAsync(job.GetProperty("fileUrl").GetString(), Ct);
    }

    static List<string[]> Csv(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
        // Every field is quoted: split records on the CRLF after a closing quote.
        var records = text.Split("\"\r\n", StringSplitOptions.RemoveEmptyEntries);
        return [.. records.Select(r => r.TrimStart('"').Split("\",\"").Select(f => f.Replace("\"\"", "\"")).ToArray())];
    }

    [Fact]
    public async Task The_task_list_exports_as_csv_with_the_list_filters_names_and_neutralised_formulas()
    {
        var (h, owner) = await Seeded();
        var byAssignee = Csv(await Export(owner, h.ProjectId, new { report = "tasks", format = "csv", assigneeId = h.Ada }));
        Assert.Equal(["key", "title", "status", "category", "assignees", "labels", "cycle", "points", "due_date", "created_at", "completed_at"], byAssignee[0]);
        Assert.Equal(["WEB-1", "WEB-5", "WEB-7"], byAssignee.Skip(1).Select(r => r[0]));
        Assert.Equal(["WEB-5", "WEB-5 title", "Todo", "todo", "Ada Lovelace", "", "Sprint 1", "8", "2026-03-31", "2026-03-28T23:30:00Z", ""], byAssignee[2]);
        Assert.Equal(["WEB-1", "WEB-1 title", "Done", "done", "Ada Lovelace", "", "Sprint 1", "3", "", "2026-03-23T08:00:00Z", "2026-03-26T08:00:00Z"], byAssignee[1]);
        // Every line of the title that starts like a formula is prefixed with '.
        Assert.Equal("'=1+2\n'-3\r\n'@SUM(A1)", byAssignee[3][1]);

        var done = Csv(await Export(owner, h.ProjectId, new { report = "tasks", format = "csv", statusId = h.Done }));
        Assert.Equal(["WEB-1", "WEB-2", "WEB-4"], done.Skip(1).Select(r => r[0])); // WEB-3 was deleted
        var labelled = Csv(await Export(owner, h.ProjectId, new { report = "tasks", format = "csv", labelId = h.LabelId }));
        Assert.Equal(["WEB-6", "bug", "Cancelled"], new[] { labelled[1][0], labelled[1][5], labelled[1][2] });
        var due = Csv(await Export(owner, h.ProjectId, new { report = "tasks", format = "csv", dueFrom = "2026-03-30", dueTo = "2026-03-31" }));
        Assert.Equal(["WEB-5"], due.Skip(1).Select(r => r[0]));
    }

    [Fact]
    public async Task The_task_list_exports_as_xlsx_with_text_cells_and_no_formulas()
    {
        var (h, owner) = await Seeded();
        var bytes = await Export(owner, h.ProjectId, new { report = "tasks", format = "xlsx", assigneeId = h.Ada });
        using var stream = new MemoryStream(bytes);
        var rows = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(["WEB-1", "WEB-5", "WEB-7"], rows.Select(r => r["key"]?.ToString()));
        Assert.Equal("Ada Lovelace", rows[1]["assignees"]?.ToString());
        using var zip = new ZipArchive(new MemoryStream(bytes));
        foreach (var sheet in zip.Entries.Where(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(sheet.Open());
            var xml = await reader.ReadToEndAsync(Ct);
            Assert.DoesNotContain("<f>", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<x:f>", xml, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_task_list_export_with_a_reversed_due_range_is_refused()
    {
        var (h, owner) = await Seeded();
        var response = await owner.PostAsJsonAsync($"/v1/projects/{h.ProjectId}/reports/exports",
            new { report = "tasks", format = "csv", dueFrom = "2026-04-02", dueTo = "2026-04-01" }, Ct);
        var problem = await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("dueFrom", out _));
    }
}

public sealed class SqliteTaskListExportTests(SqliteReportingApp app) : TaskListExportTests(app), IClassFixture<SqliteReportingApp>;

public sealed class PostgresTaskListExportTests(PostgresReportingApp app) : TaskListExportTests(app), IClassFixture<PostgresReportingApp>;
