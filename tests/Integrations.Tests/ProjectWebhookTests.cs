using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TaskFlow.Integrations.Data;

namespace TaskFlow.Integrations.Tests;

/// <summary>A webhook limited to projects gets only their events; a workspace-wide one gets every event of the workspace.</summary>
public abstract class ProjectWebhookTests(IntegrationsApp app) : IntegrationsTestBase(app)
{
    static object Moved(Guid projectId, Guid workspaceId, string key) => new
    {
        taskId = Guid.NewGuid(), projectId, fromStatusId = Guid.NewGuid(), toStatusId = Guid.NewGuid(), rank = "m",
        actorId = Guid.NewGuid(), workspaceId, key, title = "Moved", watcherIds = Array.Empty<Guid>(),
    };

    static Guid[] ProjectIds(JsonElement hook) => [.. hook.GetProperty("projectIds").EnumerateArray().Select(e => e.GetGuid())];

    [Fact]
    public async Task Events_go_only_to_webhooks_that_cover_their_project_and_the_limit_can_be_changed()
    {
        await using var receiver = await Receiver.Start();
        var s = await WorkspaceWithProject();
        var api = await CreateProject(s.Owner, s.WorkspaceId, "API");
        var hooks = $"/v1/workspaces/{s.WorkspaceId}/webhooks";

        var created = await s.Owner.Client.PostAsJsonAsync(hooks, new { url = receiver.Url, eventKinds = new[] { "task.moved" }, projectIds = new[] { s.ProjectId, s.ProjectId } }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var limited = (await Json(created)).GetProperty("webhook");
        Assert.Equal([s.ProjectId], ProjectIds(limited));
        var limitedId = Id(limited);
        var (wideId, _) = await CreateWebhook(s.Owner, s.WorkspaceId, receiver.Url, ["task.moved"]);
        Assert.Empty(ProjectIds(await s.Owner.Client.GetFromJsonAsync<JsonElement>($"{hooks}/{wideId}", Ct)));

        await Deliver("TaskMoved", Moved(s.ProjectId, s.WorkspaceId, "WEB-1"));
        await Deliver("TaskMoved", Moved(api, s.WorkspaceId, "API-1"));

        await WaitForDeliveries(s.Owner, s.WorkspaceId, wideId, l => l.Count == 2);
        var onlyWeb = await WaitForDeliveries(s.Owner, s.WorkspaceId, limitedId, l => l.Count == 1 && l[0].GetProperty("status").GetString() == "succeeded");
        var requests = await receiver.WaitFor(3);
        var limitedRequest = Assert.Single(requests, r => r.Headers["TaskFlow-Delivery"] == Id(onlyWeb[0]).ToString());
        Assert.Equal("WEB-1", JsonDocument.Parse(limitedRequest.Body).RootElement.GetProperty("data").GetProperty("key").GetString());

        // Limited to API instead: now only API events; [] makes it workspace-wide again.
        var patched = await Send(s.Owner.Client, HttpMethod.Patch, $"{hooks}/{limitedId}", new { projectIds = new[] { api } });
        Assert.Equal([api], ProjectIds(await Json(patched)));
        Assert.Equal([api], ProjectIds(await Json(await Send(s.Owner.Client, HttpMethod.Patch, $"{hooks}/{limitedId}", new { description = "unchanged limit" }))));
        await Deliver("TaskMoved", Moved(s.ProjectId, s.WorkspaceId, "WEB-2"));
        await Deliver("TaskMoved", Moved(api, s.WorkspaceId, "API-2"));
        await WaitForDeliveries(s.Owner, s.WorkspaceId, wideId, l => l.Count == 4);
        var log = await WaitForDeliveries(s.Owner, s.WorkspaceId, limitedId, l => l.Count == 2 && l.All(d => d.GetProperty("status").GetString() == "succeeded"));
        var second = (await receiver.WaitFor(6)).Single(r => r.Headers["TaskFlow-Delivery"] == Id(log[0]).ToString());
        Assert.Equal("API-2", JsonDocument.Parse(second.Body).RootElement.GetProperty("data").GetProperty("key").GetString());

        Assert.Empty(ProjectIds(await Json(await Send(s.Owner.Client, HttpMethod.Patch, $"{hooks}/{limitedId}", new { projectIds = Array.Empty<Guid>() }))));
        await Deliver("TaskMoved", Moved(s.ProjectId, s.WorkspaceId, "WEB-3"));
        await WaitForDeliveries(s.Owner, s.WorkspaceId, limitedId, l => l.Count == 3);
    }

    [Fact]
    public void Workspace_level_events_go_only_to_workspace_wide_webhooks()
    {
        // Events without a project (none of the subscribable kinds today; e.g. membership changes later) have an empty project id.
        var project = Guid.NewGuid();
        var limited = new Webhook { Url = "", EventKinds = "task.created" };
        limited.LimitTo([project]);
        var wide = new Webhook { Url = "", EventKinds = "task.created" };
        Assert.False(limited.Covers(Guid.Empty));
        Assert.True(limited.Covers(project));
        Assert.False(limited.Covers(Guid.NewGuid()));
        Assert.True(wide.Covers(Guid.Empty));
        Assert.True(wide.Covers(project));
    }

    [Fact]
    public async Task Unknown_deleted_and_other_workspaces_projects_are_refused_on_projectIds()
    {
        var s = await WorkspaceWithProject();
        var other = await WorkspaceWithProject();
        var hooks = $"/v1/workspaces/{s.WorkspaceId}/webhooks";
        var deleted = Guid.NewGuid();
        await Deliver("ProjectCreated", new { projectId = deleted, workspaceId = s.WorkspaceId, key = "DEL", name = "Deleted" });
        await Deliver("ProjectDeleted", new { projectId = deleted, workspaceId = s.WorkspaceId });

        foreach (var ids in new[] { new[] { Guid.NewGuid() }, [other.ProjectId], [s.ProjectId, other.ProjectId], [deleted], [Guid.Empty] })
        {
            var response = await s.Owner.Client.PostAsJsonAsync(hooks, new { url = "https://93.184.215.14/hook", eventKinds = new[] { "task.created" }, active = false, projectIds = ids }, Ct);
            await AssertValidation(response, "projectIds");
        }
        var tooMany = Enumerable.Range(0, 51).Select(_ => Guid.NewGuid()).ToArray();
        await AssertValidation(await s.Owner.Client.PostAsJsonAsync(hooks, new { url = "https://93.184.215.14/hook", eventKinds = new[] { "task.created" }, projectIds = tooMany }, Ct), "projectIds");

        var created = await s.Owner.Client.PostAsJsonAsync(hooks, new { url = "https://93.184.215.14/hook", eventKinds = new[] { "task.created" }, active = false, projectIds = new[] { s.ProjectId } }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = Id((await Json(created)).GetProperty("webhook"));
        await AssertValidation(await Send(s.Owner.Client, HttpMethod.Patch, $"{hooks}/{id}", new { projectIds = new[] { other.ProjectId } }), "projectIds");
        Assert.Equal([s.ProjectId], ProjectIds(await s.Owner.Client.GetFromJsonAsync<JsonElement>($"{hooks}/{id}", Ct)));
    }
}

public sealed class SqliteProjectWebhookTests(SqliteOpenApp app) : ProjectWebhookTests(app), IClassFixture<SqliteOpenApp>;

public sealed class PostgresProjectWebhookTests(PostgresOpenApp app) : ProjectWebhookTests(app), IClassFixture<PostgresOpenApp>;
