using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>
/// Every endpoint of the tasks module against every kind of caller: anonymous 401, outsider 404 with nothing of the
/// task in the body, project viewer and reader (workspace member not on the project) 403 on writes. The table is
/// compared with the app's routes, so an endpoint added without a row fails the suite.
/// </summary>
public abstract partial class SecurityTests(TaskFlowApp app) : TasksTestBase(app)
{
    sealed record Context(Guid ProjectId, Guid TaskId, Guid CommentId, Guid StatusId, Guid OtherTaskId, Guid RelationId, Guid WorkspaceId = default, Guid ViewId = default, Guid AttachmentId = default);

    // Body: JSON, a string sent as text/csv, or a Func<Context, object> making a JSON body from the context.
    // ForReaders: what a viewer and a reader get when it is not the default (200 on reads, 403 insufficient-role on writes).
    // AnyReader: a write that every reader may do (watching a task): viewers and readers get 204.
    // Own: about the caller alone (their own data): every signed-in caller gets 200, and nothing of the others' in it.
    sealed record Row(string Method, string Pattern, Func<Context, string> Path, object? Body, (HttpStatusCode Status, string? Slug)? ForReaders = null, bool AnyReader = false, bool Own = false)
    {
        public bool IsWrite => Method != "GET";
    }

    static readonly Row[] Table =
    [
        new("POST", "/v1/projects/{projectId}/tasks", c => $"/v1/projects/{c.ProjectId}/tasks", new { title = "X" }),
        new("GET", "/v1/projects/{projectId}/tasks", c => $"/v1/projects/{c.ProjectId}/tasks", null),
        new("POST", "/v1/projects/{projectId}/tasks/bulk", c => $"/v1/projects/{c.ProjectId}/tasks/bulk", (Func<Context, object>)(c => new { taskIds = new[] { c.TaskId }, priority = "urgent" })),
        new("GET", "/v1/workspaces/{workspaceId}/tasks", c => $"/v1/workspaces/{c.WorkspaceId}/tasks?assignee=me", null),
        new("GET", "/v1/tasks/{taskId}/watchers", c => $"/v1/tasks/{c.TaskId}/watchers", null),
        new("PUT", "/v1/tasks/{taskId}/watchers/me", c => $"/v1/tasks/{c.TaskId}/watchers/me", null, AnyReader: true),
        new("DELETE", "/v1/tasks/{taskId}/watchers/me", c => $"/v1/tasks/{c.TaskId}/watchers/me", null, AnyReader: true),
        new("GET", "/v1/projects/{projectId}/activity", c => $"/v1/projects/{c.ProjectId}/activity", null),
        new("GET", "/v1/tasks/{taskId}", c => $"/v1/tasks/{c.TaskId}", null),
        new("PATCH", "/v1/tasks/{taskId}", c => $"/v1/tasks/{c.TaskId}", new { title = "X" }),
        new("DELETE", "/v1/tasks/{taskId}", c => $"/v1/tasks/{c.TaskId}", null),
        new("POST", "/v1/tasks/{taskId}/move", c => $"/v1/tasks/{c.TaskId}/move", new { statusId = Guid.Empty }),
        new("GET", "/v1/tasks/{taskId}/activity", c => $"/v1/tasks/{c.TaskId}/activity", null),
        new("POST", "/v1/tasks/{taskId}/comments", c => $"/v1/tasks/{c.TaskId}/comments", new { body = "X" }),
        new("GET", "/v1/tasks/{taskId}/comments", c => $"/v1/tasks/{c.TaskId}/comments", null),
        new("POST", "/v1/tasks/{taskId}/relations", c => $"/v1/tasks/{c.TaskId}/relations", new { type = "relates_to", taskId = Guid.Empty }),
        new("GET", "/v1/tasks/{taskId}/relations", c => $"/v1/tasks/{c.TaskId}/relations", null),
        new("DELETE", "/v1/tasks/{taskId}/relations/{relationId}", c => $"/v1/tasks/{c.TaskId}/relations/{c.RelationId}", null),
        new("PATCH", "/v1/comments/{commentId}", c => $"/v1/comments/{c.CommentId}", new { body = "X" }),
        new("DELETE", "/v1/comments/{commentId}", c => $"/v1/comments/{c.CommentId}", null),
        new("GET", "/v1/workspaces/{workspaceId}/search", c => $"/v1/workspaces/{c.WorkspaceId}/search?q=secret", null),
        new("GET", "/v1/projects/{projectId}/tasks/export", c => $"/v1/projects/{c.ProjectId}/tasks/export", null),
        new("POST", "/v1/projects/{projectId}/tasks/import", c => $"/v1/projects/{c.ProjectId}/tasks/import", "title\nX\n"),
        new("GET", "/v1/projects/{projectId}/views", c => $"/v1/projects/{c.ProjectId}/views", null),
        // Anyone who can read a project saves private views of it.
        new("POST", "/v1/projects/{projectId}/views", c => $"/v1/projects/{c.ProjectId}/views", new { name = "X" }, (HttpStatusCode.Created, null)),
        new("GET", "/v1/views/{viewId}", c => $"/v1/views/{c.ViewId}", null),
        new("PATCH", "/v1/views/{viewId}", c => $"/v1/views/{c.ViewId}", new { name = "X" }, (HttpStatusCode.Forbidden, "not-your-view")),
        new("DELETE", "/v1/views/{viewId}", c => $"/v1/views/{c.ViewId}", null, (HttpStatusCode.Forbidden, "not-your-view")),
        new("POST", "/v1/tasks/{taskId}/attachments", c => $"/v1/tasks/{c.TaskId}/attachments", new { file = "X" }),
        new("GET", "/v1/tasks/{taskId}/attachments", c => $"/v1/tasks/{c.TaskId}/attachments", null),
        new("GET", "/v1/attachments/{attachmentId}/content", c => $"/v1/attachments/{c.AttachmentId}/content", null),
        new("DELETE", "/v1/attachments/{attachmentId}", c => $"/v1/attachments/{c.AttachmentId}", null),
        new("GET", "/v1/tasks/{taskId}/links", c => $"/v1/tasks/{c.TaskId}/links", null),
        new("GET", "/v1/tasks/authored-by-me", _ => "/v1/tasks/authored-by-me", null, Own: true),
    ];

