using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>ExternalLinkReported (from the integrations service) delivered through the in-process bus: links and system moves.</summary>
public abstract class ExternalLinkTests(TaskFlowApp app) : TasksTestBase(app)
{
    IEventTransport Transport => App.Services.GetRequiredService<IEventTransport>();

    static EventEnvelope Envelope(object payload) =>
        new(Guid.NewGuid(), "ExternalLinkReported", JsonSerializer.Serialize(payload, EventEnvelope.Json), DateTime.UtcNow, null);

    static object Reported(Setup s, string key, string externalId, string state, Guid? moveTo, string title = "Fix the docs") => new
    {
        projectId = s.ProjectId,
        workspaceId = s.WorkspaceId,
        taskKey = key,
        provider = "github",
        kind = "pull_request",
        externalId,
        url = $"https://github.com/acme/web/pull/{externalId.Split('#')[^1]}",
        title,
        state,
        moveToStatusId = moveTo,
    };

    async Task<Guid[]> Column(User user, Guid projectId, Guid statusId)
    {
        var page = await user.Client.GetFromJsonAsync<JsonElement>($"/v1/projects/{projectId}/tasks?status={statusId}&sort=rank&limit=100", Ct);
        return [.. page.GetProperty("data").EnumerateArray().Select(Id)];
    }

    [Fact]
    public async Task A_reported_pull_request_is_linked_and_a_merge_moves_the_task_to_the_bottom_of_the_column_once()
    {
        var s = await WorkspaceWithProject();
        var task = await CreateTask(s.Owner, s.ProjectId);
        var key = task.GetProperty("key").GetString()!;
        var done = s.StatusIds[^2];
        var alreadyDone = await CreateTask(s.Owner, s.ProjectId, new { title = "Shipped" });
        Assert.Equal(HttpStatusCode.OK, (await s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{Id(alreadyDone)}/move", new { statusId = done }, Ct)).StatusCode);

        // Opened: a link, no move (keys match case-insensitively).
        await Transport.Publish(Envelope(Reported(s, key.ToLowerInvariant(), "acme/web#7", "open", null)), Ct);
        var links = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(task)}/links", Ct);
        var link = Assert.Single(links.EnumerateArray());
        Assert.Equal("github", link.GetProperty("provider").GetString());
        Assert.Equal("pull_request", link.GetProperty("kind").GetString());
        Assert.Equal("acme/web#7", link.GetProperty("externalId").GetString());
        Assert.Equal("https://github.com/acme/web/pull/7", link.GetProperty("url").GetString());
        Assert.Equal("Fix the docs", link.GetProperty("title").GetString());
        Assert.Equal("open", link.GetProperty("state").GetString());
        Assert.Equal(task.GetProperty("statusId").GetGuid(), (await GetTask(s.Owner, Id(task))).Task.GetProperty("statusId").GetGuid());

        // Merged with a target status: the same link is updated and the task moves, as the system.
        var merged = Envelope(Reported(s, key, "acme/web#7", "merged", done, title: "Fix the docs (final)"));
        await Transport.Publish(merged, Ct);
        link = Assert.Single((await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(task)}/links", Ct)).EnumerateArray());
        Assert.Equal("merged", link.GetProperty("state").GetString());
        Assert.Equal("Fix the docs (final)", link.GetProperty("title").GetString());
        var (moved, etag) = await GetTask(s.Owner, Id(task));
        Assert.Equal(done, moved.GetProperty("statusId").GetGuid());
        Assert.Equal([Id(alreadyDone), Id(task)], await Column(s.Owner, s.ProjectId, done));

        var events = (await Outbox("TaskMoved")).Where(e => e.GetProperty("taskId").GetGuid() == Id(task)).ToList();
        var taskMoved = Assert.Single(events);
        Assert.Equal(Guid.Empty, taskMoved.GetProperty("actorId").GetGuid());
        Assert.Equal(task.GetProperty("statusId").GetGuid(), taskMoved.GetProperty("fromStatusId").GetGuid());
        Assert.Equal(done, taskMoved.GetProperty("toStatusId").GetGuid());

        var activity = (await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(task)}/activity", Ct)).GetProperty("data").EnumerateArray().ToList();
        var status = Assert.Single(activity, a => a.GetProperty("field").GetString() == "status");
        Assert.Equal(JsonValueKind.Null, status.GetProperty("actorId").ValueKind);
        Assert.Equal(done.ToString(), status.GetProperty("newValue").GetString());
        Assert.Single(activity, a => a.GetProperty("field").GetString() == "link");

        // Redelivered (the same message, and the same report as a new message): nothing changes.
        await Transport.Publish(merged, Ct);
        await Transport.Publish(Envelope(Reported(s, key, "acme/web#7", "merged", done, title: "Fix the docs (final)")), Ct);
        Assert.Single((await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(task)}/links", Ct)).EnumerateArray());
        Assert.Equal(etag, (await GetTask(s.Owner, Id(task))).ETag);
        Assert.Single(await Outbox("TaskMoved"), e => e.GetProperty("taskId").GetGuid() == Id(task));
    }

    [Fact]
    public async Task Several_links_a_commit_and_reports_that_match_nothing()
    {
        var s = await WorkspaceWithProject();
        var task = await CreateTask(s.Owner, s.ProjectId);
        var key = task.GetProperty("key").GetString()!;

        await Transport.Publish(Envelope(Reported(s, key, "acme/web#1", "open", null)), Ct);
        await Transport.Publish(Envelope(new
        {
            projectId = s.ProjectId, workspaceId = s.WorkspaceId, taskKey = key, provider = "github", kind = "commit",
            externalId = "0123abcd", url = "https://github.com/acme/web/commit/0123abcd", title = "WEB-1 typo", state = "committed", moveToStatusId = (Guid?)null,
        }), Ct);
        // A status of no project: the link is kept, the task stays.
        await Transport.Publish(Envelope(Reported(s, key, "acme/web#2", "merged", Guid.NewGuid())), Ct);
        // Unknown task key and unknown project: ignored, no failure.
        await Transport.Publish(Envelope(Reported(s, "WEB-999", "acme/web#3", "open", null)), Ct);
        await Transport.Publish(Envelope(Reported(s with { ProjectId = Guid.NewGuid() }, key, "acme/web#4", "open", null)), Ct);

        var links = (await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(task)}/links", Ct)).EnumerateArray().ToList();
        Assert.Equal(["acme/web#1", "0123abcd", "acme/web#2"], links.Select(l => l.GetProperty("externalId").GetString()));
        Assert.Equal("commit", links[1].GetProperty("kind").GetString());
        Assert.Equal(task.GetProperty("statusId").GetGuid(), (await GetTask(s.Owner, Id(task))).Task.GetProperty("statusId").GetGuid());
        Assert.Equal(3, await WithDb(db => db.Links.CountAsync(l => l.ProjectId == s.ProjectId, Ct)));

        // Links go with their task.
        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/tasks/{Id(task)}", Ct)).StatusCode);
        Assert.Equal(0, await WithDb(db => db.Links.CountAsync(l => l.ProjectId == s.ProjectId, Ct)));
    }
}

public sealed class SqliteExternalLinkTests(SqliteApp app) : ExternalLinkTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresExternalLinkTests(PostgresApp app) : ExternalLinkTests(app), IClassFixture<PostgresApp>;
