using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MimeKit;
using Xunit;

namespace TaskFlow.TestKit;

/// <summary>A signed-in user as the journey needs them: an API client with their token, their id and address.</summary>
public sealed record JourneyUser(HttpClient Api, Guid Id, string Email);

/// <summary>
/// One journey through the real APIs, whatever the topology (all-in-one in memory, or every service its own process behind
/// the gateway): the owner creates a workspace, invites the recipient by email (the token is read from the invitation
/// mail), creates a project, subscribes a webhook to a real local receiver and creates a task; the recipient's SignalR
/// client joins the project. Then the owner assigns the task to the recipient, mentions them in a comment, comments, and
/// moves the task. Each action must reach the recipient exactly once as an in-app notification, an email, a webhook
/// delivery (signed with the subscription's secret) and a realtime push (project event and notification); the actor gets
/// no notification. "Exactly once" is checked after a last comment's effects have arrived on every channel, so a
/// duplicate of an earlier action would have had its chance to arrive.
/// </summary>
public sealed partial class TaskEffectsJourney
{
    static readonly TimeSpan Eventually = TimeSpan.FromSeconds(60);

    public required JourneyUser Owner { get; init; }
    public required JourneyUser Recipient { get; init; }

    /// <summary>Every mail sent so far (the file sink of the all-in-one host, or an SMTP sink).</summary>
    public required Func<IReadOnlyList<MimeMessage>> Mails { get; init; }

    /// <summary>The recipient's hub connection, started.</summary>
    public required HubRecorder Hub { get; init; }

    public required WebhookReceiver Receiver { get; init; }

    public CancellationToken CancellationToken { get; init; }

    /// <summary>The workspace, project and task the journey created (set as it goes).</summary>
    public Guid WorkspaceId { get; private set; }

    public Guid ProjectId { get; private set; }

    public Guid TaskId { get; private set; }

    /// <summary>How long the journey took from the first request to the last assertion.</summary>
    public TimeSpan Elapsed { get; private set; }

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex TokenInLink();

    public async Task Run()
    {
        var started = DateTime.UtcNow;
        var ct = CancellationToken;

        // Workspace, recipient invited by email and accepted.
        var workspaceId = WorkspaceId = await Create(Owner.Api, "/v1/workspaces", new { name = "Effects" });
        await Send(Owner.Api, HttpMethod.Post, $"/v1/workspaces/{workspaceId}/invitations", new { email = Recipient.Email, role = "member" });
        var invitation = await WaitForMail(Recipient.Email, m => (m.TextBody ?? "").Contains("/invitations/accept?token=", StringComparison.Ordinal));
        var invitationToken = TokenInLink().Match(invitation.TextBody!).Groups[1].Value;
        await Send(Recipient.Api, HttpMethod.Post, "/v1/invitations/accept", new { token = invitationToken });

        var projectId = ProjectId = await Create(Owner.Api, $"/v1/workspaces/{workspaceId}/projects", new { name = "Website", key = "WEB" });
        var hook = await Send(Owner.Api, HttpMethod.Post, $"/v1/workspaces/{workspaceId}/webhooks",
            new { url = Receiver.Url, eventKinds = new[] { "task.assigned", "comment.added", "task.moved" } });
        var secret = hook.GetProperty("secret").GetString()!;

        var task = await Send(Owner.Api, HttpMethod.Post, $"/v1/projects/{projectId}/tasks", new { title = "Ship the release notes" });
        var taskId = TaskId = task.GetProperty("id").GetGuid();
        var key = task.GetProperty("key").GetString()!;
        var statusId = task.GetProperty("statusId").GetGuid();
        await Hub.JoinWhenAllowed(projectId, Eventually, ct);

        // 1. Assign. Tasks takes the assignee once its membership copy has them (400 until then).
        await Assign(taskId, Recipient.Id);
        await Arrived("task_assigned", "TaskAssigned", "task.assigned", taskId, key, subject: "assigned you", commentId: null);

        // 2. Mention (the recipient now watches the task, so this tests that a mentioned watcher is told once, as mentioned).
        var mention = await Create(Owner.Api, $"/v1/tasks/{taskId}/comments", new { body = $"@{Recipient.Email} could you check the wording?" });
        await Arrived("mentioned", "CommentAdded", "comment.added", taskId, key, subject: "mentioned you", commentId: mention);

        // 3. Comment (no mention): the recipient hears of it as a watcher.
        var comment = await Create(Owner.Api, $"/v1/tasks/{taskId}/comments", new { body = "Plain remark about the release notes" });
        await Arrived("comment_added", "CommentAdded", "comment.added", taskId, key, subject: "commented on", commentId: comment, text: "Plain remark");

        // 4. Move to another status.
        var statuses = await Get(Owner.Api, $"/v1/projects/{projectId}/statuses");
        var target = statuses.EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).First(id => id != statusId);
        await Send(Owner.Api, HttpMethod.Post, $"/v1/tasks/{taskId}/move", new { statusId = target });
        await Arrived("status_changed", "TaskMoved", "task.moved", taskId, key, subject: "changed the status", commentId: null);

