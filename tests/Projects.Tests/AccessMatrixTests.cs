using System.Net;

namespace TaskFlow.Projects.Tests;

/// <summary>Every project endpoint against every kind of caller: anonymous 401, outsider 404, project viewer and reader 403 on writes.</summary>
public abstract class AccessMatrixTests(ProjectsApp app) : ProjectsTestBase(app)
{
    [Fact]
    public async Task Every_endpoint_refuses_anonymous_outsiders_and_callers_without_a_writing_role()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        var viewer = await ProjectMember(owner, workspaceId, projectId, "viewer");
        var reader = await JoinWorkspace(owner, workspaceId, "viewer");
        var member = await ProjectMember(owner, workspaceId, projectId, "member");
        var outsider = TestUser.New();
        var statuses = (await Statuses(owner, projectId)).Select(s => s.GetProperty("id").GetGuid()).ToArray();
        var p = $"/v1/projects/{projectId}";
        var any = Guid.NewGuid();

        (HttpMethod Method, string Path, object? Body)[] reads =
        [
            (HttpMethod.Get, p, null),
            (HttpMethod.Get, $"{p}/members", null),
            (HttpMethod.Get, $"{p}/statuses", null),
            (HttpMethod.Get, $"{p}/labels", null),
            (HttpMethod.Get, $"{p}/cycles", null),
        ];
        // Writes a project member may not do (project admin only), then writes a project member may do.
        (HttpMethod Method, string Path, object? Body)[] adminWrites =
        [
            (HttpMethod.Patch, p, new { name = "X" }),
            (HttpMethod.Post, $"{p}/archive", null),
            (HttpMethod.Post, $"{p}/unarchive", null),
            (HttpMethod.Post, $"{p}/members", new { userId = reader.Id, role = "member" }),
            (HttpMethod.Patch, $"{p}/members/{owner.Id}", new { role = "member" }),
            (HttpMethod.Delete, $"{p}/members/{owner.Id}", null),
            (HttpMethod.Post, $"{p}/statuses", new { name = "X", category = "todo" }),
            (HttpMethod.Patch, $"{p}/statuses/{statuses[0]}", new { name = "X" }),
            (HttpMethod.Put, $"{p}/statuses/order", new { statusIds = statuses }),
            (HttpMethod.Delete, $"{p}/statuses/{statuses[0]}?moveTo={statuses[1]}", null),
        ];
        (HttpMethod Method, string Path, object? Body)[] memberWrites =
        [
            (HttpMethod.Post, $"{p}/labels", new { name = "X", color = "#000000" }),
            (HttpMethod.Patch, $"{p}/labels/{any}", new { name = "X" }),
            (HttpMethod.Delete, $"{p}/labels/{any}", null),
            (HttpMethod.Post, $"{p}/cycles", new { name = "X", startDate = "2026-01-01", endDate = "2026-01-02" }),
            (HttpMethod.Patch, $"{p}/cycles/{any}", new { name = "X" }),
            (HttpMethod.Delete, $"{p}/cycles/{any}", null),
        ];
        var workspaceOnly = (HttpMethod.Delete, p, (object?)null);

        foreach (var (method, path, body) in reads.Concat(adminWrites).Concat(memberWrites).Append(workspaceOnly))
        {
            Assert.True(HttpStatusCode.Unauthorized == (await Send(Anonymous(), method, path, body)).StatusCode, $"{method} {path} anonymous");
            var hidden = await Send(Client(outsider), method, path, body);
            Assert.True(HttpStatusCode.NotFound == hidden.StatusCode, $"{method} {path} outsider");
            await AssertProblem(hidden, HttpStatusCode.NotFound, "project-not-found");
        }
        foreach (var caller in new[] { viewer, reader })
        {
            foreach (var (method, path, body) in reads)
                Assert.True(HttpStatusCode.OK == (await Send(Client(caller), method, path, body)).StatusCode, $"{method} {path} read");
            foreach (var (method, path, body) in adminWrites.Concat(memberWrites).Append(workspaceOnly))
            {
                var refused = await Send(Client(caller), method, path, body);
                Assert.True(HttpStatusCode.Forbidden == refused.StatusCode, $"{method} {path} by {(caller == viewer ? "viewer" : "reader")}: {(int)refused.StatusCode}");
                await AssertProblem(refused, HttpStatusCode.Forbidden, "insufficient-role");
            }
        }
        foreach (var (method, path, body) in adminWrites.Append(workspaceOnly))
        {
            var refused = await Send(Client(member), method, path, body);
            Assert.True(HttpStatusCode.Forbidden == refused.StatusCode, $"{method} {path} by project member: {(int)refused.StatusCode}");
        }

        // Nothing above changed the project.
        var project = await Json(await Client(owner).GetAsync(p, Ct));
        Assert.Equal("Website", project.GetProperty("name").GetString());
        Assert.Equal(statuses, (await Statuses(owner, projectId)).Select(s => s.GetProperty("id").GetGuid()));
    }
}

public sealed class SqliteAccessMatrixTests(SqliteProjectsApp app) : AccessMatrixTests(app), IClassFixture<SqliteProjectsApp>;

public sealed class PostgresAccessMatrixTests(PostgresProjectsApp app) : AccessMatrixTests(app), IClassFixture<PostgresProjectsApp>;
