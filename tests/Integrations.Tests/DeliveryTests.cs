using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TaskFlow.Integrations.Tests;

/// <summary>Deliveries to a real local receiver (Integrations:AllowPrivateNetworks=true): signature, retries, log, test, redeliver, Slack.</summary>
public abstract class DeliveryTests(IntegrationsApp app) : IntegrationsTestBase(app)
{
    /// <summary>Creates a task through the tasks API, retrying while the tasks service's copies catch up.</summary>
    async Task<JsonElement> CreateTask(User owner, Guid projectId, string title)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var response = await owner.Client.PostAsJsonAsync($"/v1/projects/{projectId}/tasks", new { title }, Ct);
            if (response.StatusCode == HttpStatusCode.Created) return await Json(response);
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Could not create a task: {(int)response.StatusCode}");
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task A_created_task_is_delivered_signed_and_retried_after_a_500()
    {
        await using var receiver = await Receiver.Start(n => n == 0 ? 500 : 200);
        var s = await WorkspaceWithProject();
        var (webhookId, secret) = await CreateWebhook(s.Owner, s.WorkspaceId, receiver.Url, ["task.created"]);

        var task = await CreateTask(s.Owner, s.ProjectId, "Ship the webhooks");

        var requests = await receiver.WaitFor(2);
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal(requests[0].Headers["TaskFlow-Delivery"], requests[1].Headers["TaskFlow-Delivery"]);
        foreach (var request in requests)
        {
            Assert.Equal("/hook", request.Path);
            Assert.Equal("task.created", request.Headers["TaskFlow-Event"]);
            Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
            AssertSigned(request, secret);
        }
        var body = JsonDocument.Parse(requests[1].Body).RootElement;
        Assert.Equal("task.created", body.GetProperty("type").GetString());
        Assert.Equal(s.WorkspaceId, body.GetProperty("workspaceId").GetGuid());
        Assert.NotEqual(Guid.Empty, body.GetProperty("id").GetGuid());
        Assert.True(body.TryGetProperty("occurredAt", out _));
        var data = body.GetProperty("data");
        Assert.Equal(Id(task), data.GetProperty("taskId").GetGuid());
        Assert.Equal("WEB-1", data.GetProperty("key").GetString());
        Assert.Equal("Ship the webhooks", data.GetProperty("title").GetString());

        var log = await WaitForDeliveries(s.Owner, s.WorkspaceId, webhookId, l => l.Count == 1 && l[0].GetProperty("status").GetString() == "succeeded");
        var entry = Assert.Single(log);
        Assert.Equal(requests[0].Headers["TaskFlow-Delivery"], entry.GetProperty("id").GetGuid().ToString());
        Assert.Equal(2, entry.GetProperty("attempts").GetInt32());
        Assert.Equal(200, entry.GetProperty("responseCode").GetInt32());
        Assert.True(entry.GetProperty("durationMs").GetInt32() >= 0);
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task An_event_delivered_twice_enqueues_once_and_only_subscribed_kinds_are_sent()
    {
        await using var receiver = await Receiver.Start();
        var s = await WorkspaceWithProject();
        var (moved, _) = await CreateWebhook(s.Owner, s.WorkspaceId, receiver.Url, ["task.moved"]);
        var (paused, _) = await CreateWebhook(s.Owner, s.WorkspaceId, receiver.Url, ["task.moved"]);
        Assert.Equal(HttpStatusCode.OK, (await Send(s.Owner.Client, HttpMethod.Patch, $"/v1/workspaces/{s.WorkspaceId}/webhooks/{paused}", new { active = false })).StatusCode);

        var eventId = Guid.CreateVersion7();
        var taskMoved = new
        {
            taskId = Guid.NewGuid(), projectId = s.ProjectId, fromStatusId = Guid.NewGuid(), toStatusId = Guid.NewGuid(), rank = "m",
            actorId = s.Owner.Id, workspaceId = s.WorkspaceId, key = "WEB-4", title = "Moved", watcherIds = Array.Empty<Guid>(),
        };
        await Deliver("TaskMoved", taskMoved, eventId);
        await Deliver("TaskMoved", taskMoved, eventId);
        // An older publisher without workspaceId: the project copy supplies it.
        await Deliver("TaskMoved", taskMoved with { workspaceId = Guid.Empty });
        await Deliver("CommentAdded", new { commentId = Guid.NewGuid(), taskId = Guid.NewGuid(), projectId = s.ProjectId, authorId = s.Owner.Id, workspaceId = s.WorkspaceId, key = "WEB-4", title = "Moved", excerpt = "Hi" });

        var log = await WaitForDeliveries(s.Owner, s.WorkspaceId, moved, l => l.Count == 2 && l.All(d => d.GetProperty("status").GetString() == "succeeded"));
        Assert.All(log, d => Assert.Equal("task.moved", d.GetProperty("eventKind").GetString()));
        Assert.Empty(await Deliveries(s.Owner, s.WorkspaceId, paused));
        var requests = await receiver.WaitFor(2);
        Assert.Equal(2, requests.Count);
        Assert.Single(requests, r => JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetGuid() == eventId);
    }

    [Fact]
    public async Task A_delivery_that_keeps_failing_is_marked_failed_after_the_maximum_attempts_and_redirects_are_not_followed()
    {
        await using var failing = await Receiver.Start(_ => 500);
        await using var redirecting = await Receiver.Start(_ => 302);
        var s = await WorkspaceWithProject();
        var (failingId, _) = await CreateWebhook(s.Owner, s.WorkspaceId, failing.Url, ["task.created"]);
        var (redirectingId, _) = await CreateWebhook(s.Owner, s.WorkspaceId, redirecting.Url, ["task.created"]);

        Assert.Equal(HttpStatusCode.Accepted, (await s.Owner.Client.PostAsync($"/v1/workspaces/{s.WorkspaceId}/webhooks/{failingId}/test", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await s.Owner.Client.PostAsync($"/v1/workspaces/{s.WorkspaceId}/webhooks/{redirectingId}/test", null, Ct)).StatusCode);

        var failed = Assert.Single(await WaitForDeliveries(s.Owner, s.WorkspaceId, failingId, l => l.Count == 1 && l[0].GetProperty("status").GetString() == "failed"));
        Assert.Equal(3, failed.GetProperty("attempts").GetInt32());
        Assert.Equal(500, failed.GetProperty("responseCode").GetInt32());
        Assert.Equal("The endpoint answered 500.", failed.GetProperty("error").GetString());
        Assert.Equal(3, failing.Requests.Count);

        var redirected = Assert.Single(await WaitForDeliveries(s.Owner, s.WorkspaceId, redirectingId, l => l.Count == 1 && l[0].GetProperty("status").GetString() == "failed"));
        Assert.Equal(302, redirected.GetProperty("responseCode").GetInt32());
        Assert.All(redirecting.Requests, r => Assert.Equal("/hook", r.Path));
    }

    [Fact]
    public async Task Test_redeliver_and_rotate_sign_with_the_current_secret()
    {
        await using var receiver = await Receiver.Start();
        var s = await WorkspaceWithProject();
        var (webhookId, secret) = await CreateWebhook(s.Owner, s.WorkspaceId, receiver.Url, ["task.created"]);
        var hooks = $"/v1/workspaces/{s.WorkspaceId}/webhooks/{webhookId}";

        var test = await Json(await s.Owner.Client.PostAsync($"{hooks}/test", null, Ct));
        Assert.Equal("webhook.test", test.GetProperty("eventKind").GetString());
        Assert.Equal("pending", test.GetProperty("status").GetString());
        var first = (await receiver.WaitFor(1))[0];
        AssertSigned(first, secret);
        Assert.Equal("webhook.test", first.Headers["TaskFlow-Event"]);
        Assert.Equal(webhookId, JsonDocument.Parse(first.Body).RootElement.GetProperty("data").GetProperty("webhookId").GetGuid());

        var rotated = await Json(await s.Owner.Client.PostAsync($"{hooks}/rotate-secret", null, Ct));
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(secret, newSecret);
        Assert.DoesNotContain(newSecret, await s.Owner.Client.GetStringAsync(hooks, Ct), StringComparison.Ordinal);

        var redelivery = await s.Owner.Client.PostAsync($"{hooks}/deliveries/{Id(test)}/redeliver", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, redelivery.StatusCode);
        var second = (await receiver.WaitFor(2))[1];
        Assert.Equal(first.Body, second.Body);
        Assert.NotEqual(first.Headers["TaskFlow-Delivery"], second.Headers["TaskFlow-Delivery"]);
        AssertSigned(second, newSecret);

        await AssertProblem(await s.Owner.Client.PostAsync($"{hooks}/deliveries/{Guid.NewGuid()}/redeliver", null, Ct), HttpStatusCode.NotFound, "delivery-not-found");
        await AssertProblem(await s.Owner.Client.PostAsync($"/v1/workspaces/{s.WorkspaceId}/webhooks/{Guid.NewGuid()}/test", null, Ct), HttpStatusCode.NotFound, "webhook-not-found");
        var log = await WaitForDeliveries(s.Owner, s.WorkspaceId, webhookId, l => l.Count == 2 && l.All(d => d.GetProperty("status").GetString() == "succeeded"));
        Assert.Equal(Id(await Json(redelivery)), Id(log[0]));
    }

    [Fact]
    public async Task A_slack_integration_posts_block_kit_messages()
    {
        await using var receiver = await Receiver.Start();
        var s = await WorkspaceWithProject();
        var (slackId, _) = await CreateWebhook(s.Owner, s.WorkspaceId, receiver.Url, ["comment.added"], kind: "slack");
        var hook = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/workspaces/{s.WorkspaceId}/webhooks/{slackId}", Ct);
        Assert.Equal("slack", hook.GetProperty("kind").GetString());

        await Deliver("CommentAdded", new
        {
            commentId = Guid.NewGuid(), taskId = Guid.NewGuid(), projectId = s.ProjectId, authorId = s.Owner.Id, workspaceId = s.WorkspaceId,
            key = "WEB-3", title = "Fix <login> & signup", excerpt = "Looks good to me", watcherIds = Array.Empty<Guid>(),
        });

        var request = (await receiver.WaitFor(1))[0];
        Assert.Equal("comment.added", request.Headers["TaskFlow-Event"]);
        var body = JsonDocument.Parse(request.Body).RootElement;
        var text = body.GetProperty("text").GetString()!;
        Assert.Contains("*WEB-3*", text, StringComparison.Ordinal);
        Assert.Contains("Fix &lt;login&gt; &amp; signup", text, StringComparison.Ordinal);
        Assert.Contains(">Looks good to me", text, StringComparison.Ordinal);
        var blocks = body.GetProperty("blocks");
        Assert.Equal(2, blocks.GetArrayLength());
        Assert.Equal("section", blocks[0].GetProperty("type").GetString());
        Assert.Equal("mrkdwn", blocks[0].GetProperty("text").GetProperty("type").GetString());
        Assert.Equal(text, blocks[0].GetProperty("text").GetProperty("text").GetString());
        Assert.Equal("context", blocks[1].GetProperty("type").GetString());
        Assert.Contains("comment.added", blocks[1].GetProperty("elements")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }
}

public sealed class SqliteDeliveryTests(SqliteOpenApp app) : DeliveryTests(app), IClassFixture<SqliteOpenApp>;

public sealed class PostgresDeliveryTests(PostgresOpenApp app) : DeliveryTests(app), IClassFixture<PostgresOpenApp>;
