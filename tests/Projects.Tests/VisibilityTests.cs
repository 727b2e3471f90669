using System.Net;
using System.Net.Http.Json;

namespace TaskFlow.Projects.Tests;

/// <summary>
/// ADR 0005's access model: a workspace project is writable by every workspace member and readable by viewers; a
/// private one is hidden from everyone but its members and the workspace's owners and admins.
/// </summary>
public abstract class VisibilityTests(ProjectsApp app) : ProjectsTestBase(app)
{
    [Fact]
    public async Task A_workspace_member_without_a_project_role_works_in_a_workspace_project_and_a_viewer_only_reads()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        var member = await JoinWorkspace(owner, workspaceId, "member");
        var viewer = await JoinWorkspace(owner, workspaceId, "viewer");
        var p = $"/v1/projects/{projectId}";

        var project = await Json(await Client(member).GetAsync(p, Ct));
        Assert.Equal(("member", "workspace"), (project.GetProperty("role").GetString(), project.GetProperty("visibility").GetString()));
        Assert.Equal(HttpStatusCode.Created, (await Client(member).PostAsJsonAsync($"{p}/labels", new { name = "Bug", color = "#FF0000" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Client(member).PostAsJsonAsync($"{p}/cycles", new { name = "Sprint 1", startDate = "2026-01-01", endDate = "2026-01-14" }, Ct)).StatusCode);
        // Managing the project stays with project admins.
        await AssertProblem(await Client(member).PatchAsJsonAsync(p, new { name = "Mine" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");

        Assert.Equal("reader", (await Json(await Client(viewer).GetAsync(p, Ct))).GetProperty("role").GetString());
        await AssertProblem(await Client(viewer).PostAsJsonAsync($"{p}/labels", new { name = "Idea", color = "#00FF00" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
    }

    [Fact]
    public async Task A_private_project_is_hidden_from_workspace_members_who_are_not_its_members()
    {
        var owner = TestUser.New();
        var workspaceId = await CreateWorkspace(owner);
        var admin = await JoinWorkspace(owner, workspaceId, "admin");
        var member = await JoinWorkspace(owner, workspaceId, "member");
        var viewer = await JoinWorkspace(owner, workspaceId, "viewer");
        var insider = await JoinWorkspace(owner, workspaceId, "member");
        var open = await CreateProject(owner, workspaceId, "WEB");

        var created = await Client(owner).PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Secret", key = "SEC", visibility = "private" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await Json(created);
        Assert.Equal("private", body.GetProperty("visibility").GetString());
        var secret = body.GetProperty("id").GetGuid();
        var created2 = Assert.Single(await Outbox("ProjectCreated"), e => e.GetProperty("projectId").GetGuid() == secret);
        Assert.Equal("private", created2.GetProperty("visibility").GetString());
        Assert.Equal(HttpStatusCode.Created, (await Client(owner).PostAsJsonAsync($"/v1/projects/{secret}/members", new { userId = insider.Id, role = "member" }, Ct)).StatusCode);

        foreach (var hidden in new[] { member, viewer })
        {
            await AssertProblem(await Client(hidden).GetAsync($"/v1/projects/{secret}", Ct), HttpStatusCode.NotFound, "project-not-found");
            await AssertProblem(await Client(hidden).PostAsJsonAsync($"/v1/projects/{secret}/labels", new { name = "X", color = "#000000" }, Ct), HttpStatusCode.NotFound, "project-not-found");
            var list = await Json(await Client(hidden).GetAsync($"/v1/workspaces/{workspaceId}/projects", Ct));
            Assert.Equal([open], list.EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
        }
        Assert.Equal("member", (await Json(await Client(insider).GetAsync($"/v1/projects/{secret}", Ct))).GetProperty("role").GetString());
        Assert.Equal("admin", (await Json(await Client(admin).GetAsync($"/v1/projects/{secret}", Ct))).GetProperty("role").GetString());
        Assert.Equal(2, (await Json(await Client(admin).GetAsync($"/v1/workspaces/{workspaceId}/projects", Ct))).GetArrayLength());

        // Making it workspace-visible opens it to everyone; ProjectUpdated carries the visibility.
        var opened = await Client(owner).PatchAsJsonAsync($"/v1/projects/{secret}", new { visibility = "workspace" }, Ct);
        Assert.Equal("workspace", (await Json(opened)).GetProperty("visibility").GetString());
        var updated = Assert.Single(await Outbox("ProjectUpdated"), e => e.GetProperty("projectId").GetGuid() == secret);
        Assert.Equal(("workspace", "visibility"), (updated.GetProperty("visibility").GetString(), updated.GetProperty("changedFields")[0].GetString()));
        Assert.Equal("member", (await Json(await Client(member).GetAsync($"/v1/projects/{secret}", Ct))).GetProperty("role").GetString());

        await AssertValidation(await Client(owner).PatchAsJsonAsync($"/v1/projects/{secret}", new { visibility = "secret" }, Ct), "visibility");
        await AssertValidation(await Client(owner).PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "X", key = "XX", visibility = "team" }, Ct), "visibility");
    }
}

public sealed class SqliteVisibilityTests(SqliteProjectsApp app) : VisibilityTests(app), IClassFixture<SqliteProjectsApp>;

public sealed class PostgresVisibilityTests(PostgresProjectsApp app) : VisibilityTests(app), IClassFixture<PostgresProjectsApp>;
