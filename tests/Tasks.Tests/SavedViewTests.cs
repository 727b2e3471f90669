using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

public abstract class SavedViewTests(TaskFlowApp app) : TasksTestBase(app)
{
    static async Task<HttpResponseMessage> Save(User user, Guid projectId, object body) =>
        await user.Client.PostAsJsonAsync($"/v1/projects/{projectId}/views", body, Ct);

    static async Task<string[]> Names(User user, Guid projectId) =>
        [.. (await user.Client.GetFromJsonAsync<JsonElement>($"/v1/projects/{projectId}/views", Ct)).EnumerateArray().Select(v => v.GetProperty("name").GetString()!)];

    [Fact]
    public async Task Views_are_saved_with_filters_and_private_ones_stay_private()
    {
        var s = await WorkspaceWithProject();
        var member = await ProjectMember(s, "member");
        var viewer = await ProjectMember(s, "viewer");

        var created = await Save(s.Owner, s.ProjectId, new { name = "  Urgent login bugs ", filters = new { priority = "urgent", q = "login", status = s.StatusIds[1].ToString() }, sort = "rank", layout = "board", shared = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var shared = await Json(created);
        Assert.Equal($"/v1/views/{Id(shared)}", created.Headers.Location?.ToString());
        Assert.Equal("Urgent login bugs", shared.GetProperty("name").GetString());
        Assert.Equal("urgent", shared.GetProperty("filters").GetProperty("priority").GetString());
        Assert.Equal("login", shared.GetProperty("filters").GetProperty("q").GetString());
        Assert.Equal("rank", shared.GetProperty("sort").GetString());
        Assert.Equal("board", shared.GetProperty("layout").GetString());
        Assert.True(shared.GetProperty("shared").GetBoolean());
        Assert.Equal(s.Owner.Id, shared.GetProperty("ownerId").GetGuid());

        // A viewer saves a private view (defaults: list, created); nobody else sees it.
        var mine = await Json(await Save(viewer, s.ProjectId, new { name = "Mine" }));
        Assert.Equal("list", mine.GetProperty("layout").GetString());
        Assert.Equal("created", mine.GetProperty("sort").GetString());
        Assert.False(mine.GetProperty("shared").GetBoolean());
        Assert.Equal(["Mine", "Urgent login bugs"], await Names(viewer, s.ProjectId));
        Assert.Equal(["Urgent login bugs"], await Names(member, s.ProjectId));
        await AssertProblem(await member.Client.GetAsync($"/v1/views/{Id(mine)}", Ct), HttpStatusCode.NotFound, "view-not-found");
        await AssertProblem(await s.Owner.Client.DeleteAsync($"/v1/views/{Id(mine)}", Ct), HttpStatusCode.NotFound, "view-not-found");
        Assert.Equal("Urgent login bugs", (await member.Client.GetFromJsonAsync<JsonElement>($"/v1/views/{Id(shared)}", Ct)).GetProperty("name").GetString());

        // A viewer cannot share; the owner edits; others cannot touch a shared view; a project admin can.
        await AssertProblem(await Save(viewer, s.ProjectId, new { name = "Team", shared = true }), HttpStatusCode.Forbidden, "insufficient-role");
        await AssertProblem(await Send(viewer.Client, HttpMethod.Patch, $"/v1/views/{Id(mine)}", new { shared = true }), HttpStatusCode.Forbidden, "insufficient-role");
        var renamed = await Send(viewer.Client, HttpMethod.Patch, $"/v1/views/{Id(mine)}", new { name = "Renamed", filters = new { assignee = viewer.Id.ToString() }, layout = "board" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var after = await Json(renamed);
        Assert.Equal("Renamed", after.GetProperty("name").GetString());
        Assert.Equal(viewer.Id.ToString(), after.GetProperty("filters").GetProperty("assignee").GetString());
        Assert.Equal("board", after.GetProperty("layout").GetString());
        await AssertProblem(await Send(member.Client, HttpMethod.Patch, $"/v1/views/{Id(shared)}", new { name = "Mine now" }), HttpStatusCode.Forbidden, "not-your-view");
        await AssertProblem(await member.Client.DeleteAsync($"/v1/views/{Id(shared)}", Ct), HttpStatusCode.Forbidden, "not-your-view");
        var membersView = await Json(await Save(member, s.ProjectId, new { name = "Team board", shared = true, layout = "board" }));
        Assert.Equal(HttpStatusCode.OK, (await Send(s.Owner.Client, HttpMethod.Patch, $"/v1/views/{Id(membersView)}", new { name = "Team board (admin)" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/views/{Id(membersView)}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await viewer.Client.DeleteAsync($"/v1/views/{Id(mine)}", Ct)).StatusCode);
        await AssertProblem(await viewer.Client.GetAsync($"/v1/views/{Id(mine)}", Ct), HttpStatusCode.NotFound, "view-not-found");
        Assert.Equal(["Urgent login bugs"], await Names(viewer, s.ProjectId));
    }

    [Fact]
    public async Task Views_keep_every_list_filter_and_assignee_me_is_each_readers_own()
    {
        var s = await WorkspaceWithProject();
        var bug = await CreateLabel(s.Owner, s.ProjectId, "Bug");
        var cycle = await CreateCycle(s.Owner, s.ProjectId);
        var filters = new { category = "todo", assignee = "me", label = bug.ToString(), cycle = cycle.ToString(), dueBefore = "2026-12-31", dueAfter = "2026-01-01" };
        var created = await Json(await Save(s.Owner, s.ProjectId, new { name = "My bugs this cycle", filters, shared = true }));
        var stored = created.GetProperty("filters");
        Assert.Equal("me", stored.GetProperty("assignee").GetString());
        Assert.Equal("todo", stored.GetProperty("category").GetString());
        Assert.Equal(bug.ToString(), stored.GetProperty("label").GetString());
        Assert.Equal(cycle.ToString(), stored.GetProperty("cycle").GetString());
        Assert.Equal("2026-12-31", stored.GetProperty("dueBefore").GetString());

        await AssertValidation(await Save(s.Owner, s.ProjectId, new { name = "X", filters = new { category = "doing", dueBefore = "31/12/2026", cycle = "c", assignee = "you" } }),
            "filters.category", "filters.dueBefore", "filters.cycle", "filters.assignee");
    }

    [Fact]
    public async Task Views_refuse_unknown_filters_bad_values_and_layouts()
    {
        var s = await WorkspaceWithProject();
        await AssertValidation(await Save(s.Owner, s.ProjectId, new { name = "", filters = new { colour = "red", priority = "asap", status = "x" }, layout = "grid" }),
            "name", "filters.colour", "filters.priority", "filters.status", "layout");
        await AssertValidation(await Save(s.Owner, s.ProjectId, new { name = "X", filters = new { q = 5 } }), "filters.q");
        await AssertValidation(await Save(s.Owner, s.ProjectId, new { name = "X", filters = "priority=high" }), "filters");
        await AssertValidation(await Save(s.Owner, s.ProjectId, new { name = "X", sort = "colour" }), "sort");
        await AssertValidation(await Save(s.Owner, s.ProjectId, new { name = "X", sort = "rank" }), "sort");
        await AssertValidation(await Save(s.Owner, s.ProjectId, new { name = "X", sort = "relevance" }), "sort");
        await AssertValidation(await Save(s.Owner, s.ProjectId, new { name = new string('x', 101) }), "name");

        var view = await Json(await Save(s.Owner, s.ProjectId, new { name = "Ok" }));
        await AssertValidation(await Send(s.Owner.Client, HttpMethod.Patch, $"/v1/views/{Id(view)}", new { layout = "table", shared = "yes", owner = "me", filters = new { label = "x" } }),
            "layout", "shared", "owner", "filters.label");
        Assert.Equal("Ok", (await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/views/{Id(view)}", Ct)).GetProperty("name").GetString());

        var outsider = await NewUser();
        await AssertProblem(await Save(outsider, s.ProjectId, new { name = "X" }), HttpStatusCode.NotFound, "project-not-found");
        await AssertProblem(await outsider.Client.GetAsync($"/v1/views/{Id(view)}", Ct), HttpStatusCode.NotFound, "view-not-found");
        await AssertProblem(await outsider.Client.GetAsync($"/v1/views/{Guid.NewGuid()}", Ct), HttpStatusCode.NotFound, "view-not-found");
    }
}

public sealed class SqliteSavedViewTests(SqliteApp app) : SavedViewTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresSavedViewTests(PostgresApp app) : SavedViewTests(app), IClassFixture<PostgresApp>;
