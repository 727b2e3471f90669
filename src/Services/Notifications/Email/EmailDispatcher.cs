using System.Linq.Expressions;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using TaskFlow.BuildingBlocks.Delivery;
using TaskFlow.BuildingBlocks.Email;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Delivery;

namespace TaskFlow.Notifications.Email;

/// <summary>
/// Sends pending <see cref="OutgoingEmail"/> rows through <see cref="IEmailSender"/>, one at a time, each recorded as
/// soon as it is out (<see cref="DurableDelivery{TDb, TRow}"/>: lease renewed while working, backoff with jitter).
/// After <see cref="DeliveryOptions.MaxAttempts"/> attempts, or at once for a permanent failure, the row is dead and a
/// <see cref="DeadLetter"/> records it. Rows held for quiet hours simply have a later <c>NextAttemptAt</c>. The Message-Id
/// is the row's id, so a resend after a crash is recognisable (the file sink writes it once).
/// </summary>
internal sealed class EmailDispatcher(
    IServiceProvider services,
    IEmailSender sender,
    DispatchSignals signals,
    NotificationClock clock,
    IOptions<EmailDeliveryOptions> options,
    ILogger<EmailDispatcher> logger) : DurableDelivery<NotificationsDb, OutgoingEmail>(services, logger)
{
    protected override string Kind => "Email";

    protected override DeliveryPolicy Policy => options.Value.Policy;

    protected override DateTime UtcNow => clock.UtcNow;

    protected override Expression<Func<OutgoingEmail, bool>> Due(DateTime now) => e => e.Status == EmailStatus.Pending && e.NextAttemptAt <= now;

    protected override Expression<Func<OutgoingEmail, DateTime>> Order => e => e.NextAttemptAt;

    // PostgreSQL: claimed in one statement (issue 19: most status changes queue an e-mail, each claimed on its own).
    protected override (string Due, string OrderColumn)? DueSql => ("\"Status\" = 'Pending' AND \"NextAttemptAt\" <= {0}", "NextAttemptAt");

    protected override Task Send(NotificationsDb db, OutgoingEmail email, CancellationToken ct) =>
        sender.Send(new EmailMessage(email.To, email.Subject, email.Text, email.Html, email.MimeMessageId, email.ListUnsubscribe), ct);

    protected override void Succeeded(OutgoingEmail email, DateTime now)
    {
        email.Attempts++;
        email.Status = EmailStatus.Sent;
        email.SentAt = now;
        email.LastError = null;
    }

    protected override void Retry(OutgoingEmail email, string error, DateTime next, DateTime now)
    {
        email.LastError = error;
        email.NextAttemptAt = next;
    }

    protected override void Dead(NotificationsDb db, OutgoingEmail email, string error, DateTime now)
    {
        email.LastError = error;
        email.Status = EmailStatus.Dead;
        DeadLetters.Add(db, DeadLetters.Email, email.Id, email.To, email.Subject, email.Attempts, error, now);
    }

    /// <summary>Failures that no retry can fix: an unparsable address, or the server refusing with a 5xx reply.</summary>
    protected override bool IsPermanent(Exception ex) =>
        ex is ParseException || ex is SmtpCommandException { StatusCode: var code } && (int)code >= 500;

    protected override Task Idle(TimeSpan pollInterval, CancellationToken ct) => signals.Email.Wait(pollInterval, ct);
}
