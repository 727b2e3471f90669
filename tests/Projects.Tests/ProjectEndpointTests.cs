using System.Net;
using System.Net.Http.Json;

namespace TaskFlow.Projects.Tests;

public abstract class ProjectEndpointTests(ProjectsApp app) : ProjectsTestBase(app)
{
    [Fact]
    public async Task A_workspace_member_creates_a_project_with_the_default_workflow_and_events_are_published()
    {
        var owner = TestUser.New();
        var workspaceId = await CreateWorkspace(owner);
        var member = await JoinWorkspace(owner, workspaceId, "member");

        var response = await Client(member).PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new
        {
            name = "  Website  ",
            key = "WEB2",
            description = "The public site",
            leadId = owner.Id,
            startDate = "2026-01-05",
            targetDate = "2026-03-31",
        }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json(response);
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/v1/projects/{id}", response.Headers.Location?.ToString());
        Assert.Equal("Website", body.GetProperty("name").GetString());
        Assert.Equal("WEB2", body.GetProperty("key").GetString());
        Assert.Equal(workspaceId, body.GetProperty("workspaceId").GetGuid());
        Assert.Equal(owner.Id, body.GetProperty("leadId").GetGuid());
        Assert.Equal("2026-01-05", body.GetProperty("startDate").GetString());
        Assert.Equal("2026-03-31", body.GetProperty("targetDate").GetString());
        Assert.False(body.GetProperty("archived").GetBoolean());
        Assert.Equal("admin", body.GetProperty("role").GetString());

        var statuses = await Statuses(member, id);
        Assert.Equal(["Backlog", "Todo", "In Progress", "Done", "Cancelled"], statuses.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(["backlog", "todo", "in_progress", "done", "cancelled"], statuses.Select(s => s.GetProperty("category").GetString()));
        Assert.Equal([0, 1, 2, 3, 4], statuses.Select(s => s.GetProperty("position").GetInt32()));

        var members = await Json(await Client(member).GetAsync($"/v1/projects/{id}/members", Ct));
        var creator = Assert.Single(members.EnumerateArray());
        Assert.Equal(member.Id, creator.GetProperty("userId").GetGuid());
        Assert.Equal("admin", creator.GetProperty("role").GetString());

        var created = Assert.Single(await Outbox("ProjectCreated"), e => e.GetProperty("projectId").GetGuid() == id);
        Assert.Equal(workspaceId, created.GetProperty("workspaceId").GetGuid());
        Assert.Equal("WEB2", created.GetProperty("key").GetString());
        Assert.Equal("Website", created.GetProperty("name").GetString());
        var added = Assert.Single(await Outbox("ProjectMemberAdded"), e => e.GetProperty("projectId").GetGuid() == id);
        Assert.Equal(member.Id, added.GetProperty("userId").GetGuid());
        Assert.Equal("admin", added.GetProperty("role").GetString());
        var workflow = Assert.Single(await Outbox("WorkflowChanged"), e => e.GetProperty("projectId").GetGuid() == id);
        Assert.Equal(["Backlog", "Todo", "In Progress", "Done", "Cancelled"], workflow.GetProperty("statuses").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(statuses.Select(s => s.GetProperty("id").GetGuid()), workflow.GetProperty("statuses").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Creating_validates_each_field_by_name()
    {
        var owner = TestUser.New();
        var workspaceId = await CreateWorkspace(owner);
        var path = $"/v1/workspaces/{workspaceId}/projects";

        await AssertValidation(await Client(owner).PostAsJsonAsync(path, new { name = " ", key = "" }, Ct), "name", "key");
        await AssertValidation(await Client(owner).PostAsJsonAsync(path, new { name = new string('x', 101), key = "web" }, Ct), "name", "key");
        foreach (var bad in new[] { "W", "1AB", "ABCDEFGHIJK", "AB-C", "ab" })
            await AssertValidation(await Client(owner).PostAsJsonAsync(path, new { name = "P", key = bad }, Ct), "key");
        await AssertValidation(await Client(owner).PostAsJsonAsync(path, new { name = "P", key = "AB", description = new string('d', 2001) }, Ct), "description");
        await AssertValidation(await Client(owner).PostAsJsonAsync(path, new { name = "P", key = "AB", startDate = "2026-02-01", targetDate = "2026-01-31" }, Ct), "targetDate");
        await AssertValidation(await Client(owner).PostAsJsonAsync(path, new { name = "P", key = "AB", leadId = Guid.NewGuid() }, Ct), "leadId");

        Assert.Equal(HttpStatusCode.Created, (await Client(owner).PostAsJsonAsync(path, new { name = "P", key = "A1234567B9" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task A_key_is_unique_per_workspace_but_may_repeat_in_another()
    {
        var owner = TestUser.New();
        var first = await CreateWorkspace(owner, "First");
        var second = await CreateWorkspace(owner, "Second");
        await CreateProject(owner, first, "WEB");

        var taken = await Client(owner).PostAsJsonAsync($"/v1/workspaces/{first}/projects", new { name = "Other", key = "WEB" }, Ct);
        await AssertProblem(taken, HttpStatusCode.Conflict, "project-key-taken");

        await CreateProject(owner, second, "WEB");
    }

    [Fact]
    public async Task Workspace_viewers_cannot_create_outsiders_get_404_and_anonymous_401()
    {
        var owner = TestUser.New();
        var workspaceId = await CreateWorkspace(owner);
        var viewer = await JoinWorkspace(owner, workspaceId, "viewer");
        var path = $"/v1/workspaces/{workspaceId}/projects";

        await AssertProblem(await Client(viewer).PostAsJsonAsync(path, new { name = "P", key = "AB" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
        Assert.Equal(HttpStatusCode.OK, (await Client(viewer).GetAsync(path, Ct)).StatusCode);

        var outsider = TestUser.New();
        await AssertProblem(await Client(outsider).PostAsJsonAsync(path, new { name = "P", key = "AB" }, Ct), HttpStatusCode.NotFound, "workspace-not-found");
        await AssertProblem(await Client(outsider).GetAsync(path, Ct), HttpStatusCode.NotFound, "workspace-not-found");
        await AssertProblem(await Client(outsider).GetAsync($"/v1/workspaces/{Guid.NewGuid()}/projects", Ct), HttpStatusCode.NotFound, "workspace-not-found");

        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().PostAsJsonAsync(path, new { name = "P", key = "AB" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().GetAsync(path, Ct)).StatusCode);
    }

    [Fact]
    public async Task The_list_shows_the_workspace_projects_by_key_with_the_callers_role_and_archived_ones_on_request()
    {
        var owner = TestUser.New();
        var workspaceId = await CreateWorkspace(owner);
        var member = await JoinWorkspace(owner, workspaceId, "member");
        var web = await CreateProject(owner, workspaceId, "WEB");
        var api = await CreateProject(member, workspaceId, "API");
        var old = await CreateProject(owner, workspaceId, "OLD");
        Assert.Equal(HttpStatusCode.OK, (await Client(owner).PostAsync($"/v1/projects/{old}/archive", null, Ct)).StatusCode);
        var stranger = TestUser.New();
        await CreateProject(stranger, await CreateWorkspace(stranger, "Elsewhere"), "ZZZ");

        var list = await Json(await Client(member).GetAsync($"/v1/workspaces/{workspaceId}/projects", Ct));
        Assert.Equal([api, web], list.EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
        Assert.Equal(["admin", "member"], list.EnumerateArray().Select(p => p.GetProperty("role").GetString()));

        var all = await Json(await Client(owner).GetAsync($"/v1/workspaces/{workspaceId}/projects?includeArchived=true", Ct));
        Assert.Equal([api, old, web], all.EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
        Assert.Equal(["admin", "admin", "admin"], all.EnumerateArray().Select(p => p.GetProperty("role").GetString()));
        Assert.True(all.EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == old).GetProperty("archived").GetBoolean());
    }

    [Fact]
    public async Task Get_shows_a_project_to_every_workspace_member_and_hides_it_from_outsiders()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        var viewer = await JoinWorkspace(owner, workspaceId, "viewer");

        var seen = await Client(viewer).GetAsync($"/v1/projects/{projectId}", Ct);
        Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
        var body = await Json(seen);
        Assert.Equal("WEB", body.GetProperty("key").GetString());
        Assert.Equal("reader", body.GetProperty("role").GetString());

        await AssertProblem(await Client(TestUser.New()).GetAsync($"/v1/projects/{projectId}", Ct), HttpStatusCode.NotFound, "project-not-found");
        await AssertProblem(await Client(owner).GetAsync($"/v1/projects/{Guid.NewGuid()}", Ct), HttpStatusCode.NotFound, "project-not-found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().GetAsync($"/v1/projects/{projectId}", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_project_admin_updates_details_the_key_stays_and_ProjectUpdated_names_the_changed_fields()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        var lead = await JoinWorkspace(owner, workspaceId, "member");

        var response = await Client(owner).PatchAsJsonAsync($"/v1/projects/{projectId}", new
        {
            name = "New site",
            description = "Relaunch",
            leadId = lead.Id,
            targetDate = "2026-06-30",
            key = "NEW",
        }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        Assert.Equal("New site", body.GetProperty("name").GetString());
        Assert.Equal("Relaunch", body.GetProperty("description").GetString());
        Assert.Equal(lead.Id, body.GetProperty("leadId").GetGuid());
        Assert.Equal("2026-06-30", body.GetProperty("targetDate").GetString());
        Assert.Equal("WEB", body.GetProperty("key").GetString());
        var updated = Assert.Single(await Outbox("ProjectUpdated"), e => e.GetProperty("projectId").GetGuid() == projectId);
        Assert.Equal(workspaceId, updated.GetProperty("workspaceId").GetGuid());
        Assert.Equal(["name", "description", "leadId", "targetDate"], updated.GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()));
        // The project's name and target date after the change (the reporting overview keeps them).
        Assert.Equal(("New site", "2026-06-30"), (updated.GetProperty("name").GetString(), updated.GetProperty("targetDate").GetString()));

        var path = $"/v1/projects/{projectId}";
        await AssertValidation(await Client(owner).PatchAsJsonAsync(path, new { name = "" }, Ct), "name");
        await AssertValidation(await Client(owner).PatchAsJsonAsync(path, new { leadId = Guid.NewGuid() }, Ct), "leadId");
        await AssertValidation(await Client(owner).PatchAsJsonAsync(path, new { startDate = "2026-07-01" }, Ct), "targetDate");
        await AssertValidation(await Client(owner).PatchAsJsonAsync(path, new { description = new string('d', 2001) }, Ct), "description");
    }

    [Fact]
    public async Task Archived_projects_are_read_only_until_unarchived()
    {
        var (owner, _, projectId) = await WorkspaceWithProject();
        var path = $"/v1/projects/{projectId}";

        var archived = await Client(owner).PostAsync($"{path}/archive", null, Ct);
        Assert.Equal(HttpStatusCode.OK, archived.StatusCode);
        Assert.True((await Json(archived)).GetProperty("archived").GetBoolean());
        Assert.Contains(await Outbox("ProjectArchived"), e => e.GetProperty("projectId").GetGuid() == projectId);

        Assert.Equal(HttpStatusCode.OK, (await Client(owner).GetAsync(path, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client(owner).GetAsync($"{path}/statuses", Ct)).StatusCode);
        await AssertProblem(await Client(owner).PatchAsJsonAsync(path, new { name = "X" }, Ct), HttpStatusCode.Conflict, "project-archived");
        await AssertProblem(await Client(owner).PostAsync($"{path}/archive", null, Ct), HttpStatusCode.Conflict, "project-archived");
        await AssertProblem(await Client(owner).PostAsJsonAsync($"{path}/labels", new { name = "Bug", color = "#FF0000" }, Ct), HttpStatusCode.Conflict, "project-archived");
        await AssertProblem(await Client(owner).PostAsJsonAsync($"{path}/statuses", new { name = "Review", category = "in_progress" }, Ct), HttpStatusCode.Conflict, "project-archived");
        await AssertProblem(await Client(owner).PostAsJsonAsync($"{path}/cycles", new { name = "C1", startDate = "2026-01-01", endDate = "2026-01-14" }, Ct), HttpStatusCode.Conflict, "project-archived");
        await AssertProblem(await Client(owner).DeleteAsync(path, Ct), HttpStatusCode.Conflict, "project-archived");

        var unarchived = await Client(owner).PostAsync($"{path}/unarchive", null, Ct);
        Assert.Equal(HttpStatusCode.OK, unarchived.StatusCode);
        Assert.False((await Json(unarchived)).GetProperty("archived").GetBoolean());
        Assert.Contains(await Outbox("ProjectUnarchived"), e => e.GetProperty("projectId").GetGuid() == projectId);
        Assert.Equal(HttpStatusCode.OK, (await Client(owner).PatchAsJsonAsync(path, new { name = "X" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Only_workspace_owners_and_admins_delete_a_project()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        var projectAdmin = await ProjectMember(owner, workspaceId, projectId, "admin");
        var workspaceAdmin = await JoinWorkspace(owner, workspaceId, "admin");
        var path = $"/v1/projects/{projectId}";

        await AssertProblem(await Client(projectAdmin).DeleteAsync(path, Ct), HttpStatusCode.Forbidden, "insufficient-role");
        await AssertProblem(await Client(TestUser.New()).DeleteAsync(path, Ct), HttpStatusCode.NotFound, "project-not-found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().DeleteAsync(path, Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Client(workspaceAdmin).DeleteAsync(path, Ct)).StatusCode);
        await AssertProblem(await Client(owner).GetAsync(path, Ct), HttpStatusCode.NotFound, "project-not-found");
        var deleted = Assert.Single(await Outbox("ProjectDeleted"), e => e.GetProperty("projectId").GetGuid() == projectId);
        Assert.Equal(workspaceId, deleted.GetProperty("workspaceId").GetGuid());
    }
}

public sealed class SqliteProjectEndpointTests(SqliteProjectsApp app) : ProjectEndpointTests(app), IClassFixture<SqliteProjectsApp>;

public sealed class PostgresProjectEndpointTests(PostgresProjectsApp app) : ProjectEndpointTests(app), IClassFixture<PostgresProjectsApp>;
