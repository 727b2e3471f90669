using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Notifications.Data;
using TaskFlow.TestKit;

namespace TaskFlow.Notifications.Tests;

public abstract class SmtpDeliveryTests(SmtpApp app)
{
    [Fact]
    public async Task Mail_waits_while_the_SMTP_server_is_down_and_is_sent_once_when_it_is_up()
    {
        var to = Events.NewEmail();
        var token = Events.NewToken();
        await app.Publish(new PasswordResetRequested(Guid.NewGuid(), to, "Patient", token, DateTime.UtcNow.AddHours(1)));

        var failed = await Events.Eventually(() => app.EmailsTo(to), r => r.Count == 1 && r[0].Attempts > 0, "a failed attempt");
        Assert.Equal(EmailStatus.Pending, failed[0].Status);
        Assert.NotNull(failed[0].LastError);
        Assert.True(failed[0].NextAttemptAt > failed[0].CreatedAt);

        await using var sink = new SmtpSink(app.SmtpPort);
        var sent = await Events.Eventually(() => app.EmailsTo(to), r => r[0].Status == EmailStatus.Sent, "the email to be sent");

        var message = Assert.Single(sink.Messages);
        Assert.Equal(to, message.To.Mailboxes.Single().Address);
        Assert.Equal("Reset your password", message.Subject);
        Assert.Contains($"/reset-password?token={token}", message.TextBody, StringComparison.Ordinal);
        Assert.Equal($"{sent[0].Id:N}@taskflow.local", message.MessageId);
        Assert.Null(sent[0].LastError);
        Assert.NotNull(sent[0].SentAt);
        Assert.Equal(0, await app.Query(db => db.OutgoingEmails.CountAsync(e => e.Status == EmailStatus.Pending, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Mail_sent_before_an_outage_and_during_it_arrives_exactly_once_after_a_restart()
    {
        var before = Events.NewEmail();
        var during = new[] { Events.NewEmail(), Events.NewEmail(), Events.NewEmail() };
        await using (var sink = new SmtpSink(app.SmtpPort))
        {
            await app.Publish(new UserRegistered(Guid.NewGuid(), before, "Before"));
            await sink.WaitFor(before);
            await Events.Eventually(() => app.EmailsTo(before), r => r.Count == 1 && r[0].Status == EmailStatus.Sent, "the first email to be sent");
        }

        // The server is down: every mail fails at least once and waits.
        await app.Publish(new UserRegistered(Guid.NewGuid(), during[0], "During"),
            new PasswordResetRequested(Guid.NewGuid(), during[1], "During", Events.NewToken(), DateTime.UtcNow.AddHours(1)),
            new EmailVerificationRequested(Guid.NewGuid(), during[2], "During", Events.NewToken(), DateTime.UtcNow.AddHours(1)));
        foreach (var to in during)
            await Events.Eventually(() => app.EmailsTo(to), r => r.Count == 1 && r[0].Attempts > 0, $"a failed attempt to {to}");

        await using var restarted = new SmtpSink(app.SmtpPort);
        foreach (var to in during)
            await Events.Eventually(() => app.EmailsTo(to), r => r[0].Status == EmailStatus.Sent, $"the email to {to}");
        foreach (var to in during)
            Assert.Single(restarted.To(to));
        Assert.Empty(restarted.To(before));
        Assert.Equal(during.Length, restarted.Messages.Count(m => m.To.Mailboxes.Any(b => during.Contains(b.Address))));
    }

    [Fact]
    public async Task A_recipient_the_server_refuses_makes_the_email_dead_at_once()
    {
        var to = $"bounce-{Guid.NewGuid():N}@example.test";
        await using var sink = new SmtpSink(app.SmtpPort) { RejectRecipient = address => address.StartsWith("bounce-", StringComparison.Ordinal) };
        await app.Publish(new UserRegistered(Guid.NewGuid(), to, "Nobody"));

        var dead = await Events.Eventually(() => app.EmailsTo(to), r => r.Count == 1 && r[0].Status == EmailStatus.Dead, "the email to be dead");
        Assert.Equal(1, dead[0].Attempts);
        Assert.Contains("SmtpCommandException", dead[0].LastError, StringComparison.Ordinal);
        Assert.Null(dead[0].SentAt);
        Assert.Empty(sink.Messages);
    }
}

/// <summary>With the SMTP server down and two attempts allowed, an email becomes a dead letter; an admin sends it again once the server is back.</summary>
public abstract class SmtpDeadLetterTests(SmtpDeadLetterApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_dead_email_is_listed_for_admins_and_a_retry_sends_it_exactly_once()
    {
        var to = Events.NewEmail();
        await app.Publish(new PasswordResetRequested(Guid.NewGuid(), to, "Dead Letter", Events.NewToken(), DateTime.UtcNow.AddHours(1)));
        var dead = await Events.Eventually(() => app.EmailsTo(to), r => r.Count == 1 && r[0].Status == EmailStatus.Dead, "the email to be dead");
        Assert.Equal(2, dead[0].Attempts);

        using var admin = app.Client(new TestUser(Guid.NewGuid(), ChannelsApp.AdminEmail, "Admin"));
        using var member = app.Client(TestUser.New("Member"));
        using (var forbidden = await member.GetAsync(new Uri("/v1/notifications/admin/dead-letters", UriKind.Relative), Ct))
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, forbidden.StatusCode);
        var letters = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>(new Uri("/v1/notifications/admin/dead-letters?channel=email", UriKind.Relative), Ct);
        var letter = Assert.Single(letters.EnumerateArray(), l => l.GetProperty("messageId").GetGuid() == dead[0].Id);
        Assert.Equal(to, letter.GetProperty("recipient").GetString());
        Assert.Equal("Reset your password", letter.GetProperty("summary").GetString());
        Assert.Equal(2, letter.GetProperty("attempts").GetInt32());

        await using var sink = new SmtpSink(app.SmtpPort);
        using (var retry = await admin.PostAsync(new Uri($"/v1/notifications/admin/dead-letters/{letter.GetProperty("id").GetGuid()}/retry", UriKind.Relative), null, Ct))
            Assert.Equal(System.Net.HttpStatusCode.Accepted, retry.StatusCode);
        await sink.WaitFor(to);
        var sent = await Events.Eventually(() => app.EmailsTo(to), r => r[0].Status == EmailStatus.Sent, "the retried email to be sent");
        Assert.Single(sink.To(to));
        Assert.Equal($"{sent[0].Id:N}@taskflow.local", sink.To(to)[0].MessageId);
        letters = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>(new Uri("/v1/notifications/admin/dead-letters", UriKind.Relative), Ct);
        Assert.DoesNotContain(letters.EnumerateArray(), l => l.GetProperty("messageId").GetGuid() == dead[0].Id);
    }
}

public sealed class SqliteSmtpDeadLetterTests(SqliteSmtpDeadLetterApp app) : SmtpDeadLetterTests(app), IClassFixture<SqliteSmtpDeadLetterApp>;

public sealed class PostgresSmtpDeadLetterTests(PostgresSmtpDeadLetterApp app) : SmtpDeadLetterTests(app), IClassFixture<PostgresSmtpDeadLetterApp>;

public sealed class SqliteSmtpDeliveryTests(SqliteSmtpApp app) : SmtpDeliveryTests(app), IClassFixture<SqliteSmtpApp>;

public sealed class PostgresSmtpDeliveryTests(PostgresSmtpApp app) : SmtpDeliveryTests(app), IClassFixture<PostgresSmtpApp>;

/// <summary>SMTP that never comes back, and few attempts allowed.</summary>
public sealed class SmtpDownApp() : SmtpApp(Provider.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        base.Settings.Where(s => s.Key != "Notifications:Email:MaxAttempts").Append(new("Notifications:Email:MaxAttempts", "3"));
}

public sealed class SmtpDownTests(SmtpDownApp app) : IClassFixture<SmtpDownApp>
{
    [Fact]
    public async Task An_email_that_keeps_failing_is_dead_after_MaxAttempts_with_the_error()
    {
        var to = Events.NewEmail();
        await app.Publish(new UserRegistered(Guid.NewGuid(), to, "Unlucky"));

        var dead = await Events.Eventually(() => app.EmailsTo(to), r => r.Count == 1 && r[0].Status == EmailStatus.Dead, "the email to be dead");
        Assert.Equal(3, dead[0].Attempts);
        Assert.False(string.IsNullOrEmpty(dead[0].LastError));
        Assert.Null(dead[0].SentAt);
        Assert.Null(dead[0].LockedBy);
    }
}