        // A last comment: once its effects are everywhere, a duplicate of the earlier ones would be too.
        var last = await Create(Owner.Api, $"/v1/tasks/{taskId}/comments", new { body = "Closing remark, sentinel" });
        await Arrived("comment_added", "CommentAdded", "comment.added", taskId, key, subject: "commented on", commentId: last, text: "sentinel");

        // In-app: one notification per action, none to the actor.
        var notifications = Items(await Get(Recipient.Api, "/v1/notifications?limit=100"))
            .Where(n => n.GetProperty("taskId").GetString() == taskId.ToString()).ToList();
        Assert.Equal(["comment_added", "comment_added", "mentioned", "status_changed", "task_assigned"],
            notifications.Select(n => n.GetProperty("kind").GetString()!).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(Items(await Get(Owner.Api, "/v1/notifications?limit=100")), n => n.GetProperty("taskId").GetString() == taskId.ToString());

        // Email: one per notification, none to the actor.
        var mails = MailsAbout(Recipient.Email, key);
        Assert.Equal(5, mails.Count);
        Assert.Single(mails, m => (m.Subject ?? "").Contains("assigned you", StringComparison.Ordinal));
        Assert.Single(mails, m => (m.Subject ?? "").Contains("mentioned you", StringComparison.Ordinal));
        Assert.Single(mails, m => (m.Subject ?? "").Contains("changed the status", StringComparison.Ordinal));
        Assert.Single(mails, m => (m.Subject ?? "").Contains("commented on", StringComparison.Ordinal) && (m.TextBody ?? "").Contains("Plain remark", StringComparison.Ordinal));
        Assert.Empty(MailsAbout(Owner.Email, key));

        // Webhook: one signed delivery per event, each with its own delivery id.
        var deliveries = Receiver.Requests.Where(r => About(r, taskId)).ToList();
        Assert.Equal(["comment.added", "comment.added", "comment.added", "task.assigned", "task.moved"], deliveries.Select(r => r.Kind!).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { comment, last, mention }.Order(), deliveries.Where(r => r.Kind == "comment.added").Select(r => Data(r).GetProperty("commentId").GetGuid()).Order());
        Assert.All(deliveries, r => Assert.True(r.IsSignedWith(secret), $"{r.Kind} is not signed with the subscription's secret"));
        Assert.False(deliveries[0].IsSignedWith(secret + "x"));
        Assert.Equal(deliveries.Count, deliveries.Select(r => r.Headers["TaskFlow-Delivery"]).Distinct().Count());

        // Realtime: one project event per action, one notification push per in-app notification (the same ones).
        Assert.Single(Hub.Events("TaskAssigned", taskId));
        Assert.Single(Hub.Events("TaskMoved", taskId));
        Assert.Equal(new[] { comment, last, mention }.Order(), Hub.Events("CommentAdded", taskId).Select(e => e.GetProperty("data").GetProperty("commentId").GetGuid()).Order());
        var pushed = Hub.Received("notification").Where(n => n.GetProperty("url").GetString()?.Contains(taskId.ToString(), StringComparison.Ordinal) == true).ToList();
        Assert.Equal(notifications.Select(n => n.GetProperty("id").GetGuid()).Order(), pushed.Select(n => n.GetProperty("notificationId").GetGuid()).Order());
        Assert.All(pushed, n => Assert.Equal(Recipient.Id, n.GetProperty("userId").GetGuid()));

        Elapsed = DateTime.UtcNow - started;
    }

