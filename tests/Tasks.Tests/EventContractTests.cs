using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>The published events carry the session's contract: workspace, key, title, watchers, and the new events.</summary>
public abstract class EventContractTests(TaskFlowApp app) : TasksTestBase(app)
{
    static Guid For(JsonElement e) => e.GetProperty("taskId").GetGuid();

    [Fact]
    public async Task Task_events_carry_workspace_key_title_and_watchers()
    {
        var s = await WorkspaceWithProject();
        var ada = await ProjectMember(s, "member");
        var task = await CreateTask(s.Owner, s.ProjectId, new { title = "Ship it", assigneeIds = new[] { ada.Id }, dueDate = "2026-05-01" });
        var taskId = Id(task);

        var assigned = Assert.Single(await Outbox("TaskAssigned"), e => For(e) == taskId);
        Assert.Equal((s.WorkspaceId, "WEB-1", "Ship it"), (assigned.GetProperty("workspaceId").GetGuid(), assigned.GetProperty("key").GetString(), assigned.GetProperty("title").GetString()));
        var created = Assert.Single(await Outbox("TaskCreated"), e => For(e) == taskId);
        Assert.Equal("2026-05-01", created.GetProperty("dueDate").GetString());
        Assert.Equal(task.GetProperty("statusId").GetGuid(), created.GetProperty("statusId").GetGuid());

        var (_, etag) = await GetTask(s.Owner, taskId);
        Assert.Equal(HttpStatusCode.OK, (await Patch(s.Owner, taskId, new { assigneeIds = Array.Empty<Guid>(), title = "Ship it now" }, etag)).StatusCode);
        var unassigned = Assert.Single(await Outbox("TaskUnassigned"), e => For(e) == taskId);
        Assert.Equal((ada.Id, s.Owner.Id, s.WorkspaceId, "WEB-1"), (unassigned.GetProperty("assigneeId").GetGuid(), unassigned.GetProperty("actorId").GetGuid(), unassigned.GetProperty("workspaceId").GetGuid(), unassigned.GetProperty("key").GetString()));
        var updated = Assert.Single(await Outbox("TaskUpdated"), e => For(e) == taskId);
        Assert.Equal("Ship it now", updated.GetProperty("title").GetString());
        Assert.Empty(Ids(updated, "assigneeIds"));
        Assert.Equal(new[] { s.Owner.Id, ada.Id }.Order(), Ids(updated, "watcherIds"));
        Assert.Equal("2026-05-01", updated.GetProperty("dueDate").GetString());

        var moved = await s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{taskId}/move", new { statusId = s.StatusIds[2] }, Ct);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var movedEvent = Assert.Single(await Outbox("TaskMoved"), e => For(e) == taskId);
        Assert.Equal((s.WorkspaceId, "WEB-1", "Ship it now"), (movedEvent.GetProperty("workspaceId").GetGuid(), movedEvent.GetProperty("key").GetString(), movedEvent.GetProperty("title").GetString()));
        Assert.Equal(new[] { s.Owner.Id, ada.Id }.Order(), Ids(movedEvent, "watcherIds"));

        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/tasks/{taskId}", Ct)).StatusCode);
        var deleted = Assert.Single(await Outbox("TaskDeleted"), e => For(e) == taskId);
        Assert.Equal((s.WorkspaceId, "WEB-1", s.Owner.Id), (deleted.GetProperty("workspaceId").GetGuid(), deleted.GetProperty("key").GetString(), deleted.GetProperty("actorId").GetGuid()));
    }

    [Fact]
    public async Task Comment_edits_and_deletes_are_published_and_recorded_in_the_activity()
    {
        var s = await WorkspaceWithProject();
        var admin = s.Owner;
        var author = await ProjectMember(s, "member");
        var task = await CreateTask(admin, s.ProjectId, new { title = "Discuss" });
        var comment = await Json(await author.Client.PostAsJsonAsync($"/v1/tasks/{Id(task)}/comments", new { body = "First draft" }, Ct));
        var commentId = Id(comment);

        // Only the author edits: refused for others, nothing recorded.
        await AssertProblem(await admin.Client.PatchAsJsonAsync($"/v1/comments/{commentId}", new { body = "Hijack" }, Ct), HttpStatusCode.Forbidden, "not-your-comment");
        await AssertValidation(await author.Client.PatchAsJsonAsync($"/v1/comments/{commentId}", new { body = "" }, Ct), "body");
        Assert.Equal(HttpStatusCode.OK, (await author.Client.PatchAsJsonAsync($"/v1/comments/{commentId}", new { body = "Second draft" }, Ct)).StatusCode);
        var edited = Assert.Single(await Outbox("CommentEdited"), e => e.GetProperty("commentId").GetGuid() == commentId);
        Assert.Equal((Id(task), s.ProjectId, author.Id, s.WorkspaceId), (For(edited), edited.GetProperty("projectId").GetGuid(), edited.GetProperty("authorId").GetGuid(), edited.GetProperty("workspaceId").GetGuid()));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.DeleteAsync($"/v1/comments/{commentId}", Ct)).StatusCode);
        var deleted = Assert.Single(await Outbox("CommentDeleted"), e => e.GetProperty("commentId").GetGuid() == commentId);
        Assert.Equal((admin.Id, s.WorkspaceId), (deleted.GetProperty("actorId").GetGuid(), deleted.GetProperty("workspaceId").GetGuid()));

        var rows = (await Activity(admin, Id(task))).Where(a => a.GetProperty("field").GetString() == "comment").ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(("Second draft", JsonValueKind.Null, admin.Id), (rows[0].GetProperty("oldValue").GetString(), rows[0].GetProperty("newValue").ValueKind, rows[0].GetProperty("actorId").GetGuid()));
        Assert.Equal(("First draft", "Second draft", author.Id), (rows[1].GetProperty("oldValue").GetString(), rows[1].GetProperty("newValue").GetString(), rows[1].GetProperty("actorId").GetGuid()));
    }
}

public sealed class SqliteEventContractTests(SqliteApp app) : EventContractTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresEventContractTests(PostgresApp app) : EventContractTests(app), IClassFixture<PostgresApp>;
