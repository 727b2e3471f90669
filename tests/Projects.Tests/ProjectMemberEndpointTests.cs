using System.Net;
using System.Net.Http.Json;

namespace TaskFlow.Projects.Tests;

public abstract class ProjectMemberEndpointTests(ProjectsApp app) : ProjectsTestBase(app)
{
    [Fact]
    public async Task A_project_admin_adds_changes_and_removes_members_and_events_are_published()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        var user = await JoinWorkspace(owner, workspaceId, "member");
        var path = $"/v1/projects/{projectId}/members";

        var added = await Client(owner).PostAsJsonAsync(path, new { userId = user.Id, role = "viewer" }, Ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal("viewer", (await Json(added)).GetProperty("role").GetString());
        var list = await Json(await Client(user).GetAsync(path, Ct));
        Assert.Equal([owner.Id, user.Id], list.EnumerateArray().Select(m => m.GetProperty("userId").GetGuid()));
        Assert.Equal(["admin", "viewer"], list.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        var addedEvent = Assert.Single(await Outbox("ProjectMemberAdded"), e => e.GetProperty("projectId").GetGuid() == projectId && e.GetProperty("userId").GetGuid() == user.Id);
        Assert.Equal("viewer", addedEvent.GetProperty("role").GetString());

        await AssertProblem(await Client(owner).PostAsJsonAsync(path, new { userId = user.Id, role = "member" }, Ct), HttpStatusCode.Conflict, "already-project-member");

        var changed = await Client(owner).PatchAsJsonAsync($"{path}/{user.Id}", new { role = "member" }, Ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("member", (await Json(changed)).GetProperty("role").GetString());
        var changedEvent = Assert.Single(await Outbox("ProjectMemberRoleChanged"), e => e.GetProperty("projectId").GetGuid() == projectId);
        Assert.Equal(user.Id, changedEvent.GetProperty("userId").GetGuid());
        Assert.Equal("member", changedEvent.GetProperty("role").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await Client(owner).DeleteAsync($"{path}/{user.Id}", Ct)).StatusCode);
        Assert.Contains(await Outbox("ProjectMemberRemoved"), e => e.GetProperty("projectId").GetGuid() == projectId && e.GetProperty("userId").GetGuid() == user.Id);
        await AssertProblem(await Client(owner).DeleteAsync($"{path}/{user.Id}", Ct), HttpStatusCode.NotFound, "project-member-not-found");
        await AssertProblem(await Client(owner).PatchAsJsonAsync($"{path}/{user.Id}", new { role = "member" }, Ct), HttpStatusCode.NotFound, "project-member-not-found");
    }

    [Fact]
    public async Task Adding_validates_role_and_requires_a_workspace_member()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        var user = await JoinWorkspace(owner, workspaceId, "member");
        var path = $"/v1/projects/{projectId}/members";

        await AssertValidation(await Client(owner).PostAsJsonAsync(path, new { userId = Guid.NewGuid(), role = "member" }, Ct), "userId");
        await AssertValidation(await Client(owner).PostAsJsonAsync(path, new { role = "member" }, Ct), "userId");
        await AssertValidation(await Client(owner).PostAsJsonAsync(path, new { userId = user.Id, role = "owner" }, Ct), "role");
        await AssertValidation(await Client(owner).PostAsJsonAsync(path, new { userId = Guid.NewGuid(), role = "boss" }, Ct), "userId", "role");
        await AssertValidation(await Client(owner).PatchAsJsonAsync($"{path}/{owner.Id}", new { role = "reader" }, Ct), "role");
    }

    [Fact]
    public async Task Project_members_viewers_and_non_members_cannot_manage_members_but_anyone_may_leave()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        var member = await ProjectMember(owner, workspaceId, projectId, "member");
        var viewer = await ProjectMember(owner, workspaceId, projectId, "viewer");
        var reader = await JoinWorkspace(owner, workspaceId, "viewer");
        var path = $"/v1/projects/{projectId}/members";

        foreach (var caller in new[] { member, viewer, reader })
        {
            await AssertProblem(await Client(caller).PostAsJsonAsync(path, new { userId = reader.Id, role = "member" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
            await AssertProblem(await Client(caller).PatchAsJsonAsync($"{path}/{member.Id}", new { role = "admin" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
            await AssertProblem(await Client(caller).DeleteAsync($"{path}/{owner.Id}", Ct), HttpStatusCode.Forbidden, "insufficient-role");
            Assert.Equal(HttpStatusCode.OK, (await Client(caller).GetAsync(path, Ct)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await Client(viewer).DeleteAsync($"{path}/{viewer.Id}", Ct)).StatusCode);

        var outsider = TestUser.New();
        await AssertProblem(await Client(outsider).GetAsync(path, Ct), HttpStatusCode.NotFound, "project-not-found");
        await AssertProblem(await Client(outsider).PostAsJsonAsync(path, new { userId = reader.Id, role = "member" }, Ct), HttpStatusCode.NotFound, "project-not-found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().GetAsync(path, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().PostAsJsonAsync(path, new { userId = reader.Id, role = "member" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Workspace_admins_act_as_project_admin_and_workspace_viewers_never_write()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        var workspaceAdmin = await JoinWorkspace(owner, workspaceId, "admin");
        var workspaceViewer = await ProjectMember(owner, workspaceId, projectId, "admin", workspaceRole: "viewer");

        var asAdmin = await Json(await Client(workspaceAdmin).GetAsync($"/v1/projects/{projectId}", Ct));
        Assert.Equal("admin", asAdmin.GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Client(workspaceAdmin).PatchAsJsonAsync($"/v1/projects/{projectId}", new { name = "By admin" }, Ct)).StatusCode);

        var asViewer = await Json(await Client(workspaceViewer).GetAsync($"/v1/projects/{projectId}", Ct));
        Assert.Equal("viewer", asViewer.GetProperty("role").GetString());
        await AssertProblem(await Client(workspaceViewer).PatchAsJsonAsync($"/v1/projects/{projectId}", new { name = "By viewer" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
    }
}

public sealed class SqliteProjectMemberEndpointTests(SqliteProjectsApp app) : ProjectMemberEndpointTests(app), IClassFixture<SqliteProjectsApp>;

public sealed class PostgresProjectMemberEndpointTests(PostgresProjectsApp app) : ProjectMemberEndpointTests(app), IClassFixture<PostgresProjectsApp>;
