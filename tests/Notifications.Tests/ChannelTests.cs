using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Sms;
using TaskFlow.TestKit;
using static TaskFlow.Notifications.Tests.Channels;

namespace TaskFlow.Notifications.Tests;

public abstract class ChannelTests(ChannelsApp app)
{
    const string Url = ChannelsApp.PublicUrl;
    const string Delivery = "/v1/notifications/preferences/delivery";
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<List<JsonElement>> Items(Person person)
    {
        var page = await person.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/notifications", UriKind.Relative), Ct);
        return page.GetProperty("data").EnumerateArray().ToList();
    }

    static Task<List<JsonElement>> WaitForItems(Person person, int count) =>
        Events.Eventually(() => Items(person), items => items.Count >= count, $"{count} notification(s)");

    Task<List<OutgoingSms>> SmsTo(Guid userId) =>
        app.Query(db => db.OutgoingSms.AsNoTracking().Where(m => m.RecipientId == userId).ToListAsync(Ct));

    IReadOnlyList<LocalSms> LocalTexts(string to) =>
        app.Services.GetRequiredService<LocalSmsSender>().List().Where(m => m.To == to).ToList();

    static async Task PutDelivery(Person person, object body)
    {
        using var response = await person.Client.PutAsJsonAsync(new Uri(Delivery, UriKind.Relative), body, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    static (Guid Task, Guid Project, Guid Workspace, string Key) NewTask() =>
        (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), $"CH-{Random.Shared.Next(1000, 9999)}");

    static bool IsTo(MimeMessage m, string to) => m.To.Mailboxes.Any(b => string.Equals(b.Address, to, StringComparison.OrdinalIgnoreCase));

    List<MimeMessage> NotificationMails(string to) =>
        app.Mails().Where(m => IsTo(m, to) && m.Subject != "Welcome to TaskFlow").ToList();

    [Fact]
    public async Task A_watcher_mentioned_in_a_comment_is_told_once_as_a_mention()
    {
        var ada = await app.NewPerson("Ada Author");
        var bob = await app.NewPerson("Bob Mentioned");
        var cat = await app.NewPerson("Cat Watcher");
        var (taskId, projectId, workspaceId, key) = NewTask();
        var commentId = Guid.NewGuid();

        var comment = new CommentAdded(commentId, taskId, projectId, ada.Id, workspaceId, key, "Once", "@bob look", [ada.Id, bob.Id, cat.Id], [bob.Id]);
        var mention = new MemberMentioned(taskId, projectId, commentId, bob.Id, ada.Id, workspaceId, key, "Once");
        await app.Publish(comment, mention);
        await app.Handled(comment, "CommentAddedHandler");
        await app.Handled(mention, "MentionHandler");

        var bobItem = Assert.Single(await WaitForItems(bob, 1));
        Assert.Equal("mentioned", bobItem.GetProperty("kind").GetString());
        Assert.Equal("comment_added", Assert.Single(await WaitForItems(cat, 1)).GetProperty("kind").GetString());
        // A second mail to Bob would have been queued with Cat's, by the same handler run.
        await app.WaitForMail(cat.Email, m => m.Subject!.Contains("commented", StringComparison.Ordinal));
        await app.WaitForMail(bob.Email, m => m.Subject!.Contains("mentioned", StringComparison.Ordinal));
        Assert.Single(NotificationMails(bob.Email));
    }

    [Fact]
    public async Task Comments_status_changes_and_due_reminders_reach_watchers_and_assignees_but_never_the_actor()
    {
        var ada = await app.NewPerson("Ada Author");
        var bob = await app.NewPerson("Bob Watcher");
        var cat = await app.NewPerson("Cat Watcher");
        var (taskId, projectId, workspaceId, key) = NewTask();

        var comment = new CommentAdded(Guid.NewGuid(), taskId, projectId, ada.Id, workspaceId, key, "Fix <b>login</b>", "Looks good to me", [ada.Id, bob.Id, cat.Id], []);
        await app.Publish(comment);
        var bobItems = await WaitForItems(bob, 1);
        var item = Assert.Single(bobItems);
        Assert.Equal("comment_added", item.GetProperty("kind").GetString());
        Assert.Equal($"Ada Author commented on {key} Fix <b>login</b>", item.GetProperty("title").GetString());
        Assert.Equal("Looks good to me", item.GetProperty("body").GetString());
        Assert.Equal($"/tasks/{taskId}", item.GetProperty("link").GetString());
        Assert.Single(await WaitForItems(cat, 1));
        Assert.Empty(await Items(ada));
        var mail = await app.WaitForMail(bob.Email, m => m.Subject!.Contains("commented", StringComparison.Ordinal));
        Assert.Contains($"{Url}/tasks/{taskId}", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Looks good to me", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Fix &lt;b&gt;login&lt;/b&gt;", mail.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>login</b>", mail.HtmlBody, StringComparison.Ordinal);

        // Moving within the column is no status change; moving to another status is.
        var status = Guid.NewGuid();
        var sameColumn = new TaskMoved(taskId, projectId, status, status, "a0", bob.Id, workspaceId, key, "Fix <b>login</b>", [ada.Id, bob.Id]);
        var moved = new TaskMoved(taskId, projectId, status, Guid.NewGuid(), "a1", bob.Id, workspaceId, key, "Fix <b>login</b>", [ada.Id, bob.Id]);
        await app.Publish(sameColumn, moved);
        var adaItem = Assert.Single(await WaitForItems(ada, 1));
        Assert.Equal("status_changed", adaItem.GetProperty("kind").GetString());
        Assert.Equal($"Bob Watcher changed the status of {key} Fix <b>login</b>", adaItem.GetProperty("title").GetString());
        await app.Handled(sameColumn, "StatusChangedHandler");
        Assert.Single(await Items(bob));

        // TaskUpdated naming "status" by the system (an automation) notifies every watcher; other fields notify nobody.
        var titleOnly = new TaskUpdated(taskId, projectId, ["title"], ada.Id, workspaceId, key, "Renamed", status, null, [], [cat.Id]);
        var bySystem = new TaskUpdated(taskId, projectId, ["status", "title"], Guid.Empty, workspaceId, key, "Renamed", status, null, [], [cat.Id]);
        await app.Publish(titleOnly, bySystem);
        var catItems = await WaitForItems(cat, 2);
        Assert.Equal($"TaskFlow changed the status of {key} Renamed", catItems[0].GetProperty("title").GetString());
        await app.Handled(titleOnly, "StatusChangedHandler");
        Assert.Equal(2, (await Items(cat)).Count);

        // Due reminders go to assignees and watchers, once each.
        var due = new DateOnly(2031, 3, 4);
        await app.Publish(new TaskDueReminder(taskId, projectId, workspaceId, key, "Renamed", due, "due_soon", [bob.Id], [bob.Id, cat.Id]),
            new TaskDueReminder(taskId, projectId, workspaceId, key, "Renamed", due, "overdue", [bob.Id], []));
        bobItems = await WaitForItems(bob, 3);
        Assert.Contains(bobItems, i => i.GetProperty("kind").GetString() == "due_soon" && i.GetProperty("title").GetString() == $"{key} Renamed is due tomorrow (2031-03-04)");
        Assert.Contains(bobItems, i => i.GetProperty("kind").GetString() == "overdue" && i.GetProperty("title").GetString() == $"{key} Renamed is overdue (due 2031-03-04)");
        catItems = await WaitForItems(cat, 3);
        Assert.Single(catItems, i => i.GetProperty("kind").GetString() == "due_soon");
        var dueMail = await app.WaitForMail(bob.Email, m => m.Subject!.Contains("is due tomorrow", StringComparison.Ordinal));
        Assert.Contains($"{Url}/tasks/{taskId}", dueMail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reminder_delivered_twice_makes_one_notification_one_email_and_one_sms()
    {
        var bob = await app.NewPerson("Bob Twice");
        await PutDelivery(bob, new { phoneNumber = "+4915112345601", sms = true });
        var (taskId, projectId, workspaceId, key) = NewTask();
        var reminder = new TaskDueReminder(taskId, projectId, workspaceId, key, "Twice", new DateOnly(2031, 1, 1), "overdue", [bob.Id], [bob.Id]);
        await app.Publish(reminder);
        await WaitForItems(bob, 1);
        await Events.Eventually(() => SmsTo(bob.Id), r => r.Count == 1 && r[0].Status == SmsStatus.Sent, "the SMS to be sent");

        // The outbox sends the same event again, and the publisher (wrongly) publishes the same reminder under a new id.
        await app.Query(db => db.OutboxMessages.Where(m => m.Id == reminder.EventId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAt, (DateTime?)null), Ct));
        var again = reminder with { EventId = Guid.CreateVersion7() };
        await app.Publish(again);
        await app.Handled(again, "DueReminderHandler");
        await Events.Eventually(() => app.Query(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == reminder.EventId, Ct)),
            m => m.ProcessedAt is not null, "the second delivery");

        Assert.Single(await Items(bob));
        Assert.Single(await app.EmailsTo(bob.Email), e => e.MessageKey.StartsWith("overdue", StringComparison.Ordinal));
        Assert.Single(await SmsTo(bob.Id));
        await Events.Eventually(() => app.EmailsTo(bob.Email), r => r.All(e => e.Status == EmailStatus.Sent), "the emails to be sent");
        Assert.Single(NotificationMails(bob.Email));
        var text = Assert.Single(LocalTexts("+4915112345601"));
        Assert.Equal($"TaskFlow: {key} Twice is overdue (due 2031-01-01) {Url}/tasks/{taskId}", text.Body);
    }

    [Fact]
    public async Task Sms_is_off_by_default_and_when_on_only_urgent_kinds_are_texted()
    {
        var ada = await app.NewPerson("Ada Sms");
        var bob = await app.NewPerson("Bob Sms");
        var cat = await app.NewPerson("Cat NoSms");
        var prefs = await bob.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/notifications/preferences", UriKind.Relative), Ct);
        Assert.True(prefs.GetProperty("task_assigned").GetProperty("sms").GetBoolean());
        Assert.True(prefs.GetProperty("overdue").GetProperty("sms").GetBoolean());
        Assert.False(prefs.GetProperty("comment_added").GetProperty("sms").GetBoolean());
        var delivery = await bob.Client.GetFromJsonAsync<JsonElement>(new Uri(Delivery, UriKind.Relative), Ct);
        Assert.False(delivery.GetProperty("sms").GetBoolean());

        await PutDelivery(bob, new { phoneNumber = "+4915112345602", sms = true });
        await PutDelivery(cat, new { phoneNumber = "+4915112345603" });
        var (taskId, projectId, workspaceId, key) = NewTask();
        var comment = new CommentAdded(Guid.NewGuid(), taskId, projectId, ada.Id, workspaceId, key, "Texts", "hello", [bob.Id, cat.Id], []);
        await app.Publish(new TaskAssigned(taskId, projectId, bob.Id, ada.Id, workspaceId, key, "Texts"),
            new TaskAssigned(taskId, projectId, cat.Id, ada.Id, workspaceId, key, "Texts"), comment);
        await app.Handled(comment, "CommentAddedHandler");

        var sent = await Events.Eventually(() => SmsTo(bob.Id), r => r.Count == 1 && r[0].Status == SmsStatus.Sent, "the SMS to be sent");
        Assert.StartsWith("task_assigned:", sent[0].MessageKey, StringComparison.Ordinal);
        Assert.Equal($"TaskFlow: Ada Sms assigned you {key} Texts {Url}/tasks/{taskId}", Assert.Single(LocalTexts("+4915112345602")).Body);
        Assert.Empty(await SmsTo(cat.Id));

        // Turning a kind's SMS on sends that kind too.
        using (var put = await bob.Client.PutAsJsonAsync(new Uri("/v1/notifications/preferences", UriKind.Relative),
            new Dictionary<string, object> { ["comment_added"] = new { sms = true } }, Ct))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await app.Publish(new CommentAdded(Guid.NewGuid(), taskId, projectId, ada.Id, workspaceId, key, "Texts", "again", [bob.Id], []));
        await Events.Eventually(() => SmsTo(bob.Id), r => r.Count == 2 && r.All(m => m.Status == SmsStatus.Sent), "the second SMS");
    }

    [Fact]
    public async Task Delivery_settings_name_each_invalid_field_and_round_trip()
    {
        var ada = await app.NewPerson("Ada Settings");
        var defaults = await ada.Client.GetFromJsonAsync<JsonElement>(new Uri(Delivery, UriKind.Relative), Ct);
        Assert.Equal(JsonValueKind.Null, defaults.GetProperty("phoneNumber").ValueKind);
        Assert.Equal("off", defaults.GetProperty("digest").GetString());
        Assert.Equal("UTC", defaults.GetProperty("timeZone").GetString());
        Assert.Equal(JsonValueKind.Null, defaults.GetProperty("quietHoursStart").ValueKind);

        using (var bad = await ada.Client.PutAsJsonAsync(new Uri(Delivery, UriKind.Relative),
            new { phoneNumber = "0151 1234", sms = true, digest = "weekly", quietHoursStart = "25:00", quietHoursEnd = "07:00", timeZone = "Mars/Olympus", digestHour = 24 }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
            foreach (var field in new[] { "phoneNumber", "digest", "quietHoursStart", "timeZone", "digestHour" })
                Assert.True(errors.TryGetProperty(field, out _), $"errors name {field}");
            Assert.False(errors.TryGetProperty("quietHoursEnd", out _));
        }
        using (var bad = await ada.Client.PutAsJsonAsync(new Uri(Delivery, UriKind.Relative), new { sms = true, quietHoursStart = "22:00", timeZone = "W. Europe Standard Time" }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("phoneNumber", out _));
            Assert.True(errors.TryGetProperty("quietHoursEnd", out _));
            Assert.True(errors.TryGetProperty("timeZone", out _));
        }
        Assert.Equal("off", (await ada.Client.GetFromJsonAsync<JsonElement>(new Uri(Delivery, UriKind.Relative), Ct)).GetProperty("digest").GetString());

        using var ok = await ada.Client.PutAsJsonAsync(new Uri(Delivery, UriKind.Relative),
            new { phoneNumber = "+4915112345678", sms = true, digest = "daily", quietHoursStart = "22:00", quietHoursEnd = "07:30", timeZone = "Europe/Berlin" }, Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var saved = await ada.Client.GetFromJsonAsync<JsonElement>(new Uri(Delivery, UriKind.Relative), Ct);
        Assert.Equal("+4915112345678", saved.GetProperty("phoneNumber").GetString());
        Assert.True(saved.GetProperty("sms").GetBoolean());
        Assert.Equal("daily", saved.GetProperty("digest").GetString());
        Assert.Equal("22:00", saved.GetProperty("quietHoursStart").GetString());
        Assert.Equal("07:30", saved.GetProperty("quietHoursEnd").GetString());
        Assert.Equal("Europe/Berlin", saved.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task A_daily_digest_leaves_at_the_chosen_local_hour()
    {
        var ada = await app.NewPerson("Ada Daily");
        var bob = await app.NewPerson("Bob Daily");
        using var put = await bob.Client.PutAsJsonAsync(new Uri(Delivery, UriKind.Relative), new { digest = "daily", digestHour = 7, timeZone = "America/New_York" }, Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var settings = await put.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(7, settings.GetProperty("digestHour").GetInt32());
        var due = settings.GetProperty("nextDigestAt").GetDateTime().ToUniversalTime();
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var localDue = TimeZoneInfo.ConvertTimeFromUtc(due, newYork);
        Assert.Equal(new TimeOnly(7, 0), TimeOnly.FromDateTime(localDue));
        var now = app.Clock.GetUtcNow().UtcDateTime;
        Assert.InRange(due, now, now.AddDays(1));

        var (taskId, projectId, workspaceId, key) = NewTask();
        var comment = new CommentAdded(Guid.NewGuid(), taskId, projectId, ada.Id, workspaceId, key, "Daily", "for the morning", [bob.Id], []);
        await app.Publish(comment);
        await app.Handled(comment, "CommentAddedHandler");

        // A minute before the hour nothing leaves (the digest service checks every 100 ms here).
        app.Clock.Advance(due - now - TimeSpan.FromMinutes(1));
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        Assert.DoesNotContain(await app.EmailsTo(bob.Email), e => e.MessageKey.StartsWith("digest:", StringComparison.Ordinal));

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var digest = await app.WaitForMail(bob.Email, m => m.Subject!.StartsWith("Your TaskFlow digest", StringComparison.Ordinal));
        Assert.Contains("for the morning", digest.TextBody, StringComparison.Ordinal);
        var next = await app.Query(db => db.Settings.AsNoTracking().SingleAsync(s => s.UserId == bob.Id, Ct));
        Assert.Equal(due.AddDays(1), next.NextDigestAt!.Value, TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task Quiet_hours_hold_email_and_sms_until_they_end_but_not_the_in_app_notice()
    {
        var ada = await app.NewPerson("Ada Quiet");
        var bob = await app.NewPerson("Bob Quiet");
        // Quiet from an hour ago until an hour from now, in Tokyo time.
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var local = TimeZoneInfo.ConvertTimeFromUtc(app.Clock.GetUtcNow().UtcDateTime, tokyo);
        await PutDelivery(bob, new
        {
            phoneNumber = "+4915112345604", sms = true, timeZone = "Asia/Tokyo",
            quietHoursStart = local.AddHours(-1).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            quietHoursEnd = local.AddHours(1).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        });
        var (taskId, projectId, workspaceId, key) = NewTask();
        await app.Publish(new TaskAssigned(taskId, projectId, bob.Id, ada.Id, workspaceId, key, "Quiet"));

        Assert.Single(await WaitForItems(bob, 1));
        var held = await Events.Eventually(() => app.EmailsTo(bob.Email), r => r.Any(e => e.MessageKey.StartsWith("task_assigned", StringComparison.Ordinal)), "the held email");
        var email = held.Single(e => e.MessageKey.StartsWith("task_assigned", StringComparison.Ordinal));
        Assert.Equal(EmailStatus.Pending, email.Status);
        Assert.Equal(0, email.Attempts);
        Assert.InRange(email.NextAttemptAt - app.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(61));
        var sms = Assert.Single(await SmsTo(bob.Id));
        Assert.Equal(SmsStatus.Pending, sms.Status);
        Assert.Equal(email.NextAttemptAt, sms.NextAttemptAt);
        Assert.Empty(NotificationMails(bob.Email));

        app.Clock.Advance(TimeSpan.FromHours(1.1));
        await Events.Eventually(() => SmsTo(bob.Id), r => r[0].Status == SmsStatus.Sent, "the SMS after the quiet hours");
        await app.WaitForMail(bob.Email, m => m.Subject!.Contains("assigned you", StringComparison.Ordinal));
        Assert.Single(NotificationMails(bob.Email));
    }

    [Fact]
    public async Task An_hourly_digest_replaces_single_emails_and_lists_only_what_is_unread()
    {
        var ada = await app.NewPerson("Ada Digest");
        var bob = await app.NewPerson("Bob Digest");
        await PutDelivery(bob, new { digest = "hourly" });
        var (taskId, projectId, workspaceId, key) = NewTask();
        var first = new CommentAdded(Guid.NewGuid(), taskId, projectId, ada.Id, workspaceId, key, "Digest", "first comment", [bob.Id], []);
        var second = new CommentAdded(Guid.NewGuid(), taskId, projectId, ada.Id, workspaceId, key, "Digest", "second comment", [bob.Id], []);
        var assigned = new TaskAssigned(taskId, projectId, bob.Id, ada.Id, workspaceId, key, "Digest");
        await app.Publish(first, second, assigned);
        var items = await WaitForItems(bob, 3);
        await app.Handled(first, "CommentAddedHandler");
        await app.Handled(second, "CommentAddedHandler");

        // Assignments are not digested: that email leaves at once; the comments wait for the digest.
        await app.WaitForMail(bob.Email, m => m.Subject!.Contains("assigned you", StringComparison.Ordinal));
        Assert.DoesNotContain(await app.EmailsTo(bob.Email), e => e.MessageKey.StartsWith("comment_added", StringComparison.Ordinal));
        var assignedId = items.Single(i => i.GetProperty("kind").GetString() == "task_assigned").GetProperty("id").GetGuid();
        using (var read = await bob.Client.PostAsync(new Uri($"/v1/notifications/{assignedId}/read", UriKind.Relative), null, Ct))
            Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);

        app.Clock.Advance(TimeSpan.FromMinutes(61));
        var digest = await app.WaitForMail(bob.Email, m => m.Subject!.StartsWith("Your TaskFlow digest", StringComparison.Ordinal));
        Assert.Equal("Your TaskFlow digest: 2 unread notifications", digest.Subject);
        Assert.Contains($"Ada Digest commented on {key} Digest — first comment", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("second comment", digest.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("assigned you", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains($"{Url}/notifications", digest.TextBody, StringComparison.Ordinal);

        // Nothing new and unread in the next hour: no second digest.
        using (var readAll = await bob.Client.PostAsync(new Uri("/v1/notifications/read-all", UriKind.Relative), null, Ct))
            Assert.Equal(HttpStatusCode.NoContent, readAll.StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        var after = app.Clock.GetUtcNow().UtcDateTime;
        await Events.Eventually(() => app.Query(db => db.Settings.AsNoTracking().SingleAsync(s => s.UserId == bob.Id, Ct)),
            s => s.LastDigestAt >= after, "the next digest run");
        Assert.Single(await app.EmailsTo(bob.Email), e => e.MessageKey.StartsWith("digest:", StringComparison.Ordinal));
        Assert.Single(app.Mails(), m => IsTo(m, bob.Email) && m.Subject!.StartsWith("Your TaskFlow digest", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NotificationCreated_and_UnreadCountChanged_carry_the_unread_count()
    {
        var ada = await app.NewPerson("Ada Counter");
        var bob = await app.NewPerson("Bob Counter");
        var (taskId, projectId, workspaceId, key) = NewTask();
        await app.Publish(new TaskAssigned(taskId, projectId, bob.Id, ada.Id, workspaceId, key, "Count"));
        await WaitForItems(bob, 1);
        await app.Publish(new MemberMentioned(taskId, projectId, Guid.NewGuid(), bob.Id, ada.Id, workspaceId, key, "Count"));
        var items = await WaitForItems(bob, 2);

        var created = (await Published("NotificationCreated", bob.Id)).OrderBy(e => e.GetProperty("unreadCount").GetInt32()).ToList();
        Assert.Equal(2, created.Count);
        Assert.Equal([1, 2], created.Select(e => e.GetProperty("unreadCount").GetInt32()));
        var mention = created[1];
        Assert.Equal("mentioned", mention.GetProperty("kind").GetString());
        Assert.Equal($"Ada Counter mentioned you on {key} Count", mention.GetProperty("title").GetString());
        Assert.Equal($"/tasks/{taskId}", mention.GetProperty("url").GetString());
        Assert.Equal(items[0].GetProperty("id").GetGuid(), mention.GetProperty("notificationId").GetGuid());
        Assert.Equal(bob.Id, mention.GetProperty("userId").GetGuid());
        Assert.NotEqual(default, mention.GetProperty("createdAt").GetDateTime());

        using (var read = await bob.Client.PostAsync(new Uri($"/v1/notifications/{items[0].GetProperty("id").GetGuid()}/read", UriKind.Relative), null, Ct))
            Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
        Assert.Equal([1], (await Published("UnreadCountChanged", bob.Id)).Select(e => e.GetProperty("unreadCount").GetInt32()));
        using (var readAll = await bob.Client.PostAsync(new Uri("/v1/notifications/read-all", UriKind.Relative), null, Ct))
            Assert.Equal(HttpStatusCode.NoContent, readAll.StatusCode);
        using (var delete = await bob.Client.DeleteAsync(new Uri($"/v1/notifications/{items[1].GetProperty("id").GetGuid()}", UriKind.Relative), Ct))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        var changes = await Published("UnreadCountChanged", bob.Id);
        Assert.Equal([1, 0, 0], changes.Select(e => e.GetProperty("unreadCount").GetInt32()));
        Assert.Empty(await Published("UnreadCountChanged", ada.Id));
    }

    async Task<List<JsonElement>> Published(string type, Guid userId)
    {
        var payloads = await app.Query(db => db.OutboxMessages.AsNoTracking().Where(m => m.Type == type)
            .OrderBy(m => m.OccurredAt).Select(m => m.Payload).ToListAsync(Ct));
        return payloads.Select(p => JsonDocument.Parse(p).RootElement.Clone()).Where(e => e.GetProperty("userId").GetGuid() == userId).ToList();
    }

    [Fact]
    public async Task An_invalid_number_is_dead_at_once_and_only_platform_admins_see_and_retry_it()
    {
        var ada = await app.NewPerson("Ada Dead");
        var bob = await app.NewPerson("Bob Invalid");
        var admin = await app.NewPerson("Platform Admin", ChannelsApp.AdminEmail);
        var unverified = await app.NewPerson("Unverified Admin", ChannelsApp.AdminEmail, emailVerified: false);
        // E.164-shaped, but the number the provider refuses (Twilio's 21211 test number).
        await PutDelivery(bob, new { phoneNumber = PhoneNumbers.TwilioInvalid, sms = true });
        var (taskId, projectId, workspaceId, key) = NewTask();
        await app.Publish(new TaskAssigned(taskId, projectId, bob.Id, ada.Id, workspaceId, key, "Dead"));

        var dead = await Events.Eventually(() => SmsTo(bob.Id), r => r.Count == 1 && r[0].Status == SmsStatus.Dead, "the SMS to be dead");
        Assert.Equal(1, dead[0].Attempts);
        Assert.Contains("21211", dead[0].LastError, StringComparison.Ordinal);

        foreach (var outsider in new[] { bob, unverified })
        {
            using var list = await outsider.Client.GetAsync(new Uri("/v1/notifications/admin/dead-letters", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
            Assert.Equal("https://taskflow.dev/problems/platform-admin-required", (await list.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("type").GetString());
            using var retry = await outsider.Client.PostAsync(new Uri($"/v1/notifications/admin/dead-letters/{Guid.NewGuid()}/retry", UriKind.Relative), null, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, retry.StatusCode);
        }
        using (var bad = await admin.Client.GetAsync(new Uri("/v1/notifications/admin/dead-letters?channel=fax&limit=0", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("channel", out _));
            Assert.True(errors.TryGetProperty("limit", out _));
        }

        var letters = await admin.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/notifications/admin/dead-letters?channel=sms", UriKind.Relative), Ct);
        var letter = Assert.Single(letters.EnumerateArray(), l => l.GetProperty("messageId").GetGuid() == dead[0].Id);
        Assert.Equal("sms", letter.GetProperty("channel").GetString());
        Assert.Equal(PhoneNumbers.TwilioInvalid, letter.GetProperty("recipient").GetString());
        Assert.Contains("21211", letter.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        var emailLetters = await admin.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/notifications/admin/dead-letters?channel=email", UriKind.Relative), Ct);
        Assert.DoesNotContain(emailLetters.EnumerateArray(), l => l.GetProperty("messageId").GetGuid() == dead[0].Id);

        var id = letter.GetProperty("id").GetGuid();
        using (var retry = await admin.Client.PostAsync(new Uri($"/v1/notifications/admin/dead-letters/{id}/retry", UriKind.Relative), null, Ct))
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        using (var twice = await admin.Client.PostAsync(new Uri($"/v1/notifications/admin/dead-letters/{id}/retry", UriKind.Relative), null, Ct))
        {
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
            Assert.Equal("https://taskflow.dev/problems/dead-letter-already-retried", (await twice.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("type").GetString());
        }
        using (var unknown = await admin.Client.PostAsync(new Uri($"/v1/notifications/admin/dead-letters/{Guid.NewGuid()}/retry", UriKind.Relative), null, Ct))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // The number is still invalid: the retry dies again, as a new dead letter; the old one is no longer listed.
        await Events.Eventually(() => app.Query(db => db.DeadLetters.CountAsync(d => d.MessageId == dead[0].Id, Ct)), n => n == 2, "a second dead letter");
        letters = await admin.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/notifications/admin/dead-letters", UriKind.Relative), Ct);
        var open = Assert.Single(letters.EnumerateArray(), l => l.GetProperty("messageId").GetGuid() == dead[0].Id);
        Assert.NotEqual(id, open.GetProperty("id").GetGuid());
    }

    [Theory]
    [InlineData("GET", Delivery)]
    [InlineData("PUT", Delivery)]
    [InlineData("GET", "/v1/notifications/admin/dead-letters")]
    [InlineData("POST", "/v1/notifications/admin/dead-letters/0195f5a4-0000-7000-8000-000000000000/retry")]
    public async Task Anonymous_callers_get_401(string method, string path)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method == "PUT") request.Content = JsonContent.Create(new { });
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

public sealed class SqliteChannelTests(SqliteChannelsApp app) : ChannelTests(app), IClassFixture<SqliteChannelsApp>;

public sealed class PostgresChannelTests(PostgresChannelsApp app) : ChannelTests(app), IClassFixture<PostgresChannelsApp>;
