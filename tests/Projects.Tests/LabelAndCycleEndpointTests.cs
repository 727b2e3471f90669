using System.Net;
using System.Net.Http.Json;

namespace TaskFlow.Projects.Tests;

public abstract class LabelAndCycleEndpointTests(ProjectsApp app) : ProjectsTestBase(app)
{
    [Fact]
    public async Task Project_members_create_rename_and_delete_labels_with_names_unique_per_project()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        var member = await ProjectMember(owner, workspaceId, projectId, "member");
        var other = await CreateProject(owner, workspaceId, "API");
        var path = $"/v1/projects/{projectId}/labels";

        var created = await Client(member).PostAsJsonAsync(path, new { name = "Bug", color = "#d73a4a" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var bug = await Json(created);
        var bugId = bug.GetProperty("id").GetGuid();
        Assert.Equal("#D73A4A", bug.GetProperty("color").GetString());
        await Client(member).PostAsJsonAsync(path, new { name = "Feature", color = "#0E8A16" }, Ct);

        await AssertProblem(await Client(member).PostAsJsonAsync(path, new { name = "bug", color = "#000000" }, Ct), HttpStatusCode.Conflict, "label-name-taken");
        Assert.Equal(HttpStatusCode.Created, (await Client(owner).PostAsJsonAsync($"/v1/projects/{other}/labels", new { name = "Bug", color = "#000000" }, Ct)).StatusCode);

        var list = await Json(await Client(member).GetAsync(path, Ct));
        Assert.Equal(["Bug", "Feature"], list.EnumerateArray().Select(l => l.GetProperty("name").GetString()));

        await AssertProblem(await Client(member).PatchAsJsonAsync($"{path}/{bugId}", new { name = "FEATURE" }, Ct), HttpStatusCode.Conflict, "label-name-taken");
        var renamed = await Client(member).PatchAsJsonAsync($"{path}/{bugId}", new { name = "Defect", color = "#111111" }, Ct);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("Defect", (await Json(renamed)).GetProperty("name").GetString());
        await AssertProblem(await Client(member).PatchAsJsonAsync($"{path}/{Guid.NewGuid()}", new { name = "X" }, Ct), HttpStatusCode.NotFound, "label-not-found");

        Assert.Equal(HttpStatusCode.NoContent, (await Client(member).DeleteAsync($"{path}/{bugId}", Ct)).StatusCode);
        await AssertProblem(await Client(member).DeleteAsync($"{path}/{bugId}", Ct), HttpStatusCode.NotFound, "label-not-found");
        // A label of another project is not reachable through this one.
        var otherLabel = (await Json(await Client(owner).GetAsync($"/v1/projects/{other}/labels", Ct)))[0].GetProperty("id").GetGuid();
        await AssertProblem(await Client(owner).DeleteAsync($"{path}/{otherLabel}", Ct), HttpStatusCode.NotFound, "label-not-found");
    }

    [Fact]
    public async Task Labels_validate_name_and_color_and_need_a_writing_project_role()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        var viewer = await ProjectMember(owner, workspaceId, projectId, "viewer");
        var reader = await JoinWorkspace(owner, workspaceId, "viewer");
        var path = $"/v1/projects/{projectId}/labels";
        var labelId = (await Json(await Client(owner).PostAsJsonAsync(path, new { name = "Bug", color = "#FF0000" }, Ct))).GetProperty("id").GetGuid();

        await AssertValidation(await Client(owner).PostAsJsonAsync(path, new { name = "", color = "red" }, Ct), "name", "color");
        await AssertValidation(await Client(owner).PostAsJsonAsync(path, new { name = new string('x', 51), color = "#FF00" }, Ct), "name", "color");
        await AssertValidation(await Client(owner).PatchAsJsonAsync($"{path}/{labelId}", new { color = "#GGGGGG" }, Ct), "color");

        foreach (var caller in new[] { viewer, reader })
        {
            Assert.Equal(HttpStatusCode.OK, (await Client(caller).GetAsync(path, Ct)).StatusCode);
            await AssertProblem(await Client(caller).PostAsJsonAsync(path, new { name = "X", color = "#000000" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
            await AssertProblem(await Client(caller).PatchAsJsonAsync($"{path}/{labelId}", new { name = "X" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
            await AssertProblem(await Client(caller).DeleteAsync($"{path}/{labelId}", Ct), HttpStatusCode.Forbidden, "insufficient-role");
        }

        var outsider = TestUser.New();
        await AssertProblem(await Client(outsider).GetAsync(path, Ct), HttpStatusCode.NotFound, "project-not-found");
        await AssertProblem(await Client(outsider).DeleteAsync($"{path}/{labelId}", Ct), HttpStatusCode.NotFound, "project-not-found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().PostAsJsonAsync(path, new { name = "X", color = "#000000" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Project_members_plan_cycles()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        var member = await ProjectMember(owner, workspaceId, projectId, "member");
        var path = $"/v1/projects/{projectId}/cycles";

        var second = await Client(member).PostAsJsonAsync(path, new { name = "Cycle 2", startDate = "2026-01-15", endDate = "2026-01-28" }, Ct);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var secondId = (await Json(second)).GetProperty("id").GetGuid();
        var oneDay = await Client(member).PostAsJsonAsync(path, new { name = "Cycle 1", startDate = "2026-01-01", endDate = "2026-01-01" }, Ct);
        Assert.Equal(HttpStatusCode.Created, oneDay.StatusCode);

        var list = await Json(await Client(member).GetAsync(path, Ct));
        Assert.Equal(["Cycle 1", "Cycle 2"], list.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal("2026-01-15", list[1].GetProperty("startDate").GetString());
        Assert.Equal("2026-01-28", list[1].GetProperty("endDate").GetString());

        var moved = await Client(member).PatchAsJsonAsync($"{path}/{secondId}", new { name = "Cycle 2b", endDate = "2026-02-04" }, Ct);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var body = await Json(moved);
        Assert.Equal("Cycle 2b", body.GetProperty("name").GetString());
        Assert.Equal("2026-01-15", body.GetProperty("startDate").GetString());
        Assert.Equal("2026-02-04", body.GetProperty("endDate").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await Client(member).DeleteAsync($"{path}/{secondId}", Ct)).StatusCode);
        await AssertProblem(await Client(member).DeleteAsync($"{path}/{secondId}", Ct), HttpStatusCode.NotFound, "cycle-not-found");
        await AssertProblem(await Client(member).PatchAsJsonAsync($"{path}/{secondId}", new { name = "X" }, Ct), HttpStatusCode.NotFound, "cycle-not-found");
    }

    [Fact]
    public async Task Label_and_cycle_changes_are_published_with_their_whole_state()
    {
        var (owner, _, projectId) = await WorkspaceWithProject();
        var labels = $"/v1/projects/{projectId}/labels";
        var labelId = (await Json(await Client(owner).PostAsJsonAsync(labels, new { name = "Bug", color = "#d73a4a" }, Ct))).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await Client(owner).PatchAsJsonAsync($"{labels}/{labelId}", new { name = "Defect" }, Ct)).StatusCode);
        // A patch that changes nothing publishes nothing.
        Assert.Equal(HttpStatusCode.OK, (await Client(owner).PatchAsJsonAsync($"{labels}/{labelId}", new { name = "Defect" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Client(owner).DeleteAsync($"{labels}/{labelId}", Ct)).StatusCode);

        var created = Assert.Single(await Outbox("LabelCreated"), e => e.GetProperty("labelId").GetGuid() == labelId);
        Assert.Equal(projectId, created.GetProperty("projectId").GetGuid());
        Assert.Equal("Bug", created.GetProperty("name").GetString());
        Assert.Equal("#D73A4A", created.GetProperty("color").GetString());
        var updated = Assert.Single(await Outbox("LabelUpdated"), e => e.GetProperty("labelId").GetGuid() == labelId);
        Assert.Equal(("Defect", "#D73A4A"), (updated.GetProperty("name").GetString(), updated.GetProperty("color").GetString()));
        Assert.Equal(projectId, Assert.Single(await Outbox("LabelDeleted"), e => e.GetProperty("labelId").GetGuid() == labelId).GetProperty("projectId").GetGuid());

        var cycles = $"/v1/projects/{projectId}/cycles";
        var cycleId = (await Json(await Client(owner).PostAsJsonAsync(cycles, new { name = "C1", startDate = "2026-01-01", endDate = "2026-01-14" }, Ct))).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await Client(owner).PatchAsJsonAsync($"{cycles}/{cycleId}", new { endDate = "2026-01-21" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Client(owner).DeleteAsync($"{cycles}/{cycleId}", Ct)).StatusCode);

        var cycle = Assert.Single(await Outbox("CycleCreated"), e => e.GetProperty("cycleId").GetGuid() == cycleId);
        Assert.Equal((projectId, "C1", "2026-01-01", "2026-01-14"), (cycle.GetProperty("projectId").GetGuid(), cycle.GetProperty("name").GetString(), cycle.GetProperty("startDate").GetString(), cycle.GetProperty("endDate").GetString()));
        var changed = Assert.Single(await Outbox("CycleUpdated"), e => e.GetProperty("cycleId").GetGuid() == cycleId);
        Assert.Equal(("C1", "2026-01-01", "2026-01-21"), (changed.GetProperty("name").GetString(), changed.GetProperty("startDate").GetString(), changed.GetProperty("endDate").GetString()));
        Assert.Equal(projectId, Assert.Single(await Outbox("CycleDeleted"), e => e.GetProperty("cycleId").GetGuid() == cycleId).GetProperty("projectId").GetGuid());
    }

    [Fact]
    public async Task Cycles_validate_dates_and_need_a_writing_project_role()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        var viewer = await ProjectMember(owner, workspaceId, projectId, "viewer");
        var path = $"/v1/projects/{projectId}/cycles";
        var cycleId = (await Json(await Client(owner).PostAsJsonAsync(path, new { name = "C1", startDate = "2026-01-01", endDate = "2026-01-14" }, Ct))).GetProperty("id").GetGuid();

        await AssertValidation(await Client(owner).PostAsJsonAsync(path, new { name = "" }, Ct), "name", "startDate", "endDate");
        await AssertValidation(await Client(owner).PostAsJsonAsync(path, new { name = "C", startDate = "2026-01-10", endDate = "2026-01-09" }, Ct), "endDate");
        await AssertValidation(await Client(owner).PatchAsJsonAsync($"{path}/{cycleId}", new { startDate = "2026-01-15" }, Ct), "endDate");
        await AssertValidation(await Client(owner).PatchAsJsonAsync($"{path}/{cycleId}", new { name = " " }, Ct), "name");

        Assert.Equal(HttpStatusCode.OK, (await Client(viewer).GetAsync(path, Ct)).StatusCode);
        await AssertProblem(await Client(viewer).PostAsJsonAsync(path, new { name = "C", startDate = "2026-01-01", endDate = "2026-01-02" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
        await AssertProblem(await Client(viewer).PatchAsJsonAsync($"{path}/{cycleId}", new { name = "X" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
        await AssertProblem(await Client(viewer).DeleteAsync($"{path}/{cycleId}", Ct), HttpStatusCode.Forbidden, "insufficient-role");

        var outsider = TestUser.New();
        await AssertProblem(await Client(outsider).GetAsync(path, Ct), HttpStatusCode.NotFound, "project-not-found");
        await AssertProblem(await Client(outsider).PatchAsJsonAsync($"{path}/{cycleId}", new { name = "X" }, Ct), HttpStatusCode.NotFound, "project-not-found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().GetAsync(path, Ct)).StatusCode);
    }
}

public sealed class SqliteLabelAndCycleEndpointTests(SqliteProjectsApp app) : LabelAndCycleEndpointTests(app), IClassFixture<SqliteProjectsApp>;

public sealed class PostgresLabelAndCycleEndpointTests(PostgresProjectsApp app) : LabelAndCycleEndpointTests(app), IClassFixture<PostgresProjectsApp>;
