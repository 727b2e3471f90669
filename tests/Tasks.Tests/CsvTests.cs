using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

public abstract class CsvTests(TaskFlowApp app) : TasksTestBase(app)
{
    static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    static async Task<HttpResponseMessage> Import(User user, Guid projectId, string csv, string query = "") =>
        await user.Client.PostAsync($"/v1/projects/{projectId}/tasks/import{query}", Csv(csv), Ct);

    static List<string[]> Parse(string text)
    {
        using var csv = new CsvParser(new StringReader(text), CultureInfo.InvariantCulture);
        var rows = new List<string[]>();
        while (csv.Read()) rows.Add(csv.Record!);
        return rows;
    }

    [Fact]
    public async Task Export_streams_the_filtered_list_as_quoted_csv_with_formulas_defused()
    {
        var s = await WorkspaceWithProject();
        var ui = await CreateLabel(s.Owner, s.ProjectId, "UI");
        var bug = await CreateLabel(s.Owner, s.ProjectId, "bug");
        await CreateTask(s.Owner, s.ProjectId, new { title = "Say \"hi\", then\ngo", priority = "high", assigneeIds = new[] { s.Owner.Id }, labelIds = new[] { ui, bug }, dueDate = "2026-12-01", estimate = 2.5 });
        await CreateTask(s.Owner, s.ProjectId, new { title = "=HYPERLINK(\"http://evil\")", priority = "high" });
        await CreateTask(s.Owner, s.ProjectId, new { title = "+1 and @me and -2", priority = "high" });
        await CreateTask(s.Owner, s.ProjectId, new { title = "Low one", priority = "low" });

        var response = await s.Owner.Client.GetAsync($"/v1/projects/{s.ProjectId}/tasks/export?priority=high&sort=key", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("WEB-tasks.csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith("\"key\",\"title\",\"status\",\"priority\",\"assignees\",\"labels\",\"dueDate\",\"estimate\",\"createdAt\",\"updatedAt\"\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\"Say \"\"hi\"\", then\ngo\"", text, StringComparison.Ordinal);

        var rows = Parse(text);
        Assert.Equal(4, rows.Count);
        Assert.Equal(["WEB-1", "Say \"hi\", then\ngo", "Todo", "high", s.Owner.Email.ToLowerInvariant(), "bug; UI", "2026-12-01", "2.5"], rows[1][..8]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", rows[1][8]);
        Assert.Equal("'=HYPERLINK(\"http://evil\")", rows[2][1]);
        Assert.Equal("'+1 and @me and -2", rows[3][1]);
        Assert.DoesNotContain(rows, r => r[1] == "Low one");

        // Search filter and relevance sort work as in the list; bad filters are named.
        var searched = Parse(await s.Owner.Client.GetStringAsync($"/v1/projects/{s.ProjectId}/tasks/export?q=low&sort=relevance", Ct));
        Assert.Equal("Low one", Assert.Single(searched.Skip(1))[1]);
        await AssertValidation(await s.Owner.Client.GetAsync($"/v1/projects/{s.ProjectId}/tasks/export?priority=asap&colour=red", Ct), "priority", "colour");
        await AssertValidation(await s.Owner.Client.GetAsync($"/v1/projects/{s.ProjectId}/tasks/export?sort=rank", Ct), "sort");
    }

    [Fact]
    public async Task Export_defuses_formulas_after_line_breaks_in_titles_and_labels()
    {
        var s = await WorkspaceWithProject();
        var label = await CreateLabel(s.Owner, s.ProjectId, "ok\n@SUM(1+1)");
        await CreateTask(s.Owner, s.ProjectId, new { title = "Harmless\n=cmd|' /C calc'!A0\r\n+2", labelIds = new[] { label } });

        var text = await s.Owner.Client.GetStringAsync($"/v1/projects/{s.ProjectId}/tasks/export", Ct);

        // Every physical line, whether a new record or the continuation of a quoted cell, starts harmlessly.
        foreach (var line in text.Split('\n'))
        {
            var start = line.TrimStart('"');
            Assert.False(start.Length > 0 && "=+-@\t".Contains(start[0], StringComparison.Ordinal), $"line starts a formula: {line}");
        }
        var row = Parse(text)[1];
        Assert.Equal("Harmless\n'=cmd|' /C calc'!A0\r\n'+2", row[1]);
        Assert.Equal("ok\n'@SUM(1+1)", row[5]);
    }

    [Fact]
    public async Task Import_creates_tasks_in_file_order_like_normal_creates()
    {
        var s = await WorkspaceWithProject();
        var member = await ProjectMember(s, "member");
        var csv = "Title,Description,Status,Priority,Due date,Estimate,Assignee,Key\r\n"
            + "First,\"Multi\nline, with \"\"quotes\"\"\",in progress,High,2026-12-01,3,\"" + member.Email.ToUpperInvariant() + "; " + s.Owner.Email + "\",IGNORED-1\r\n"
            + "Second,,,,,,,\r\n"
            + ",,,,,,,\r\n"
            + "Third,,Done,urgent,,0.5,,\r\n";
        var response = await Import(member, s.ProjectId, csv);
        Assert.True(HttpStatusCode.OK == response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        var report = await Json(response);
        Assert.Equal(3, report.GetProperty("imported").GetInt32());
        Assert.Equal(0, report.GetProperty("skipped").GetInt32());
        Assert.Empty(report.GetProperty("errors").EnumerateArray());

        var tasks = (await member.Client.GetFromJsonAsync<JsonElement>($"/v1/projects/{s.ProjectId}/tasks?sort=key", Ct)).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["WEB-1", "WEB-2", "WEB-3"], tasks.Select(t => t.GetProperty("key").GetString()));
        Assert.Equal(["First", "Second", "Third"], tasks.Select(t => t.GetProperty("title").GetString()));
        var first = tasks[0];
        Assert.Equal("Multi\nline, with \"quotes\"", first.GetProperty("description").GetString());
        Assert.Equal(s.StatusIds[2], first.GetProperty("statusId").GetGuid());
        Assert.Equal("high", first.GetProperty("priority").GetString());
        Assert.Equal("2026-12-01", first.GetProperty("dueDate").GetString());
        Assert.Equal(3, first.GetProperty("estimate").GetDouble());
        Assert.Equal(new[] { member.Id, s.Owner.Id }.Order(), first.GetProperty("assigneeIds").EnumerateArray().Select(a => a.GetGuid()).Order());
        Assert.Equal(s.StatusIds[1], tasks[1].GetProperty("statusId").GetGuid()); // default: first todo status
        Assert.Equal(s.StatusIds[3], tasks[2].GetProperty("statusId").GetGuid());

        var created = (await Outbox("TaskCreated")).Where(e => e.GetProperty("projectId").GetGuid() == s.ProjectId).ToList();
        Assert.Equal(["WEB-1", "WEB-2", "WEB-3"], created.Select(e => e.GetProperty("key").GetString()));
        Assert.All(created, e => Assert.Equal(member.Id, e.GetProperty("reporterId").GetGuid()));
        var activity = await member.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(first)}/activity", Ct);
        Assert.Equal("created", Assert.Single(activity.GetProperty("data").EnumerateArray()).GetProperty("field").GetString());

        // A multipart upload works the same; an export imports back.
        var export = await member.Client.GetByteArrayAsync($"/v1/projects/{s.ProjectId}/tasks/export?sort=key", Ct);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(export);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "tasks.csv");
        var again = await member.Client.PostAsync($"/v1/projects/{s.ProjectId}/tasks/import", form, Ct);
        Assert.True(HttpStatusCode.OK == again.StatusCode, await again.Content.ReadAsStringAsync(Ct));
        Assert.Equal(3, (await Json(again)).GetProperty("imported").GetInt32());
        var copy = (await member.Client.GetFromJsonAsync<JsonElement>($"/v1/projects/{s.ProjectId}/tasks?sort=key&limit=10", Ct)).GetProperty("data").EnumerateArray().Skip(3).First();
        Assert.Equal("WEB-4", copy.GetProperty("key").GetString());
        Assert.Equal("First", copy.GetProperty("title").GetString());
        Assert.Equal(2, copy.GetProperty("assigneeIds").GetArrayLength());
    }

