using System.Net;
using System.Net.Http.Json;

namespace TaskFlow.Projects.Tests;

public abstract class WorkflowEndpointTests(ProjectsApp app) : ProjectsTestBase(app)
{
    [Fact]
    public async Task A_project_admin_adds_a_status_at_a_position_and_WorkflowChanged_lists_the_whole_workflow()
    {
        var (owner, _, projectId) = await WorkspaceWithProject();

        var response = await Client(owner).PostAsJsonAsync($"/v1/projects/{projectId}/statuses", new { name = "In Review", category = "in_progress", position = 3 }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json(response);
        Assert.Equal("In Review", body.GetProperty("name").GetString());
        Assert.Equal(3, body.GetProperty("position").GetInt32());
        var statuses = await Statuses(owner, projectId);
        Assert.Equal(["Backlog", "Todo", "In Progress", "In Review", "Done", "Cancelled"], statuses.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal([0, 1, 2, 3, 4, 5], statuses.Select(s => s.GetProperty("position").GetInt32()));

        var last = (await Outbox("WorkflowChanged")).Last(e => e.GetProperty("projectId").GetGuid() == projectId);
        Assert.Equal(["Backlog", "Todo", "In Progress", "In Review", "Done", "Cancelled"], last.GetProperty("statuses").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("in_progress", last.GetProperty("statuses")[3].GetProperty("category").GetString());

        var appended = await Json(await Client(owner).PostAsJsonAsync($"/v1/projects/{projectId}/statuses", new { name = "Parked", category = "backlog" }, Ct));
        Assert.Equal(6, appended.GetProperty("position").GetInt32());
    }

    [Fact]
    public async Task Adding_and_changing_validate_names_and_categories()
    {
        var (owner, _, projectId) = await WorkspaceWithProject();
        var path = $"/v1/projects/{projectId}/statuses";
        var todo = (await Statuses(owner, projectId))[1].GetProperty("id").GetGuid();

        await AssertValidation(await Client(owner).PostAsJsonAsync(path, new { name = "", category = "doing" }, Ct), "name", "category");
        await AssertValidation(await Client(owner).PostAsJsonAsync(path, new { name = "X", category = "todo", position = -1 }, Ct), "position");
        await AssertProblem(await Client(owner).PostAsJsonAsync(path, new { name = "done", category = "done" }, Ct), HttpStatusCode.Conflict, "status-name-taken");

        await AssertValidation(await Client(owner).PatchAsJsonAsync($"{path}/{todo}", new { category = "later" }, Ct), "category");
        await AssertProblem(await Client(owner).PatchAsJsonAsync($"{path}/{todo}", new { name = "Backlog" }, Ct), HttpStatusCode.Conflict, "status-name-taken");
        await AssertProblem(await Client(owner).PatchAsJsonAsync($"{path}/{Guid.NewGuid()}", new { name = "Y" }, Ct), HttpStatusCode.NotFound, "status-not-found");

        var renamed = await Client(owner).PatchAsJsonAsync($"{path}/{todo}", new { name = "Ready", category = "backlog" }, Ct);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var body = await Json(renamed);
        Assert.Equal("Ready", body.GetProperty("name").GetString());
        Assert.Equal("backlog", body.GetProperty("category").GetString());
        var last = (await Outbox("WorkflowChanged")).Last(e => e.GetProperty("projectId").GetGuid() == projectId);
        Assert.Equal("Ready", last.GetProperty("statuses")[1].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Concurrent_creates_and_renames_never_duplicate_names_or_positions()
    {
        var (owner, _, projectId) = await WorkspaceWithProject();
        var path = $"/v1/projects/{projectId}/statuses";
        var todo = (await Statuses(owner, projectId))[1].GetProperty("id").GetGuid();
        for (var round = 0; round < 5; round++)
        {
            // Ten creates at once: two names, five times each, all at the same position; plus renames of Todo to one of them.
            var requests = Enumerable.Range(0, 10).Select(i => Client(owner).PostAsJsonAsync(path, new { name = $"Review {round}-{i % 2}", category = "in_progress", position = 2 }, Ct))
                .Concat(Enumerable.Range(0, 3).Select(_ => Client(owner).PatchAsJsonAsync($"{path}/{todo}", new { name = $"Review {round}-0" }, Ct)))
                .ToArray();
            var answers = await Task.WhenAll(requests);
            Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)a.StatusCode}"));
            Assert.InRange(answers.Count(a => a.StatusCode == HttpStatusCode.Created), 1, 2);

            var statuses = await Statuses(owner, projectId);
            var names = statuses.Select(s => s.GetProperty("name").GetString()!.ToUpperInvariant()).ToList();
            Assert.Equal(names.Count, names.Distinct().Count());
            Assert.Equal(Enumerable.Range(0, statuses.Count), statuses.Select(s => s.GetProperty("position").GetInt32()));
            // Todo keeps its name for the next round's renames.
            await Client(owner).PatchAsJsonAsync($"{path}/{todo}", new { name = "Todo" }, Ct);
        }
    }

    [Fact]
    public async Task Reordering_needs_every_status_exactly_once()
    {
        var (owner, _, projectId) = await WorkspaceWithProject();
        var ids = (await Statuses(owner, projectId)).Select(s => s.GetProperty("id").GetGuid()).ToArray();
        var path = $"/v1/projects/{projectId}/statuses/order";

        await AssertValidation(await Client(owner).PutAsJsonAsync(path, new { statusIds = ids[..4] }, Ct), "statusIds");
        await AssertValidation(await Client(owner).PutAsJsonAsync(path, new { statusIds = new[] { ids[0], ids[0], ids[1], ids[2], ids[3] } }, Ct), "statusIds");
        await AssertValidation(await Client(owner).PutAsJsonAsync(path, new { statusIds = ids[..4].Append(Guid.NewGuid()) }, Ct), "statusIds");

        var reversed = ids.Reverse().ToArray();
        var response = await Client(owner).PutAsJsonAsync(path, new { statusIds = reversed }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(reversed, (await Statuses(owner, projectId)).Select(s => s.GetProperty("id").GetGuid()));
        var last = (await Outbox("WorkflowChanged")).Last(e => e.GetProperty("projectId").GetGuid() == projectId);
        Assert.Equal(reversed, last.GetProperty("statuses").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Removing_a_status_needs_another_status_to_move_to_and_the_last_one_stays()
    {
        var (owner, _, projectId) = await WorkspaceWithProject();
        var ids = (await Statuses(owner, projectId)).Select(s => s.GetProperty("id").GetGuid()).ToList();
        var path = $"/v1/projects/{projectId}/statuses";

        await AssertValidation(await Client(owner).DeleteAsync($"{path}/{ids[0]}", Ct), "moveTo");
        await AssertValidation(await Client(owner).DeleteAsync($"{path}/{ids[0]}?moveTo={ids[0]}", Ct), "moveTo");
        await AssertValidation(await Client(owner).DeleteAsync($"{path}/{ids[0]}?moveTo={Guid.NewGuid()}", Ct), "moveTo");
        await AssertProblem(await Client(owner).DeleteAsync($"{path}/{Guid.NewGuid()}?moveTo={ids[1]}", Ct), HttpStatusCode.NotFound, "status-not-found");

        Assert.Equal(HttpStatusCode.NoContent, (await Client(owner).DeleteAsync($"{path}/{ids[0]}?moveTo={ids[1]}", Ct)).StatusCode);
        var left = await Statuses(owner, projectId);
        Assert.Equal(ids[1..], left.Select(s => s.GetProperty("id").GetGuid()));
        Assert.Equal([0, 1, 2, 3], left.Select(s => s.GetProperty("position").GetInt32()));
        var removed = Assert.Single(await Outbox("WorkflowStatusRemoved"), e => e.GetProperty("projectId").GetGuid() == projectId);
        Assert.Equal(ids[0], removed.GetProperty("statusId").GetGuid());
        Assert.Equal(ids[1], removed.GetProperty("moveTo").GetGuid());
        var last = (await Outbox("WorkflowChanged")).Last(e => e.GetProperty("projectId").GetGuid() == projectId);
        Assert.Equal(4, last.GetProperty("statuses").GetArrayLength());

        for (var i = 1; i < 4; i++)
            Assert.Equal(HttpStatusCode.NoContent, (await Client(owner).DeleteAsync($"{path}/{ids[i]}?moveTo={ids[4]}", Ct)).StatusCode);
        await AssertProblem(await Client(owner).DeleteAsync($"{path}/{ids[4]}?moveTo={ids[0]}", Ct), HttpStatusCode.Conflict, "last-status");
    }

    [Fact]
    public async Task Only_project_admins_change_the_workflow_and_outsiders_get_404()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        var member = await ProjectMember(owner, workspaceId, projectId, "member");
        var viewer = await ProjectMember(owner, workspaceId, projectId, "viewer");
        var ids = (await Statuses(owner, projectId)).Select(s => s.GetProperty("id").GetGuid()).ToArray();
        var path = $"/v1/projects/{projectId}/statuses";

        foreach (var caller in new[] { member, viewer })
        {
            Assert.Equal(5, (await Statuses(caller, projectId)).Count);
            await AssertProblem(await Client(caller).PostAsJsonAsync(path, new { name = "X", category = "todo" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
            await AssertProblem(await Client(caller).PatchAsJsonAsync($"{path}/{ids[0]}", new { name = "X" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
            await AssertProblem(await Client(caller).PutAsJsonAsync($"{path}/order", new { statusIds = ids }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
            await AssertProblem(await Client(caller).DeleteAsync($"{path}/{ids[0]}?moveTo={ids[1]}", Ct), HttpStatusCode.Forbidden, "insufficient-role");
        }

        var outsider = TestUser.New();
        await AssertProblem(await Client(outsider).GetAsync(path, Ct), HttpStatusCode.NotFound, "project-not-found");
        await AssertProblem(await Client(outsider).PostAsJsonAsync(path, new { name = "X", category = "todo" }, Ct), HttpStatusCode.NotFound, "project-not-found");
        await AssertProblem(await Client(outsider).PutAsJsonAsync($"{path}/order", new { statusIds = ids }, Ct), HttpStatusCode.NotFound, "project-not-found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().GetAsync(path, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().DeleteAsync($"{path}/{ids[0]}?moveTo={ids[1]}", Ct)).StatusCode);
    }
}

public sealed class SqliteWorkflowEndpointTests(SqliteProjectsApp app) : WorkflowEndpointTests(app), IClassFixture<SqliteProjectsApp>;

public sealed class PostgresWorkflowEndpointTests(PostgresProjectsApp app) : WorkflowEndpointTests(app), IClassFixture<PostgresProjectsApp>;
