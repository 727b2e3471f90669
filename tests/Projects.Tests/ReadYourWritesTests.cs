using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using TaskFlow.TestKit;

namespace TaskFlow.Projects.Tests;

/// <summary>
/// Once the workspaces service has answered 2xx, a request that depends on the change succeeds here at once, although
/// the membership copy is fed by events that may not have arrived yet (docs/adr/0005). No waiting between the calls.
/// </summary>
public abstract partial class ReadYourWritesTests(ProjectsApp app) : ProjectsTestBase(app)
{
    [Fact]
    public async Task A_project_can_be_created_right_after_its_workspace()
    {
        var owner = TestUser.New("Olivia Owner");
        var client = Client(owner);
        for (var i = 0; i < 20; i++)
        {
            var workspace = await client.PostAsJsonAsync("/v1/workspaces", new { name = "Acme " + i }, Ct);
            Assert.Equal(HttpStatusCode.Created, workspace.StatusCode);
            var workspaceId = (await Json(workspace)).GetProperty("id").GetGuid();

            var project = await client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Website", key = "WEB" }, Ct);
            Assert.True(project.StatusCode == HttpStatusCode.Created, $"round {i}: {(int)project.StatusCode} {await project.Content.ReadAsStringAsync(Ct)}");
            var projectId = (await Json(project)).GetProperty("id").GetGuid();

            var read = await client.GetAsync($"/v1/projects/{projectId}", Ct);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);

            // The tasks service depends on the project, its statuses and its labels: each usable at once too.
            var board = await client.GetAsync($"/v1/projects/{projectId}/tasks", Ct);
            Assert.True(board.StatusCode == HttpStatusCode.OK, $"round {i}, tasks of the new project: {(int)board.StatusCode}");
            var label = await client.PostAsJsonAsync($"/v1/projects/{projectId}/labels", new { name = "Bug", color = "#d32f2f" }, Ct);
            Assert.Equal(HttpStatusCode.Created, label.StatusCode);
            var labelId = (await Json(label)).GetProperty("id").GetGuid();
            var task = await client.PostAsJsonAsync($"/v1/projects/{projectId}/tasks", new { title = "Launch", labelIds = new[] { labelId } }, Ct);
            Assert.True(task.StatusCode == HttpStatusCode.Created, $"round {i}, a task with the new label: {(int)task.StatusCode} {await task.Content.ReadAsStringAsync(Ct)}");
        }
    }

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex InvitationToken();

    [Fact]
    public async Task A_member_who_just_accepted_an_invitation_can_use_the_workspace_at_once()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        for (var i = 0; i < 3; i++)
        {
            var user = TestUser.New();
            var invited = await Client(owner).PostAsJsonAsync($"/v1/workspaces/{workspaceId}/invitations", new { email = user.Email, role = "member" }, Ct);
            Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
            var mail = await App.WaitForMail(user.Email);
            var token = InvitationToken().Match(mail.TextBody ?? mail.HtmlBody ?? "").Groups[1].Value;

            var accepted = await Client(user).PostAsJsonAsync("/v1/invitations/accept", new { token }, Ct);
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            var list = await Client(user).GetAsync($"/v1/workspaces/{workspaceId}/projects", Ct);
            Assert.True(list.StatusCode == HttpStatusCode.OK, $"round {i}: {(int)list.StatusCode} {await list.Content.ReadAsStringAsync(Ct)}");
            var project = await Client(user).GetAsync($"/v1/projects/{projectId}", Ct);
            Assert.Equal(HttpStatusCode.OK, project.StatusCode);
            var created = await Client(user).PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Own " + i, key = "OWN" + i }, Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
    }

    [Fact]
    public async Task A_removed_member_loses_access_everywhere_at_once()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        for (var i = 0; i < 3; i++)
        {
            var member = await JoinWorkspace(owner, workspaceId, "member");
            await WaitUntil(async () => (await Client(member).GetAsync($"/v1/projects/{projectId}/tasks", Ct)).StatusCode == HttpStatusCode.OK, "tasks to know the member");

            var removed = await Client(owner).DeleteAsync($"/v1/workspaces/{workspaceId}/members/{member.Id}", Ct);
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);

            // Projects and tasks (each with its own copy), on the very next request.
            Assert.Equal(HttpStatusCode.NotFound, (await Client(member).GetAsync($"/v1/projects/{projectId}", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Client(member).GetAsync($"/v1/workspaces/{workspaceId}/projects", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Client(member).GetAsync($"/v1/projects/{projectId}/tasks", Ct)).StatusCode);
        }
    }

    [Fact]
    public async Task A_deleted_workspace_is_gone_everywhere_at_once()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        await WaitUntil(async () => (await Client(owner).GetAsync($"/v1/projects/{projectId}/tasks", Ct)).StatusCode == HttpStatusCode.OK, "tasks to know the project");

        Assert.Equal(HttpStatusCode.NoContent, (await Client(owner).DeleteAsync($"/v1/workspaces/{workspaceId}", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await Client(owner).GetAsync($"/v1/projects/{projectId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client(owner).GetAsync($"/v1/projects/{projectId}/tasks", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_project_name_with_a_nul_character_is_a_400_naming_the_field()
    {
        var (owner, workspaceId, _) = await WorkspaceWithProject();
        var response = await Client(owner).PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Web\u0000site", key = "NUL" }, Ct);
        await AssertValidation(response, "name");
    }

    [Fact]
    public async Task Someone_outside_the_workspace_still_gets_404()
    {
        var (_, workspaceId, projectId) = await WorkspaceWithProject();
        var stranger = Client(TestUser.New());
        await AssertProblem(await stranger.GetAsync($"/v1/workspaces/{workspaceId}/projects", Ct), HttpStatusCode.NotFound, "workspace-not-found");
        await AssertProblem(await stranger.GetAsync($"/v1/projects/{projectId}", Ct), HttpStatusCode.NotFound);
    }
}

public sealed class SqliteReadYourWritesTests(SqliteProjectsApp app) : ReadYourWritesTests(app), IClassFixture<SqliteProjectsApp>;

public sealed class PostgresReadYourWritesTests(PostgresProjectsApp app) : ReadYourWritesTests(app), IClassFixture<PostgresProjectsApp>;