    [Fact]
    public async Task Labels_round_trip_by_name_and_an_unknown_label_is_named()
    {
        var s = await WorkspaceWithProject();
        var bug = await CreateLabel(s.Owner, s.ProjectId, "Bug");
        var ui = await CreateLabel(s.Owner, s.ProjectId, "UI");

        var response = await Import(s.Owner, s.ProjectId, "title,labels\nLabelled,bug; ui\nPlain,\n");
        Assert.True(HttpStatusCode.OK == response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        var first = (await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/projects/{s.ProjectId}/tasks?sort=key", Ct)).GetProperty("data")[0];
        Assert.Equal([bug, ui], first.GetProperty("labelIds").EnumerateArray().Select(l => l.GetGuid()).Order());
        var exported = Parse(await s.Owner.Client.GetStringAsync($"/v1/projects/{s.ProjectId}/tasks/export?sort=key", Ct));
        Assert.Equal(["Bug; UI", ""], exported.Skip(1).Select(r => r[5]));

        var unknown = await Import(s.Owner, s.ProjectId, "title,labels\nOther,Bug; Feature\n");
        var problem = await AssertProblem(unknown, HttpStatusCode.UnprocessableEntity, "import-invalid");
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("labels", error.GetProperty("field").GetString());
        Assert.Contains("Feature", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_row_imports_nothing_unless_invalid_rows_are_skipped()
    {
        var s = await WorkspaceWithProject();
        var outsider = await NewUser();
        var csv = "title,status,priority,dueDate,estimate,assignee\n"
            + "Good one,,,,,\n"
            + ",Nope,asap,tomorrow,lots," + outsider.Email + "\n"
            + "Another good one,,,,,\n"
            + new string('x', 201) + ",,,,-1,\n";
        var response = await Import(s.Owner, s.ProjectId, csv);
        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "import-invalid");
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal([(3, "assignee"), (3, "dueDate"), (3, "estimate"), (3, "status"), (5, "estimate"), (5, "title")], errors.Order().ToList());
        Assert.Equal(0, await WithDb(db => db.Tasks.CountAsync(t => t.ProjectId == s.ProjectId, Ct)));
        Assert.DoesNotContain(await Outbox("TaskCreated"), e => e.GetProperty("projectId").GetGuid() == s.ProjectId);

        var skipping = await Import(s.Owner, s.ProjectId, csv, "?skipInvalid=true");
        Assert.Equal(HttpStatusCode.OK, skipping.StatusCode);
        var report = await Json(skipping);
        Assert.Equal(2, report.GetProperty("imported").GetInt32());
        Assert.Equal(2, report.GetProperty("skipped").GetInt32());
        Assert.Equal(6, report.GetProperty("errors").GetArrayLength());
        var keys = (await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/projects/{s.ProjectId}/tasks?sort=key", Ct)).GetProperty("data").EnumerateArray()
            .Select(t => (t.GetProperty("key").GetString(), t.GetProperty("title").GetString()));
        Assert.Equal([("WEB-1", "Good one"), ("WEB-2", "Another good one")], keys);
    }

    [Fact]
    public async Task Import_refuses_bad_files()
    {
        var s = await WorkspaceWithProject();
        await AssertValidation(await Import(s.Owner, s.ProjectId, ""), "header");
        await AssertValidation(await Import(s.Owner, s.ProjectId, "name,priority\nX,high\n"), "header");
        await AssertValidation(await Import(s.Owner, s.ProjectId, "title\n" + string.Concat(Enumerable.Repeat("t\n", 5001))), "file");
        await AssertProblem(await Import(s.Owner, s.ProjectId, "title\n" + new string('x', 5 * 1024 * 1024 + 1)), HttpStatusCode.RequestEntityTooLarge, "import-too-large");
        await AssertProblem(await s.Owner.Client.PostAsJsonAsync($"/v1/projects/{s.ProjectId}/tasks/import", new { title = "X" }, Ct), HttpStatusCode.UnsupportedMediaType);
        using var form = new MultipartFormDataContent { { new StringContent("title\nX"), "other", "x.csv" } };
        await AssertProblem(await s.Owner.Client.PostAsync($"/v1/projects/{s.ProjectId}/tasks/import", form, Ct), HttpStatusCode.BadRequest, "import-file-missing");
        Assert.Equal(0, await WithDb(db => db.Tasks.CountAsync(t => t.ProjectId == s.ProjectId, Ct)));

        var viewer = await ProjectMember(s, "viewer");
        await AssertProblem(await Import(viewer, s.ProjectId, "title\nX\n"), HttpStatusCode.Forbidden, "insufficient-role");
        var outsider = await NewUser();
        await AssertProblem(await Import(outsider, s.ProjectId, "title\nX\n"), HttpStatusCode.NotFound, "project-not-found");
        await AssertProblem(await outsider.Client.GetAsync($"/v1/projects/{s.ProjectId}/tasks/export", Ct), HttpStatusCode.NotFound, "project-not-found");
    }
}

public sealed class SqliteCsvTests(SqliteApp app) : CsvTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresCsvTests(PostgresApp app) : CsvTests(app), IClassFixture<PostgresApp>;
