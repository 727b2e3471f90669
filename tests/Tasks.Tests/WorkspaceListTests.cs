using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>GET /v1/workspaces/{workspaceId}/tasks: "my tasks" across every project of a workspace.</summary>
public abstract class WorkspaceListTests(TaskFlowApp app) : TasksTestBase(app)
{
    [Fact]
    public async Task My_tasks_span_the_projects_of_the_workspace_with_filters_sorts_and_pages()
    {
        var s = await WorkspaceWithProject();
        var (api, _) = await CreateProject(s.Owner, s.WorkspaceId, "API");
        var ada = await ProjectMember(s, "member");
        var mine = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            mine.Add(Id(await CreateTask(s.Owner, s.ProjectId, new { title = $"Web {i}", assigneeIds = new[] { ada.Id }, priority = i == 0 ? "urgent" : "low" })));
            mine.Add(Id(await CreateTask(s.Owner, api, new { title = $"Api {i}", assigneeIds = new[] { ada.Id }, dueDate = $"2026-04-0{i + 1}" })));
        }
        var notMine = await CreateTask(s.Owner, api, new { title = "Someone else's" });
        // Ada's task in another workspace does not show.
        var elsewhere = await CreateWorkspace(s.Owner);
        var (otherProject, _) = await CreateProject(s.Owner, elsewhere, "OUT");
        await CreateTask(s.Owner, otherProject, new { title = "Elsewhere", assigneeIds = new[] { s.Owner.Id } });

        var path = $"/v1/workspaces/{s.WorkspaceId}/tasks";
        foreach (var sort in new[] { "created", "updated", "dueDate", "priority", "key" })
        {
            var seen = new List<Guid>();
            string? cursor = null;
            do
            {
                var page = await ada.Client.GetFromJsonAsync<JsonElement>($"{path}?assignee=me&sort={sort}&limit=2{(cursor is null ? "" : "&cursor=" + cursor)}", Ct);
                seen.AddRange(page.GetProperty("data").EnumerateArray().Select(Id));
                cursor = page.GetProperty("nextCursor").GetString();
            }
            while (cursor is not null);
            Assert.True(mine.Order().SequenceEqual(seen.Order()), sort);
            Assert.Equal(seen.Count, seen.Distinct().Count());
        }

        var created = await ada.Client.GetFromJsonAsync<JsonElement>($"{path}?assignee={ada.Id}", Ct);
        Assert.Equal(Enumerable.Reverse(mine), created.GetProperty("data").EnumerateArray().Select(Id));
        var urgent = await ada.Client.GetFromJsonAsync<JsonElement>($"{path}?assignee=me&priority=urgent", Ct);
        Assert.Equal([mine[0]], urgent.GetProperty("data").EnumerateArray().Select(Id));
        var due = await ada.Client.GetFromJsonAsync<JsonElement>($"{path}?assignee=me&dueBefore=2026-04-02&sort=dueDate", Ct);
        Assert.Equal([mine[1], mine[3]], due.GetProperty("data").EnumerateArray().Select(Id));
        var everything = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"{path}?q=someone", Ct);
        Assert.Equal([Id(notMine)], everything.GetProperty("data").EnumerateArray().Select(Id));
    }

    [Fact]
    public async Task Bad_parameters_are_validation_errors_and_outsiders_get_404()
    {
        var s = await WorkspaceWithProject();
        await CreateTask(s.Owner, s.ProjectId);
        await CreateTask(s.Owner, s.ProjectId);
        var path = $"/v1/workspaces/{s.WorkspaceId}/tasks";

        await AssertValidation(await s.Owner.Client.GetAsync($"{path}?assignee=someone&sort=size&limit=0&category=later", Ct), "assignee", "sort", "limit", "category");
        await AssertValidation(await s.Owner.Client.GetAsync($"{path}?sort=rank", Ct), "sort");
        // A cursor of the project list is not one of this list.
        var projectPage = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/projects/{s.ProjectId}/tasks?limit=1", Ct);
        await AssertValidation(await s.Owner.Client.GetAsync($"{path}?limit=1&cursor={projectPage.GetProperty("nextCursor").GetString()}", Ct), "cursor");
        await AssertValidation(await s.Owner.Client.GetAsync($"{path}?cursor=garbage", Ct), "cursor");

        var outsider = await NewUser();
        await AssertProblem(await outsider.Client.GetAsync(path, Ct), HttpStatusCode.NotFound, "workspace-not-found");
        await AssertProblem(await s.Owner.Client.GetAsync($"/v1/workspaces/{Guid.NewGuid()}/tasks", Ct), HttpStatusCode.NotFound, "workspace-not-found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().GetAsync(path, Ct)).StatusCode);

        // A workspace viewer reads every project's tasks.
        var viewer = await JoinWorkspace(s.Owner, s.WorkspaceId, "viewer");
        var page = await viewer.Client.GetFromJsonAsync<JsonElement>(path, Ct);
        Assert.Equal(2, page.GetProperty("data").GetArrayLength());
    }
}

public sealed class SqliteWorkspaceListTests(SqliteApp app) : WorkspaceListTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresWorkspaceListTests(PostgresApp app) : WorkspaceListTests(app), IClassFixture<PostgresApp>;