    static async Task<HttpResponseMessage> SendRow(HttpClient client, Row row, string path, Context c)
    {
        if (row.Body is Func<Context, object> make) return await Send(client, new HttpMethod(row.Method), path, make(c));
        if (row.Body is not string csv) return await Send(client, new HttpMethod(row.Method), path, row.Body);
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), path) { Content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv") };
        return await client.SendAsync(request, Ct);
    }

    [GeneratedRegex(":[^}]+")]
    private static partial Regex Constraint();

    [Fact]
    public void The_table_covers_every_route_of_the_tasks_module()
    {
        var prefixes = new TasksModule().RoutePrefixes;
        var routes = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: Constraint().Replace(e.RoutePattern.RawText ?? "", "").TrimEnd('/'), Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []))
            .Where(r => prefixes.Any(p => r.Pattern.StartsWith(p, StringComparison.Ordinal)))
            .SelectMany(r => r.Methods.Select(m => $"{m} {r.Pattern}"))
            .Order()
            .ToArray();
        Assert.NotEmpty(routes);
        Assert.Equal(Table.Select(r => $"{r.Method} {r.Pattern}").Order().ToArray(), routes);
    }

    [Fact]
    public async Task Every_endpoint_refuses_anonymous_outsiders_and_callers_without_a_writing_role()
    {
        var s = await WorkspaceWithProject();
        var viewer = await ProjectMember(s, "viewer");
        var reader = await JoinWorkspace(s.Owner, s.WorkspaceId, "viewer");
        var outsider = await NewUser();
        const string secret = "Secret launch plan";
        var task = await CreateTask(s.Owner, s.ProjectId, new { title = secret });
        var comment = await Json(await s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{Id(task)}/comments", new { body = secret }, Ct));
        var otherTask = await CreateTask(s.Owner, s.ProjectId, new { title = "Other" });
        var relation = await s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{Id(task)}/relations", new { type = "blocks", taskId = Id(otherTask) }, Ct);
        Assert.Equal(HttpStatusCode.Created, relation.StatusCode);
        var view = await s.Owner.Client.PostAsJsonAsync($"/v1/projects/{s.ProjectId}/views", new { name = secret, shared = true }, Ct);
        Assert.Equal(HttpStatusCode.Created, view.StatusCode);
        var form = new MultipartFormDataContent { { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(secret)), "file", "plan.txt" } };
        var attachment = await s.Owner.Client.PostAsync($"/v1/tasks/{Id(task)}/attachments", form, Ct);
        Assert.Equal(HttpStatusCode.Created, attachment.StatusCode);
        var c = new Context(s.ProjectId, Id(task), Id(comment), s.StatusIds[2], Id(otherTask), Id(await Json(relation)), s.WorkspaceId, Id(await Json(view)), Id(await Json(attachment)));

        foreach (var row in Table)
        {
            var path = row.Path(c);
            Assert.True(HttpStatusCode.Unauthorized == (await SendRow(Anonymous(), row, path, c)).StatusCode, $"{row.Method} {path} anonymous");

            if (row.Own)
            {
                foreach (var (caller, name) in new[] { (outsider, "outsider"), (viewer, "viewer"), (reader, "reader") })
                {
                    var own = await SendRow(caller.Client, row, path, c);
                    Assert.True(HttpStatusCode.OK == own.StatusCode, $"{row.Method} {path} by {name}: {(int)own.StatusCode}");
                    Assert.DoesNotContain(secret, await own.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
                }
                continue;
            }

            var hidden = await SendRow(outsider.Client, row, path, c);
            Assert.True(HttpStatusCode.NotFound == hidden.StatusCode, $"{row.Method} {path} outsider: {(int)hidden.StatusCode}");
            await AssertProblem(hidden, HttpStatusCode.NotFound);
            var text = await hidden.Content.ReadAsStringAsync(Ct);
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);

            foreach (var (caller, name) in new[] { (viewer, "viewer"), (reader, "reader") })
            {
                var response = await SendRow(caller.Client, row, path, c);
                if (row.AnyReader)
                {
                    Assert.True(HttpStatusCode.NoContent == response.StatusCode, $"{row.Method} {path} by {name}: {(int)response.StatusCode}");
                }
                else if (row.ForReaders is { } expected)
                {
                    Assert.True(expected.Status == response.StatusCode, $"{row.Method} {path} by {name}: {(int)response.StatusCode}");
                    if (expected.Slug is not null) await AssertProblem(response, expected.Status, expected.Slug);
                }
                else if (row.IsWrite)
                {
                    Assert.True(HttpStatusCode.Forbidden == response.StatusCode, $"{row.Method} {path} by {name}: {(int)response.StatusCode}");
                    await AssertProblem(response, HttpStatusCode.Forbidden, "insufficient-role");
                }
                else
                {
                    Assert.True(HttpStatusCode.OK == response.StatusCode, $"{row.Method} {path} read by {name}: {(int)response.StatusCode}");
                }
            }
        }

        // Nothing above changed the task or its comment.
        var (after, etag) = await GetTask(s.Owner, Id(task));
        Assert.Equal(secret, after.GetProperty("title").GetString());
        Assert.Equal("\"1\"", etag);
        var comments = await s.Owner.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/v1/tasks/{Id(task)}/comments", Ct);
        Assert.Equal(secret, Assert.Single(comments.EnumerateArray()).GetProperty("body").GetString());
        var relations = await s.Owner.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/v1/tasks/{Id(task)}/relations", Ct);
        Assert.Equal(c.RelationId, Id(Assert.Single(relations.EnumerateArray())));
        var views = await s.Owner.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/v1/projects/{s.ProjectId}/views", Ct);
        Assert.Equal(secret, Assert.Single(views.EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(2, (await s.Owner.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/v1/projects/{s.ProjectId}/tasks", Ct)).GetProperty("data").GetArrayLength());
        var attachments = await s.Owner.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/v1/tasks/{Id(task)}/attachments", Ct);
        Assert.Equal(c.AttachmentId, Id(Assert.Single(attachments.EnumerateArray())));
    }
}

public sealed class SqliteSecurityTests(SqliteApp app) : SecurityTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresSecurityTests(PostgresApp app) : SecurityTests(app), IClassFixture<PostgresApp>;
