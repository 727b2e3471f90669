using System.Net;

namespace TaskFlow.Projects.Tests;

/// <summary>
/// Every endpoint of the projects service against every kind of caller, all signed in through identity: anonymous 401,
/// a user of another workspace 404, and 403 for a project viewer, a workspace viewer (reader) and a project member below
/// the endpoint's role. The table is compared with the app's route table, so an endpoint added without a row fails.
/// </summary>
public abstract class AccessMatrixTests(TaskFlowApp app) : ProjectsTestBase(app)
{
    protected override bool UsersSignInThroughIdentity => true;

    /// <summary>The weakest role a row needs: a project role, or a workspace role for the workspace-level routes.</summary>
    enum Needs { ProjectViewer, ProjectMember, ProjectAdmin, WorkspaceMember, WorkspaceAdmin }

    sealed record Context(Guid WorkspaceId, Guid ProjectId, Guid OwnerId, Guid ReaderId, Guid[] StatusIds);

    sealed record Row(string Method, string Pattern, Func<Context, string> Path, Func<Context, object?> Body, Needs Needs);

    static string P(Context c) => $"/v1/projects/{c.ProjectId}";

    static readonly Guid Unknown = Guid.NewGuid();

    static readonly Row[] Table =
    [
        new("POST", "/v1/workspaces/{workspaceId}/projects", c => $"/v1/workspaces/{c.WorkspaceId}/projects", _ => new { name = "X", key = "XX" }, Needs.WorkspaceMember),
        new("GET", "/v1/workspaces/{workspaceId}/projects", c => $"/v1/workspaces/{c.WorkspaceId}/projects", _ => null, Needs.ProjectViewer),
        new("GET", "/v1/projects/{projectId}", P, _ => null, Needs.ProjectViewer),
        new("PATCH", "/v1/projects/{projectId}", P, _ => new { name = "X" }, Needs.ProjectAdmin),
        new("POST", "/v1/projects/{projectId}/archive", c => $"{P(c)}/archive", _ => null, Needs.ProjectAdmin),
        new("POST", "/v1/projects/{projectId}/unarchive", c => $"{P(c)}/unarchive", _ => null, Needs.ProjectAdmin),
        new("DELETE", "/v1/projects/{projectId}", P, _ => null, Needs.WorkspaceAdmin),
        new("GET", "/v1/projects/{projectId}/members", c => $"{P(c)}/members", _ => null, Needs.ProjectViewer),
        new("POST", "/v1/projects/{projectId}/members", c => $"{P(c)}/members", c => new { userId = c.ReaderId, role = "member" }, Needs.ProjectAdmin),
        new("PATCH", "/v1/projects/{projectId}/members/{userId}", c => $"{P(c)}/members/{c.OwnerId}", _ => new { role = "member" }, Needs.ProjectAdmin),
        new("DELETE", "/v1/projects/{projectId}/members/{userId}", c => $"{P(c)}/members/{c.OwnerId}", _ => null, Needs.ProjectAdmin),
        new("GET", "/v1/projects/{projectId}/statuses", c => $"{P(c)}/statuses", _ => null, Needs.ProjectViewer),
        new("POST", "/v1/projects/{projectId}/statuses", c => $"{P(c)}/statuses", _ => new { name = "X", category = "todo" }, Needs.ProjectAdmin),
        new("PATCH", "/v1/projects/{projectId}/statuses/{statusId}", c => $"{P(c)}/statuses/{c.StatusIds[0]}", _ => new { name = "X" }, Needs.ProjectAdmin),
        new("PUT", "/v1/projects/{projectId}/statuses/order", c => $"{P(c)}/statuses/order", c => new { statusIds = c.StatusIds }, Needs.ProjectAdmin),
        new("DELETE", "/v1/projects/{projectId}/statuses/{statusId}", c => $"{P(c)}/statuses/{c.StatusIds[0]}?moveTo={c.StatusIds[1]}", _ => null, Needs.ProjectAdmin),
        new("GET", "/v1/projects/{projectId}/labels", c => $"{P(c)}/labels", _ => null, Needs.ProjectViewer),
        new("POST", "/v1/projects/{projectId}/labels", c => $"{P(c)}/labels", _ => new { name = "X", color = "#000000" }, Needs.ProjectMember),
        new("PATCH", "/v1/projects/{projectId}/labels/{labelId}", c => $"{P(c)}/labels/{Unknown}", _ => new { name = "X" }, Needs.ProjectMember),
        new("DELETE", "/v1/projects/{projectId}/labels/{labelId}", c => $"{P(c)}/labels/{Unknown}", _ => null, Needs.ProjectMember),
        new("GET", "/v1/projects/{projectId}/cycles", c => $"{P(c)}/cycles", _ => null, Needs.ProjectViewer),
        new("POST", "/v1/projects/{projectId}/cycles", c => $"{P(c)}/cycles", _ => new { name = "X", startDate = "2026-01-01", endDate = "2026-01-02" }, Needs.ProjectMember),
        new("PATCH", "/v1/projects/{projectId}/cycles/{cycleId}", c => $"{P(c)}/cycles/{Unknown}", _ => new { name = "X" }, Needs.ProjectMember),
        new("DELETE", "/v1/projects/{projectId}/cycles/{cycleId}", c => $"{P(c)}/cycles/{Unknown}", _ => null, Needs.ProjectMember),
    ];

