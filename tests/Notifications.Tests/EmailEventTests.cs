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

public abstract partial class EmailEventTests(NotificationsApp app)
{
    const string Url = NotificationsApp.PublicUrl;

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex TokenPattern();

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UserRegistered_sends_one_welcome_email()
    {
        var to = Events.NewEmail();
        await app.Publish(new UserRegistered(Guid.NewGuid(), to, "Ada Lovelace"));

        var mail = await app.WaitForMail(to);
        Assert.Equal("Welcome to TaskFlow", mail.Subject);
        Assert.Contains("Hi Ada Lovelace,", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains(Url + "/", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Ada Lovelace", mail.HtmlBody, StringComparison.Ordinal);
        await AssertExactlyOneMailTo(to);
    }

    [Fact]
    public async Task EmailVerificationRequested_sends_a_verify_link_with_the_token()
    {
        var to = Events.NewEmail();
        var token = Events.NewToken();
        await app.Publish(new EmailVerificationRequested(Guid.NewGuid(), to, "Grace", token, new DateTime(2030, 1, 2, 3, 4, 0, DateTimeKind.Utc)));

        var mail = await app.WaitForMail(to);
        Assert.Equal("Verify your email", mail.Subject);
        Assert.Contains($"{Url}/verify-email?token={token}", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{Url}/verify-email?token={token}\"", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Equal(token, TokenPattern().Match(mail.TextBody ?? "").Groups[1].Value);
        Assert.Contains("2030-01-02 03:04 UTC", mail.TextBody, StringComparison.Ordinal);
        await AssertExactlyOneMailTo(to);
    }

    [Fact]
    public async Task PasswordResetRequested_sends_a_reset_link_with_the_token()
    {
        var to = Events.NewEmail();
        var token = Events.NewToken();
        await app.Publish(new PasswordResetRequested(Guid.NewGuid(), to, "Grace", token, DateTime.UtcNow.AddHours(1)));

        var mail = await app.WaitForMail(to);
        Assert.Equal("Reset your password", mail.Subject);
        Assert.Contains($"{Url}/reset-password?token={token}", mail.TextBody, StringComparison.Ordinal);
        Assert.Equal(token, TokenPattern().Match(mail.TextBody ?? "").Groups[1].Value);
        await AssertExactlyOneMailTo(to);
    }

    [Fact]
    public async Task InvitationCreated_sends_an_invitation_naming_workspace_inviter_role_and_expiry()
    {
        var to = Events.NewEmail();
        var token = Events.NewToken();
        await app.Publish(new InvitationCreated(Guid.NewGuid(), Guid.NewGuid(), "Apollo Program", to, "admin", "Margaret Hamilton", token,
            new DateTime(2031, 5, 6, 7, 8, 0, DateTimeKind.Utc)));

        var mail = await app.WaitForMail(to);
        // No text of the sender's choosing in the subject.
        Assert.Equal("You are invited to a workspace on TaskFlow", mail.Subject);
        Assert.Contains("Margaret Hamilton invited you to join the workspace \"Apollo Program\" on TaskFlow as an admin.", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"{Url}/invitations/accept?token={token}", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("2031-05-06 07:08 UTC", mail.TextBody, StringComparison.Ordinal);
        Assert.Equal(token, TokenPattern().Match(mail.TextBody ?? "").Groups[1].Value);
        await AssertExactlyOneMailTo(to);
    }

    [Fact]
    public async Task User_supplied_values_are_HTML_encoded()
    {
        var to = Events.NewEmail();
        await app.Publish(new InvitationCreated(Guid.NewGuid(), Guid.NewGuid(), "<b>Ops</b> & \"Co\"", to, "member", "<script>alert(1)</script>",
            Events.NewToken(), DateTime.UtcNow.AddDays(7)));

        var mail = await app.WaitForMail(to);
        Assert.DoesNotContain("<script>", mail.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>Ops</b>", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;Ops&lt;/b&gt; &amp; &quot;Co&quot;", mail.HtmlBody, StringComparison.Ordinal);
        // The plain-text part shows the name as written.
        Assert.Contains("<script>alert(1)</script> invited you", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Display_name_with_a_script_tag_is_encoded_in_the_welcome_email()
    {
        var to = Events.NewEmail();
        await app.Publish(new UserRegistered(Guid.NewGuid(), to, "<script>alert('x')</script>"));

        var mail = await app.WaitForMail(to);
        Assert.DoesNotContain("<script>", mail.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Hi &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;,", mail.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_delivered_again_by_the_outbox_sends_no_second_email()
    {
        var to = Events.NewEmail();
        var registered = new UserRegistered(Guid.NewGuid(), to, "Twice");
        await app.Publish(registered);
        await app.WaitForMail(to);

        // As if the dispatcher crashed after the transport took the message but before it recorded that: it is sent again.
        await app.Query(db => db.OutboxMessages.Where(m => m.Id == registered.EventId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAt, (DateTime?)null), Ct));
        await Events.Eventually(
            () => app.Query(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == registered.EventId, Ct)),
            m => m.ProcessedAt is not null, "the second delivery");

        var rows = await app.EmailsTo(to);
        Assert.Single(rows);
        Assert.Equal($"welcome:{registered.EventId}", rows[0].MessageKey);
        await Events.Eventually(() => app.EmailsTo(to), r => r.All(e => e.Status == EmailStatus.Sent), "the email to be sent");
        Assert.Single(app.Mails(), m => IsTo(m, to));
    }

    [Fact]
    public async Task The_same_event_handled_twice_at_once_queues_one_email()
    {
        var to = Events.NewEmail();
        var reset = new PasswordResetRequested(Guid.NewGuid(), to, "Racer", Events.NewToken(), DateTime.UtcNow.AddHours(1));
        var envelope = OutboxMessage.From(reset, correlationId: null).ToEnvelope();
        var subscription = app.Services.GetServices<EventSubscription>().Single(s => s.EventType == nameof(PasswordResetRequested));

        async Task Deliver()
        {
            await using var scope = app.Services.CreateAsyncScope();
            await subscription.Handle(scope.ServiceProvider, envelope, Ct);
        }

        await Task.WhenAll(Deliver(), Deliver());
        await Deliver();

        var rows = await Events.Eventually(() => app.EmailsTo(to), r => r.All(e => e.Status == EmailStatus.Sent), "the email to be sent");
        Assert.Single(rows);
        await app.WaitForMail(to);
        Assert.Single(app.Mails(), m => IsTo(m, to));
        var inbox = await app.Query(db => db.InboxMessages.CountAsync(m => m.MessageId == reset.EventId, Ct));
        Assert.Equal(1, inbox);
    }

    [Fact]
    public async Task Each_mail_has_a_stable_message_id_from_its_row()
    {
        var to = Events.NewEmail();
        await app.Publish(new UserRegistered(Guid.NewGuid(), to, "Id"));
        var mail = await app.WaitForMail(to);
        var row = Assert.Single(await app.EmailsTo(to));
        Assert.Equal($"{row.Id:N}@taskflow.local", mail.MessageId);
    }

    [Fact]
    public async Task Dev_mail_endpoint_lists_the_sink()
    {
        var to = Events.NewEmail();
        var token = Events.NewToken();
        await app.Publish(new EmailVerificationRequested(Guid.NewGuid(), to, "Dev", token, DateTime.UtcNow.AddHours(1)));
        await app.WaitForMail(to);

        using var client = app.CreateClient();
        var response = await client.GetAsync(new Uri($"/v1/notifications/dev/mail?to={Uri.EscapeDataString(to)}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mails = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var mail = Assert.Single(mails.EnumerateArray());
        Assert.Equal(to, mail.GetProperty("to").GetString());
        Assert.Equal("Verify your email", mail.GetProperty("subject").GetString());
        Assert.True(mail.GetProperty("date").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Contains($"/verify-email?token={token}", mail.GetProperty("text").GetString(), StringComparison.Ordinal);

        var all = await client.GetFromJsonAsync<JsonElement>(new Uri("/v1/notifications/dev/mail", UriKind.Relative), Ct);
        Assert.Contains(all.EnumerateArray(), m => m.GetProperty("to").GetString() == to);
    }

    async Task AssertExactlyOneMailTo(string to)
    {
        // The row is marked sent after the sink has the mail, so once it is, nothing else can be on its way.
        var rows = await Events.Eventually(() => app.EmailsTo(to), r => r.Count > 0 && r.All(e => e.Status == EmailStatus.Sent), "the email to be sent");
        Assert.Single(rows);
        Assert.Equal(1, rows[0].Attempts);
        Assert.Single(app.Mails(), m => IsTo(m, to));
    }

    static bool IsTo(MimeMessage message, string to) =>
        message.To.Mailboxes.Any(b => string.Equals(b.Address, to, StringComparison.OrdinalIgnoreCase));
}

public sealed class SqliteEmailEventTests(SqliteNotificationsApp app) : EmailEventTests(app), IClassFixture<SqliteNotificationsApp>;

public sealed class PostgresEmailEventTests(PostgresNotificationsApp app) : EmailEventTests(app), IClassFixture<PostgresNotificationsApp>;

public sealed class DevMailInProductionTests(ProductionApp app) : IClassFixture<ProductionApp>
{
    [Fact]
    public async Task Dev_mail_endpoint_does_not_exist_in_production()
    {
        using var client = app.CreateClient();
        var response = await client.GetAsync(new Uri("/v1/notifications/dev/mail", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
