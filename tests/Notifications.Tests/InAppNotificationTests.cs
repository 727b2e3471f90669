using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Notifications.Data;
using TaskFlow.TestKit;

namespace TaskFlow.Notifications.Tests;

public abstract partial class InAppNotificationTests(NotificationsApp app)
{
    const string Url = NotificationsApp.PublicUrl;

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex TokenPattern();

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    sealed record User(Guid Id, string Email, string Name, HttpClient Client);

    /// <summary>A real account (identity publishes UserRegistered), once notifications has its local copy.</summary>
    async Task<User> NewUser(string name)
    {
        using var anonymous = app.CreateClient();
        var registered = await Accounts.Register(anonymous, displayName: name);
        var token = await Accounts.SignIn(anonymous, registered.Email, registered.Password);
        await Events.Eventually(() => app.Query(db => db.Users.AnyAsync(u => u.Id == registered.Id, Ct)), known => known, $"the user copy of {name}");
        return new User(registered.Id, registered.Email, name, app.Authorized(token));
    }

    /// <summary>Waits until <paramref name="consumer"/> has handled the event: after that, what it did (or did not do) is final.</summary>
    Task Handled(IntegrationEvent e, string consumer) =>
        Events.Eventually(() => app.Query(db => db.InboxMessages.AnyAsync(m => m.MessageId == e.EventId && m.Consumer == "notifications." + consumer, Ct)),
            handled => handled, $"{consumer} to handle {e.GetType().Name}");

