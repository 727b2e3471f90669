using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>Task watchers: automatic (reporter, assignees, commenters) and by choice (anyone who can read the task).</summary>
public abstract class WatcherTests(TaskFlowApp app) : TasksTestBase(app)
{
    [Fact]
    public async Task Reporter_assignees_and_commenters_watch_automatically()
    {
        var s = await WorkspaceWithProject();
        var ada = await ProjectMember(s, "member");
        var bob = await ProjectMember(s, "member");
        var task = await CreateTask(s.Owner, s.ProjectId, new { title = "Ship", assigneeIds = new[] { ada.Id } });
        Assert.Equal(new[] { s.Owner.Id, ada.Id }.Order(), Ids(task, "watcherIds"));

        var created = Assert.Single(await Outbox("TaskCreated"), e => e.GetProperty("taskId").GetGuid() == Id(task));
        Assert.Equal(new[] { s.Owner.Id, ada.Id }.Order(), Ids(created, "watcherIds"));
        Assert.Equal([ada.Id], Ids(created, "assigneeIds"));
        Assert.Equal("none", created.GetProperty("priority").GetString());

        var (_, etag) = await GetTask(s.Owner, Id(task));
        var patched = await Json(await Patch(s.Owner, Id(task), new { assigneeIds = new[] { bob.Id } }, etag));
        // Ada stays a watcher after being unassigned; Bob joins.
        Assert.Equal(new[] { s.Owner.Id, ada.Id, bob.Id }.Order(), Ids(patched, "watcherIds"));

        var commenter = await ProjectMember(s, "member");
        Assert.Equal(HttpStatusCode.Created, (await commenter.Client.PostAsJsonAsync($"/v1/tasks/{Id(task)}/comments", new { body = "Looks good" }, Ct)).StatusCode);
        var comment = Assert.Single(await Outbox("CommentAdded"), e => e.GetProperty("taskId").GetGuid() == Id(task));
        Assert.Contains(commenter.Id, Ids(comment, "watcherIds"));
        Assert.Equal(("WEB-1", "Ship", "Looks good"), (comment.GetProperty("key").GetString(), comment.GetProperty("title").GetString(), comment.GetProperty("excerpt").GetString()));

        var watchers = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(task)}/watchers", Ct);
        Assert.Equal(new[] { s.Owner.Id, ada.Id, bob.Id, commenter.Id }.Order(), watchers.EnumerateArray().Select(w => w.GetProperty("userId").GetGuid()).Order());
    }

    [Fact]
    public async Task Any_reader_watches_and_unwatches_idempotently_without_changing_the_task()
    {
        var s = await WorkspaceWithProject();
        var viewer = await ProjectMember(s, "viewer");
        var reader = await JoinWorkspace(s.Owner, s.WorkspaceId, "viewer");
        var task = await CreateTask(s.Owner, s.ProjectId);
        var path = $"/v1/tasks/{Id(task)}/watchers/me";

        foreach (var user in new[] { viewer, reader })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await user.Client.PutAsync(path, null, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await user.Client.PutAsync(path, null, Ct)).StatusCode);
        }
        var (watched, etag) = await GetTask(s.Owner, Id(task));
        Assert.Equal(new[] { s.Owner.Id, viewer.Id, reader.Id }.Order(), Ids(watched, "watcherIds"));
        Assert.Equal("\"1\"", etag);

        Assert.Equal(HttpStatusCode.NoContent, (await viewer.Client.DeleteAsync(path, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await viewer.Client.DeleteAsync(path, Ct)).StatusCode);
        // The reporter may stop watching too.
        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync(path, Ct)).StatusCode);
        var list = await reader.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(task)}/watchers", Ct);
        Assert.Equal([reader.Id], list.EnumerateArray().Select(w => w.GetProperty("userId").GetGuid()));

        // Outsiders see nothing; a task that does not exist is 404; anonymous is 401.
        var outsider = await NewUser();
        await AssertProblem(await outsider.Client.PutAsync(path, null, Ct), HttpStatusCode.NotFound, "task-not-found");
        await AssertProblem(await outsider.Client.GetAsync($"/v1/tasks/{Id(task)}/watchers", Ct), HttpStatusCode.NotFound, "task-not-found");
        await AssertProblem(await viewer.Client.PutAsync($"/v1/tasks/{Guid.NewGuid()}/watchers/me", null, Ct), HttpStatusCode.NotFound, "task-not-found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().DeleteAsync(path, Ct)).StatusCode);
    }
}

public sealed class SqliteWatcherTests(SqliteApp app) : WatcherTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresWatcherTests(PostgresApp app) : WatcherTests(app), IClassFixture<PostgresApp>;
