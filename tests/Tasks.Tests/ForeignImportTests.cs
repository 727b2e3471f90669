using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>Imports of a Trello board's JSON export and a Jira CSV export (fixtures in Fixtures/, in the tools' real field names).</summary>
public abstract class ForeignImportTests(TaskFlowApp app) : TasksTestBase(app)
{
    static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    static async Task<HttpResponseMessage> Upload(User user, Guid projectId, string format, string fileName, string contentType, string text)
    {
        using var form = new MultipartFormDataContent();
        var file = new StringContent(text);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        return await user.Client.PostAsync($"/v1/projects/{projectId}/tasks/import?format={format}", form, Ct);
    }

    async Task<(Setup Setup, User Ada, Guid Bug)> Team()
    {
        var s = await WorkspaceWithProject();
        // Matched by the name of her address: "Ada Lovelace" = ada.lovelace@…
        var ada = await JoinWorkspace(s.Owner, s.WorkspaceId, "member", $"ada.lovelace@{Guid.NewGuid():n}.example.test");
        var bug = await CreateLabel(s.Owner, s.ProjectId, "bug");
        return (s, ada, bug);
    }

    static async Task<List<JsonElement>> Tasks(User user, Guid projectId) =>
        [.. (await user.Client.GetFromJsonAsync<JsonElement>($"/v1/projects/{projectId}/tasks?sort=key", Ct)).GetProperty("data").EnumerateArray()];

    static List<string> Warnings(JsonElement report) =>
        [.. report.GetProperty("warnings").EnumerateArray().Select(w => $"{w.GetProperty("field").GetString()}: {w.GetProperty("message").GetString()}")];

    [Fact]
    public async Task A_trello_board_imports_open_cards_with_statuses_by_list_labels_and_members_and_reports_what_it_could_not_map()
    {
        var (s, ada, bug) = await Team();
        var response = await Upload(s.Owner, s.ProjectId, "trello", "board.json", "application/json", Fixture("trello-board.json"));
        Assert.True(HttpStatusCode.OK == response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        var report = await Json(response);
        Assert.Equal(3, report.GetProperty("imported").GetInt32());
        Assert.Empty(report.GetProperty("errors").EnumerateArray());
        var warnings = Warnings(report);
        Assert.Contains("status: \"To Do\" is not a status of this project: imported as Todo.", warnings);
        Assert.Contains("status: \"Doing\" is not a status of this project: imported as In Progress.", warnings);
        Assert.Contains("assignee: Charles Babbage is not a member of this workspace: left unassigned.", warnings);
        Assert.Contains(warnings, w => w.StartsWith("labels: No label named \"design\"", StringComparison.Ordinal));
        Assert.Equal(4, warnings.Count);

        var tasks = await Tasks(s.Owner, s.ProjectId);
        Assert.Equal(["Fix the login form", "New landing page", "Ship v1"], tasks.Select(t => t.GetProperty("title").GetString()));
        var (login, landing, ship) = (tasks[0], tasks[1], tasks[2]);
        Assert.Equal(s.StatusIds[1], login.GetProperty("statusId").GetGuid());
        Assert.Equal("It **fails** on Safari.", login.GetProperty("description").GetString());
        Assert.Equal("2026-12-24", login.GetProperty("dueDate").GetString());
        Assert.Equal([ada.Id], Ids(login, "assigneeIds"));
        Assert.Equal([bug], Ids(login, "labelIds"));
        Assert.Equal(s.StatusIds[2], landing.GetProperty("statusId").GetGuid());
        Assert.Equal([ada.Id], Ids(landing, "assigneeIds"));
        Assert.Empty(Ids(landing, "labelIds"));
        Assert.Equal(s.StatusIds[3], ship.GetProperty("statusId").GetGuid());
    }

    [Fact]
    public async Task A_jira_export_imports_summary_status_priority_assignee_labels_and_due_date()
    {
        var (s, ada, bug) = await Team();
        var response = await Upload(s.Owner, s.ProjectId, "jira", "jira.csv", "text/csv", Fixture("jira-export.csv"));
        Assert.True(HttpStatusCode.OK == response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        var report = await Json(response);
        Assert.Equal(3, report.GetProperty("imported").GetInt32());
        var warnings = Warnings(report);
        Assert.Contains("status: \"In Review\" is not a status of this project: imported as In Progress.", warnings);
        Assert.Contains("assignee: charles@elsewhere.example is not a member of this workspace: left unassigned.", warnings);
        Assert.Contains(warnings, w => w.StartsWith("labels: No label named \"checkout\"", StringComparison.Ordinal));

        var tasks = await Tasks(s.Owner, s.ProjectId);
        Assert.Equal(["Checkout fails for guests", "Update the privacy policy", "Launch the gift cards"], tasks.Select(t => t.GetProperty("title").GetString()));
        var checkout = tasks[0];
        Assert.Equal(s.StatusIds[2], checkout.GetProperty("statusId").GetGuid());
        Assert.Equal("urgent", checkout.GetProperty("priority").GetString());
        Assert.Equal([ada.Id], Ids(checkout, "assigneeIds"));
        Assert.Equal([bug], Ids(checkout, "labelIds"));
        Assert.Equal("2026-12-24", checkout.GetProperty("dueDate").GetString());
        Assert.Contains("2. Pay as guest", checkout.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(s.StatusIds[1], tasks[1].GetProperty("statusId").GetGuid());
        Assert.Equal("low", tasks[1].GetProperty("priority").GetString());
        Assert.Equal(s.StatusIds[3], tasks[2].GetProperty("statusId").GetGuid());
        Assert.Equal("medium", tasks[2].GetProperty("priority").GetString());
        Assert.Empty(Ids(tasks[2], "assigneeIds"));
        Assert.Equal("2026-12-01", tasks[2].GetProperty("dueDate").GetString());
    }

    [Fact]
    public async Task A_file_that_is_not_the_named_format_or_an_unknown_format_is_400_naming_the_problem()
    {
        var s = await WorkspaceWithProject();
        await AssertValidation(await Upload(s.Owner, s.ProjectId, "trello", "board.json", "application/json", "title\nnot json"), "file");
        await AssertValidation(await Upload(s.Owner, s.ProjectId, "trello", "board.json", "application/json", "{\"name\":\"no cards\"}"), "file");
        await AssertValidation(await Upload(s.Owner, s.ProjectId, "jira", "jira.csv", "text/csv", "Title,Status\nA,Done\n"), "file");
        await AssertValidation(await Upload(s.Owner, s.ProjectId, "asana", "x.csv", "text/csv", "title\nA\n"), "format");
        Assert.Empty(await Tasks(s.Owner, s.ProjectId));
    }
}

public sealed class SqliteForeignImportTests(SqliteApp app) : ForeignImportTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresForeignImportTests(PostgresApp app) : ForeignImportTests(app), IClassFixture<PostgresApp>;