    static async Task<JsonElement> Page(User user, string query = "")
    {
        using var response = await user.Client.GetAsync(new Uri("/v1/notifications" + query, UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    static async Task<List<JsonElement>> Items(User user, string query = "") => (await Page(user, query)).GetProperty("data").EnumerateArray().ToList();

    static Task<List<JsonElement>> WaitForNotifications(User user, int count) =>
        Events.Eventually(() => Items(user), items => items.Count >= count, $"{count} notification(s) for {user.Name}");

    async Task<(Guid TaskId, Guid ProjectId)> NewTask(string key, string title, Guid reporter)
    {
        var created = PreviousRelease.TaskCreated(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), key, title, reporter);
        await app.Publish(created);
        await Handled(created, "TaskCopyHandler");
        return (created.TaskId, created.ProjectId);
    }

    static bool IsTo(MimeMessage message, string to) =>
        message.To.Mailboxes.Any(b => string.Equals(b.Address, to, StringComparison.OrdinalIgnoreCase));

    Task<MimeMessage> WaitForNotificationMail(User user) => app.WaitForMail(user.Email, m => m.Subject != "Welcome to TaskFlow" && m.Subject != "Verify your email");

    [Fact]
    public async Task TaskAssigned_notifies_the_assignee_in_the_app_and_by_email_and_not_the_actor()
    {
        var ada = await NewUser("Ada Lovelace");
        var bob = await NewUser("Bob Builder");
        var (taskId, projectId) = await NewTask("APO-7", "Fix the guidance computer", ada.Id);

        await app.Publish(PreviousRelease.TaskAssigned(taskId, projectId, bob.Id, ada.Id));

        var item = Assert.Single(await WaitForNotifications(bob, 1));
        Assert.Equal("task_assigned", item.GetProperty("kind").GetString());
        Assert.Equal("Ada Lovelace assigned you APO-7 Fix the guidance computer", item.GetProperty("title").GetString());
        Assert.Equal($"/tasks/{taskId}", item.GetProperty("link").GetString());
        Assert.Equal(taskId, item.GetProperty("taskId").GetGuid());
        Assert.Equal(projectId, item.GetProperty("projectId").GetGuid());
        Assert.Equal(ada.Id, item.GetProperty("actorId").GetGuid());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("readAt").ValueKind);
        Assert.Empty(await Items(ada));

        var mail = await WaitForNotificationMail(bob);
        Assert.Equal("Ada Lovelace assigned you APO-7 Fix the guidance computer", mail.Subject);
        Assert.Contains($"{Url}/tasks/{taskId}", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"{Url}/v1/notifications/unsubscribe?token=", mail.TextBody, StringComparison.Ordinal);
        Assert.StartsWith($"<{Url}/v1/notifications/unsubscribe?token=", mail.Headers["List-Unsubscribe"], StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        Assert.DoesNotContain(app.Mails(), m => IsTo(m, ada.Email) && (m.Subject ?? "").Contains("assigned", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Assigning_yourself_notifies_nobody()
    {
        var ada = await NewUser("Ada Self");
        var (taskId, projectId) = await NewTask("SELF-1", "Mine", ada.Id);

        var assigned = PreviousRelease.TaskAssigned(taskId, projectId, ada.Id, ada.Id);
        await app.Publish(assigned);
        await Handled(assigned, "TaskAssignedHandler");

        Assert.Empty(await Items(ada));
        Assert.Equal(0, await app.Query(db => db.OutgoingEmails.CountAsync(e => e.To == ada.Email && e.MessageKey.StartsWith("task_assigned"), Ct)));
    }

    [Fact]
    public async Task MemberMentioned_notifies_the_mentioned_user_but_not_a_self_mention()
    {
        var ada = await NewUser("Ada Mention");
        var bob = await NewUser("Bob Mention");
        var (taskId, projectId) = await NewTask("MEN-2", "Discuss", ada.Id);

        var self = PreviousRelease.MemberMentioned(taskId, projectId, Guid.NewGuid(), ada.Id, ada.Id);
        await app.Publish(self, PreviousRelease.MemberMentioned(taskId, projectId, Guid.NewGuid(), bob.Id, ada.Id));

        var item = Assert.Single(await WaitForNotifications(bob, 1));
        Assert.Equal("mentioned", item.GetProperty("kind").GetString());
        Assert.Equal("Ada Mention mentioned you on MEN-2 Discuss", item.GetProperty("title").GetString());
        Assert.Equal($"/tasks/{taskId}", item.GetProperty("link").GetString());
        var mail = await WaitForNotificationMail(bob);
        Assert.Contains($"{Url}/tasks/{taskId}", mail.TextBody, StringComparison.Ordinal);

        await Handled(self, "MentionHandler");
        Assert.Empty(await Items(ada));
    }

    [Fact]
    public async Task MemberAdded_tells_the_new_member_the_workspace_name_but_not_the_creator()
    {
        var owner = await NewUser("Olga Owner");
        var member = await NewUser("Max Member");
        var workspace = new WorkspaceCreated(Guid.NewGuid(), "Apollo Program", owner.Id);
        var ownerAdded = new MemberAdded(workspace.WorkspaceId, owner.Id, "owner");
        await app.Publish(workspace, ownerAdded);
        await Handled(workspace, "WorkspaceCopyHandler");
        await app.Publish(new MemberAdded(workspace.WorkspaceId, member.Id, "member"));

        var item = Assert.Single(await WaitForNotifications(member, 1));
        Assert.Equal("added_to_workspace", item.GetProperty("kind").GetString());
        Assert.Equal("You were added to Apollo Program", item.GetProperty("title").GetString());
        Assert.Equal(workspace.WorkspaceId, item.GetProperty("workspaceId").GetGuid());

        await Handled(ownerAdded, "MemberAddedHandler");
        Assert.Empty(await Items(owner));
    }

    [Fact]
    public async Task The_creator_told_before_WorkspaceCreated_arrives_loses_that_notice()
    {
        var owner = await NewUser("Early Owner");
        var workspaceId = Guid.NewGuid();
        await app.Publish(new MemberAdded(workspaceId, owner.Id, "owner"));
        await WaitForNotifications(owner, 1);

        var created = new WorkspaceCreated(workspaceId, "Late", owner.Id);
        await app.Publish(created);
        await Handled(created, "WorkspaceCopyHandler");
        Assert.Empty(await Items(owner));
    }

    [Fact]
    public async Task An_invitation_to_a_known_address_shows_in_the_app_too()
    {
        var eve = await NewUser("Eve Invitee");
        await app.Publish(new InvitationCreated(Guid.NewGuid(), Guid.NewGuid(), "Gemini", eve.Email.ToUpperInvariant(), "member", "Gus Grissom",
            Events.NewToken(), DateTime.UtcNow.AddDays(7)));

        var item = Assert.Single(await WaitForNotifications(eve, 1));
        Assert.Equal("invited_to_workspace", item.GetProperty("kind").GetString());
        Assert.Equal("Gus Grissom invited you to Gemini", item.GetProperty("title").GetString());
        Assert.Equal("/invitations", item.GetProperty("link").GetString());
        // The in-app notice never holds the invitation's secret token.
        Assert.DoesNotContain("token", item.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_event_delivered_again_makes_one_notification_and_one_email()
    {
        var ada = await NewUser("Ada Again");
        var bob = await NewUser("Bob Again");
        var (taskId, projectId) = await NewTask("DUP-1", "Twice", ada.Id);
        var assigned = PreviousRelease.TaskAssigned(taskId, projectId, bob.Id, ada.Id);
        await app.Publish(assigned);
        await WaitForNotifications(bob, 1);

        await app.Query(db => db.OutboxMessages.Where(m => m.Id == assigned.EventId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAt, (DateTime?)null), Ct));
        await Events.Eventually(
            () => app.Query(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == assigned.EventId, Ct)),
            m => m.ProcessedAt is not null, "the second delivery");
        // Even a handler run again past the inbox (its row lost) adds nothing.
        await app.Query(db => db.InboxMessages.Where(m => m.MessageId == assigned.EventId).ExecuteDeleteAsync(Ct));
        await app.Query(db => db.OutboxMessages.Where(m => m.Id == assigned.EventId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAt, (DateTime?)null), Ct));
        await Handled(assigned, "TaskAssignedHandler");

        Assert.Single(await Items(bob));
        Assert.Equal(1, await app.Query(db => db.OutgoingEmails.CountAsync(e => e.To == bob.Email && e.MessageKey.StartsWith("task_assigned"), Ct)));
    }

    [Fact]
    public async Task The_same_event_handled_twice_at_once_makes_one_notification()
    {
        var ada = await NewUser("Ada Racer");
        var bob = await NewUser("Bob Racer");
        var (taskId, projectId) = await NewTask("RACE-1", "Race", ada.Id);
        var assigned = PreviousRelease.TaskAssigned(taskId, projectId, bob.Id, ada.Id);
        var envelope = OutboxMessage.From(assigned, correlationId: null).ToEnvelope();
        var subscription = app.Services.GetServices<EventSubscription>().Single(s => s.Consumer == "notifications.TaskAssignedHandler");

        async Task Deliver()
        {
            await using var scope = app.Services.CreateAsyncScope();
            await subscription.Handle(scope.ServiceProvider, envelope, Ct);
        }

        await Task.WhenAll(Deliver(), Deliver(), Deliver());

        Assert.Single(await Items(bob));
        Assert.Equal(1, await app.Query(db => db.OutgoingEmails.CountAsync(e => e.To == bob.Email && e.MessageKey.StartsWith("task_assigned"), Ct)));
    }

    [Fact]
    public async Task Names_and_titles_are_HTML_encoded_in_task_emails()
    {
        var ada = await NewUser("<i>Ada</i>");
        var bob = await NewUser("Bob Html");
        var (taskId, projectId) = await NewTask("XSS-1", "<script>alert(1)</script>", ada.Id);
        await app.Publish(PreviousRelease.TaskAssigned(taskId, projectId, bob.Id, ada.Id));

        var mail = await WaitForNotificationMail(bob);
        Assert.DoesNotContain("<script>", mail.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<i>Ada</i>", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", mail.HtmlBody, StringComparison.Ordinal);
        // The API returns plain text: encoding is the client's job there.
        var item = Assert.Single(await Items(bob));
        Assert.Equal("<i>Ada</i> assigned you XSS-1 <script>alert(1)</script>", item.GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_list_is_newest_first_with_cursor_pages_unread_filter_and_count()
    {
        var ada = await NewUser("Ada Pages");
        var bob = await NewUser("Bob Pages");
        var tasks = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var (taskId, projectId) = await NewTask($"PG-{i}", $"Task {i}", ada.Id);
            tasks.Add(taskId);
            // One at a time, so the order of creation is known.
            await app.Publish(PreviousRelease.TaskAssigned(taskId, projectId, bob.Id, ada.Id));
            await WaitForNotifications(bob, i + 1);
        }

        var first = await Page(bob, "?limit=2");
        Assert.Equal(5, first.GetProperty("unreadCount").GetInt32());
        var seen = first.GetProperty("data").EnumerateArray().Select(n => n.GetProperty("taskId").GetGuid()).ToList();
        var cursor = first.GetProperty("nextCursor").GetString();
        while (cursor is not null)
        {
            var page = await Page(bob, $"?limit=2&cursor={Uri.EscapeDataString(cursor)}");
            var data = page.GetProperty("data").EnumerateArray().ToList();
            Assert.InRange(data.Count, 1, 2);
            seen.AddRange(data.Select(n => n.GetProperty("taskId").GetGuid()));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        }
        Assert.Equal(Enumerable.Reverse(tasks), seen);

        // Read the newest; the unread list and count leave it out.
        var newest = first.GetProperty("data")[0].GetProperty("id").GetGuid();
        using (var read = await bob.Client.PostAsync(new Uri($"/v1/notifications/{newest}/read", UriKind.Relative), null, Ct))
            Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
        var unread = await Page(bob, "?unread=true");
        Assert.Equal(4, unread.GetProperty("unreadCount").GetInt32());
        Assert.Equal(4, unread.GetProperty("data").GetArrayLength());
        Assert.DoesNotContain(unread.GetProperty("data").EnumerateArray(), n => n.GetProperty("id").GetGuid() == newest);
        var all = await Items(bob);
        Assert.Equal(5, all.Count);
        Assert.NotEqual(JsonValueKind.Null, all.Single(n => n.GetProperty("id").GetGuid() == newest).GetProperty("readAt").ValueKind);

        using (var bad = await bob.Client.GetAsync(new Uri("/v1/notifications?cursor=not-a-cursor&limit=500", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var problem = await bad.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _));
            Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
        }
    }

    [Fact]
    public async Task The_inbox_filters_by_kind_and_project_and_a_read_notification_can_be_marked_unread()
    {
        var ada = await NewUser("Ada Inbox");
        var bob = await NewUser("Bob Inbox");
        var (taskA, projectA) = await NewTask("IN-1", "Assigned one", ada.Id);
        var (taskB, projectB) = await NewTask("IN-2", "Mentioned one", ada.Id);
        await app.Publish(PreviousRelease.TaskAssigned(taskA, projectA, bob.Id, ada.Id), PreviousRelease.MemberMentioned(taskB, projectB, Guid.NewGuid(), bob.Id, ada.Id));
        var items = await WaitForNotifications(bob, 2);

        var mentions = await Items(bob, "?kind=mentioned");
        Assert.Equal(taskB, Assert.Single(mentions).GetProperty("taskId").GetGuid());
        var inProjectA = await Items(bob, $"?projectId={projectA}");
        Assert.Equal("task_assigned", Assert.Single(inProjectA).GetProperty("kind").GetString());
        Assert.Empty(await Items(bob, $"?kind=mentioned&projectId={projectA}"));

        var id = items[0].GetProperty("id").GetGuid();
        using (var read = await bob.Client.PostAsync(new Uri($"/v1/notifications/{id}/read", UriKind.Relative), null, Ct))
            Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
        Assert.Equal(1, (await Page(bob)).GetProperty("unreadCount").GetInt32());
        using (var unread = await bob.Client.PostAsync(new Uri($"/v1/notifications/{id}/unread", UriKind.Relative), null, Ct))
            Assert.Equal(HttpStatusCode.NoContent, unread.StatusCode);
        var page = await Page(bob);
        Assert.Equal(2, page.GetProperty("unreadCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("data").EnumerateArray().Single(n => n.GetProperty("id").GetGuid() == id).GetProperty("readAt").ValueKind);

        // Nobody else can touch it.
        using (var other = await ada.Client.PostAsync(new Uri($"/v1/notifications/{id}/unread", UriKind.Relative), null, Ct))
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task Read_all_delete_and_another_users_notification_is_404()
    {
        var ada = await NewUser("Ada Owner");
        var bob = await NewUser("Bob Owner");
        for (var i = 0; i < 2; i++)
        {
            var (taskId, projectId) = await NewTask($"RA-{i}", "Read me", ada.Id);
            await app.Publish(PreviousRelease.TaskAssigned(taskId, projectId, bob.Id, ada.Id));
        }
        var items = await WaitForNotifications(bob, 2);
        var id = items[0].GetProperty("id").GetGuid();

        // Ada cannot see, read or delete Bob's notification: it does not exist for her.
        using (var read = await ada.Client.PostAsync(new Uri($"/v1/notifications/{id}/read", UriKind.Relative), null, Ct))
            Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        using (var delete = await ada.Client.DeleteAsync(new Uri($"/v1/notifications/{id}", UriKind.Relative), Ct))
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        using (var readAll = await ada.Client.PostAsync(new Uri("/v1/notifications/read-all", UriKind.Relative), null, Ct))
            Assert.Equal(HttpStatusCode.NoContent, readAll.StatusCode);
        Assert.Equal(2, (await Page(bob)).GetProperty("unreadCount").GetInt32());

        using (var readAll = await bob.Client.PostAsync(new Uri("/v1/notifications/read-all", UriKind.Relative), null, Ct))
            Assert.Equal(HttpStatusCode.NoContent, readAll.StatusCode);
        var page = await Page(bob);
        Assert.Equal(0, page.GetProperty("unreadCount").GetInt32());
        Assert.All(page.GetProperty("data").EnumerateArray(), n => Assert.NotEqual(JsonValueKind.Null, n.GetProperty("readAt").ValueKind));

        using (var delete = await bob.Client.DeleteAsync(new Uri($"/v1/notifications/{id}", UriKind.Relative), Ct))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using (var again = await bob.Client.DeleteAsync(new Uri($"/v1/notifications/{id}", UriKind.Relative), Ct))
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using (var unknown = await bob.Client.PostAsync(new Uri($"/v1/notifications/{Guid.NewGuid()}/read", UriKind.Relative), null, Ct))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.DoesNotContain(await Items(bob), n => n.GetProperty("id").GetGuid() == id);
    }

    [Theory]
    [InlineData("GET", "/v1/notifications")]
    [InlineData("POST", "/v1/notifications/read-all")]
    [InlineData("POST", "/v1/notifications/0195f5a4-0000-7000-8000-000000000000/read")]
    [InlineData("DELETE", "/v1/notifications/0195f5a4-0000-7000-8000-000000000000")]
    [InlineData("GET", "/v1/notifications/preferences")]
    [InlineData("PUT", "/v1/notifications/preferences")]
    public async Task Anonymous_callers_get_401(string method, string path)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method == "PUT") request.Content = JsonContent.Create(new Dictionary<string, object>());
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Preferences_default_to_on_and_unknown_kinds_are_named_in_the_error()
    {
        var ada = await NewUser("Ada Prefs");
        var prefs = await ada.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/notifications/preferences", UriKind.Relative), Ct);
        foreach (var kind in new[] { "task_assigned", "mentioned", "invited_to_workspace", "added_to_workspace" })
        {
            Assert.True(prefs.GetProperty(kind).GetProperty("inApp").GetBoolean());
            Assert.True(prefs.GetProperty(kind).GetProperty("email").GetBoolean());
        }

        using var bad = await ada.Client.PutAsJsonAsync(new Uri("/v1/notifications/preferences", UriKind.Relative),
            new Dictionary<string, object> { ["task_assigned"] = new { email = false }, ["no_such_kind"] = new { inApp = false } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var errors = problem.GetProperty("errors");
        Assert.Contains("no_such_kind", errors.GetProperty("no_such_kind")[0].GetString(), StringComparison.Ordinal);
        Assert.False(errors.TryGetProperty("task_assigned", out _));
        // Nothing was changed by the refused request.
        prefs = await ada.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/notifications/preferences", UriKind.Relative), Ct);
        Assert.True(prefs.GetProperty("task_assigned").GetProperty("email").GetBoolean());

        using var ok = await ada.Client.PutAsJsonAsync(new Uri("/v1/notifications/preferences", UriKind.Relative),
            new Dictionary<string, object> { ["mentioned"] = new { inApp = false } }, Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var updated = await ok.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.False(updated.GetProperty("mentioned").GetProperty("inApp").GetBoolean());
        Assert.True(updated.GetProperty("mentioned").GetProperty("email").GetBoolean());
        Assert.True(updated.GetProperty("task_assigned").GetProperty("inApp").GetBoolean());
    }

    [Fact]
    public async Task In_app_off_means_no_notification_and_email_off_means_no_email()
    {
        var ada = await NewUser("Ada Channels");
        var bob = await NewUser("Bob Channels");
        using (var put = await bob.Client.PutAsJsonAsync(new Uri("/v1/notifications/preferences", UriKind.Relative),
            new Dictionary<string, object> { ["task_assigned"] = new { inApp = false, email = true }, ["mentioned"] = new { inApp = true, email = false } }, Ct))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var (taskId, projectId) = await NewTask("CH-1", "Channels", ada.Id);

        var assigned = PreviousRelease.TaskAssigned(taskId, projectId, bob.Id, ada.Id);
        var mentioned = PreviousRelease.MemberMentioned(taskId, projectId, Guid.NewGuid(), bob.Id, ada.Id);
        await app.Publish(assigned, mentioned);
        await Handled(assigned, "TaskAssignedHandler");
        await Handled(mentioned, "MentionHandler");

        var item = Assert.Single(await Items(bob));
        Assert.Equal("mentioned", item.GetProperty("kind").GetString());
        var emails = await app.EmailsTo(bob.Email);
        Assert.Single(emails, e => e.MessageKey.StartsWith("task_assigned", StringComparison.Ordinal));
        Assert.DoesNotContain(emails, e => e.MessageKey.StartsWith("mentioned", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_unsubscribe_link_turns_that_kinds_email_off_and_a_tampered_one_is_refused()
    {
        var ada = await NewUser("Ada Unsub");
        var bob = await NewUser("Bob Unsub");
        var (taskId, projectId) = await NewTask("UN-1", "Unsubscribe", ada.Id);
        await app.Publish(PreviousRelease.TaskAssigned(taskId, projectId, bob.Id, ada.Id));
        var mail = await WaitForNotificationMail(bob);
        var link = Regex.Match(mail.TextBody ?? "", $"{Regex.Escape(Url)}(/v1/notifications/unsubscribe\\?token=[A-Za-z0-9_-]+)").Groups[1].Value;
        var token = TokenPattern().Match(link).Groups[1].Value;
        Assert.NotEmpty(token);

        using var anonymous = app.CreateClient();
        var tampered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        using (var refused = await anonymous.GetAsync(new Uri($"/v1/notifications/unsubscribe?token={tampered}", UriKind.Relative), Ct))
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using (var missing = await anonymous.PostAsync(new Uri("/v1/notifications/unsubscribe", UriKind.Relative), null, Ct))
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var prefs = await bob.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/notifications/preferences", UriKind.Relative), Ct);
        Assert.True(prefs.GetProperty("task_assigned").GetProperty("email").GetBoolean());

        using (var ok = await anonymous.GetAsync(new Uri(link, UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Contains("Unsubscribed", await ok.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        // One-click (RFC 8058) is a POST to the same URL; doing it again is fine.
        using (var oneClick = await anonymous.PostAsync(new Uri(link, UriKind.Relative), new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]), Ct))
            Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);

        prefs = await bob.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/notifications/preferences", UriKind.Relative), Ct);
        Assert.False(prefs.GetProperty("task_assigned").GetProperty("email").GetBoolean());
        Assert.True(prefs.GetProperty("task_assigned").GetProperty("inApp").GetBoolean());
        Assert.True(prefs.GetProperty("mentioned").GetProperty("email").GetBoolean());

        // The next assignment still shows in the app, but sends no email.
        var (task2, project2) = await NewTask("UN-2", "Quiet", ada.Id);
        var second = PreviousRelease.TaskAssigned(task2, project2, bob.Id, ada.Id);
        await app.Publish(second);
        await Handled(second, "TaskAssignedHandler");
        Assert.Equal(2, (await Items(bob)).Count);
        Assert.Single(await app.EmailsTo(bob.Email), e => e.MessageKey.StartsWith("task_assigned", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Account_emails_carry_no_unsubscribe_link()
    {
        var ada = await NewUser("Ada Account");
        var welcome = await app.WaitForMail(ada.Email, m => m.Subject == "Welcome to TaskFlow");
        Assert.DoesNotContain("unsubscribe", welcome.TextBody, StringComparison.OrdinalIgnoreCase);
        Assert.False(welcome.Headers.Contains("List-Unsubscribe"));
    }

    [Fact]
    public async Task A_renamed_user_is_named_by_their_new_name()
    {
        var ada = await NewUser("Ada Old");
        var bob = await NewUser("Bob Rename");
        var renamed = new UserProfileUpdated(ada.Id, ada.Email, "Ada New");
        await app.Publish(renamed);
        await Handled(renamed, "UserCopyHandler");
        var (taskId, projectId) = await NewTask("RN-1", "Renamed", ada.Id);
        await app.Publish(PreviousRelease.TaskAssigned(taskId, projectId, bob.Id, ada.Id));
        var item = Assert.Single(await WaitForNotifications(bob, 1));
        Assert.Equal("Ada New assigned you RN-1 Renamed", item.GetProperty("title").GetString());
    }
}

public sealed class SqliteInAppNotificationTests(SqliteNotificationsApp app) : InAppNotificationTests(app), IClassFixture<SqliteNotificationsApp>;

public sealed class PostgresInAppNotificationTests(PostgresNotificationsApp app) : InAppNotificationTests(app), IClassFixture<PostgresNotificationsApp>;
