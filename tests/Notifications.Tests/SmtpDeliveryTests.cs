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