    [Fact]
    public void The_table_covers_every_route_of_the_projects_service_and_none_is_anonymous()
    {
        var routes = RouteTable.Of<ProjectsModule>(App.Services);
        Assert.Equal(Table.Select(r => $"{r.Method} {r.Pattern}").Order(StringComparer.Ordinal), routes.Select(r => r.ToString()));
        Assert.Empty(routes.Where(r => r.AllowsAnonymous).Select(r => r.ToString()));
    }

    [Fact]
    public async Task Every_endpoint_refuses_anonymous_outsiders_and_callers_without_the_role()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        var viewer = await ProjectMember(owner, workspaceId, projectId, "viewer");
        var reader = await JoinWorkspace(owner, workspaceId, "viewer");
        var member = await ProjectMember(owner, workspaceId, projectId, "member");
        var outsider = await NewUser("Oscar Outsider");
        var c = new Context(workspaceId, projectId, owner.Id, reader.Id, [.. (await Statuses(owner, projectId)).Select(s => s.GetProperty("id").GetGuid())]);
        // Workspace role, project role.
        var callers = new[] { ("viewer", viewer, Needs.WorkspaceMember, Needs.ProjectViewer), ("reader", reader, (Needs?)null, Needs.ProjectViewer), ("member", member, Needs.WorkspaceMember, Needs.ProjectMember) };

        foreach (var row in Table)
        {
            var what = $"{row.Method} {row.Pattern}";
            var path = row.Path(c);
            var method = new HttpMethod(row.Method);
            Assert.True(HttpStatusCode.Unauthorized == (await Send(Anonymous(), method, path, row.Body(c))).StatusCode, $"{what} anonymous");

            var hidden = await Send(Client(outsider), method, path, row.Body(c));
            Assert.True(HttpStatusCode.NotFound == hidden.StatusCode, $"{what} outsider: {(int)hidden.StatusCode}");
            await AssertProblem(hidden, HttpStatusCode.NotFound, row.Pattern.StartsWith("/v1/workspaces", StringComparison.Ordinal) ? "workspace-not-found" : "project-not-found");

            foreach (var (name, caller, workspaceRole, projectRole) in callers)
            {
                var allowed = row.Needs switch
                {
                    Needs.WorkspaceMember => workspaceRole == Needs.WorkspaceMember,
                    Needs.WorkspaceAdmin or Needs.ProjectAdmin => false,
                    _ => projectRole >= row.Needs,
                };
                var response = await Send(Client(caller), method, path, row.Body(c));
                if (allowed)
                {
                    Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{what} by {name}: {(int)response.StatusCode}");
                    // An unknown label or cycle is 404 after access was granted; never the project or workspace itself.
                    if (response.StatusCode == HttpStatusCode.NotFound)
                    {
                        var type = (await AssertProblem(response, HttpStatusCode.NotFound)).GetProperty("type").GetString();
                        Assert.True(type is "https://taskflow.dev/problems/label-not-found" or "https://taskflow.dev/problems/cycle-not-found", $"{what} by {name}: {type}");
                    }
                }
                else
                {
                    Assert.True(HttpStatusCode.Forbidden == response.StatusCode, $"{what} by {name}: {(int)response.StatusCode}");
                    await AssertProblem(response, HttpStatusCode.Forbidden, "insufficient-role");
                }
            }
        }

        // Nothing the refused callers sent changed the project.
        var project = await Json(await Client(owner).GetAsync($"/v1/projects/{projectId}", Ct));
        Assert.Equal("Website", project.GetProperty("name").GetString());
        Assert.Equal(c.StatusIds, (await Statuses(owner, projectId)).Select(s => s.GetProperty("id").GetGuid()));
    }
}

public sealed class SqliteAccessMatrixTests(SqliteApp app) : AccessMatrixTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresAccessMatrixTests(PostgresApp app) : AccessMatrixTests(app), IClassFixture<PostgresApp>;