    /// <summary>Waits until the action reached the recipient on every channel.</summary>
    async Task Arrived(string kind, string eventType, string hookKind, Guid taskId, string key, string subject, Guid? commentId, string? text = null)
    {
        bool Matches(JsonElement n) =>
            n.GetProperty("kind").GetString() == kind && n.GetProperty("taskId").GetString() == taskId.ToString()
            && (text is null || (n.GetProperty("body").GetString() ?? "").Contains(text, StringComparison.Ordinal));
        await Until(async () => Items(await Get(Recipient.Api, "/v1/notifications?limit=100")).Any(Matches), $"the {kind} notification");
        await WaitForMail(Recipient.Email, m => (m.Subject ?? "").Contains(key, StringComparison.Ordinal) && (m.Subject ?? "").Contains(subject, StringComparison.Ordinal)
            && (text is null || (m.TextBody ?? "").Contains(text, StringComparison.Ordinal)));
        await Receiver.WaitFor(r => r.Kind == hookKind && About(r, taskId)
            && (commentId is null || Data(r).GetProperty("commentId").GetGuid() == commentId), Eventually);
        await Hub.WaitFor("event", e => e.GetProperty("type").GetString() == eventType && e.GetProperty("taskId").GetString() == taskId.ToString()
            && (commentId is null || e.GetProperty("data").GetProperty("commentId").GetGuid() == commentId), Eventually);
        await Hub.WaitFor("notification", n => n.GetProperty("kind").GetString() == kind
            && (n.GetProperty("url").GetString() ?? "").Contains(taskId.ToString(), StringComparison.Ordinal)
            && (text is null || (n.GetProperty("body").GetString() ?? "").Contains(text, StringComparison.Ordinal)), Eventually);
    }

    async Task Assign(Guid taskId, Guid assignee)
    {
        await Until(async () =>
        {
            using var read = await Owner.Api.GetAsync(new Uri($"/v1/tasks/{taskId}", UriKind.Relative), CancellationToken);
            read.EnsureSuccessStatusCode();
            using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/v1/tasks/{taskId}") { Content = JsonContent.Create(new { assigneeIds = new[] { assignee } }) };
            patch.Headers.IfMatch.Add(read.Headers.ETag!);
            using var patched = await Owner.Api.SendAsync(patch, CancellationToken);
            if (patched.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.PreconditionFailed) return false;
            patched.EnsureSuccessStatusCode();
            return true;
        }, "the assignment");
    }

    IReadOnlyList<MimeMessage> MailsAbout(string to, string key) =>
        [.. Mails().Where(m => IsTo(m, to) && m.Subject?.Contains(key, StringComparison.Ordinal) == true)];

    static bool IsTo(MimeMessage m, string to) => m.To.Mailboxes.Any(b => string.Equals(b.Address, to, StringComparison.OrdinalIgnoreCase));

    async Task<MimeMessage> WaitForMail(string to, Func<MimeMessage, bool> match)
    {
        MimeMessage? found = null;
        await Until(() => Task.FromResult((found = Mails().FirstOrDefault(m => IsTo(m, to) && match(m))) is not null), $"a mail to {to}");
        return found!;
    }

    static JsonElement Data(WebhookRequest r) => JsonDocument.Parse(r.Body).RootElement.GetProperty("data");

    static bool About(WebhookRequest r, Guid taskId) =>
        Data(r).TryGetProperty("taskId", out var id) && id.GetString() == taskId.ToString();

    static IEnumerable<JsonElement> Items(JsonElement list) =>
        list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : list.GetProperty("data").EnumerateArray();

    async Task<JsonElement> Get(HttpClient api, string url)
    {
        using var response = await api.GetAsync(new Uri(url, UriKind.Relative), CancellationToken);
        var text = await response.Content.ReadAsStringAsync(CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    async Task<Guid> Create(HttpClient api, string url, object body) => (await Send(api, HttpMethod.Post, url, body)).GetProperty("id").GetGuid();

    /// <summary>
    /// Sends until the answer is a success. Services learn of workspaces, projects and members through events, so a write
    /// that depends on one is refused for a moment (404, 400, 403, 409); anything else fails at once.
    /// </summary>
    async Task<JsonElement> Send(HttpClient api, HttpMethod method, string url, object body)
    {
        var deadline = DateTime.UtcNow + Eventually;
        while (true)
        {
            using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
            using var response = await api.SendAsync(request, CancellationToken);
            var text = await response.Content.ReadAsStringAsync(CancellationToken);
            if (response.IsSuccessStatusCode) return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            if (response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.Conflict)
                || DateTime.UtcNow > deadline)
                throw new HttpRequestException($"{method} {url}: {(int)response.StatusCode} {text}");
            await Task.Delay(100, CancellationToken);
        }
    }

    async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Eventually;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited {Eventually.TotalSeconds:0} s for {what}.");
            await Task.Delay(100, CancellationToken);
        }
    }

    /// <summary><paramref name="client"/>, sending <paramref name="accessToken"/> as bearer.</summary>
    public static HttpClient Authorized(HttpClient client, string accessToken)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }
}
