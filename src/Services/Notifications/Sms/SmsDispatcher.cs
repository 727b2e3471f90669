using System.Linq.Expressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFlow.BuildingBlocks.Delivery;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Delivery;

namespace TaskFlow.Notifications.Sms;

/// <summary>Adds an <see cref="OutgoingSms"/> to the scope's DbContext (saved with the handler's inbox row) and wakes the dispatcher after the commit.</summary>
internal sealed class SmsQueue(NotificationsDb db, DispatchSignals signals, NotificationClock clock)
{
    bool hooked;

    public void Add(string messageKey, Guid recipientId, string to, string body, DateTime? notBefore = null)
    {
        var now = clock.UtcNow;
        db.OutgoingSms.Add(new OutgoingSms
        {
            MessageKey = messageKey,
            RecipientId = recipientId,
            To = to,
            Body = DeliveryOptions.Truncate(body, 1600),
            CreatedAt = now,
            NextAttemptAt = notBefore is { } at && at > now ? at : now,
        });
        if (!hooked)
        {
            db.SavedChanges += (_, _) => signals.Sms.Notify();
            hooked = true;
        }
    }
}

/// <summary>
/// Sends pending <see cref="OutgoingSms"/> rows through <see cref="ISmsSender"/>, one at a time, like the email dispatcher
/// (<see cref="DurableDelivery{TDb, TRow}"/>). A transient failure is retried with backoff; a permanent one (invalid
/// number) or the last attempt makes the row dead and adds a <see cref="DeadLetter"/>.
/// </summary>
internal sealed class SmsDispatcher(
    IServiceProvider services,
    ISmsSender sender,
    DispatchSignals signals,
    NotificationClock clock,
    IOptions<SmsOptions> options,
    ILogger<SmsDispatcher> logger) : DurableDelivery<NotificationsDb, OutgoingSms>(services, logger)
{
    protected override string Kind => "SMS";

    protected override DeliveryPolicy Policy => options.Value.Policy;

    protected override DateTime UtcNow => clock.UtcNow;

    protected override Expression<Func<OutgoingSms, bool>> Due(DateTime now) => m => m.Status == SmsStatus.Pending && m.NextAttemptAt <= now;

    protected override Expression<Func<OutgoingSms, DateTime>> Order => m => m.NextAttemptAt;

    protected override async Task Send(NotificationsDb db, OutgoingSms sms, CancellationToken ct) =>
        sms.ProviderId = DeliveryOptions.Truncate(await sender.Send(sms.To, options.Value.From, sms.Body, ct), 100);

    protected override void Succeeded(OutgoingSms sms, DateTime now)
    {
        sms.Attempts++;
        sms.Status = SmsStatus.Sent;
        sms.SentAt = now;
        sms.LastError = null;
    }

    protected override void Retry(OutgoingSms sms, string error, DateTime next, DateTime now)
    {
        sms.LastError = error;
        sms.NextAttemptAt = next;
    }

    protected override void Dead(NotificationsDb db, OutgoingSms sms, string error, DateTime now)
    {
        sms.LastError = error;
        sms.Status = SmsStatus.Dead;
        DeadLetters.Add(db, DeadLetters.Sms, sms.Id, sms.To, sms.Body, sms.Attempts, error, now);
    }

    protected override string Describe(Exception ex) => ex is SmsSendException ? ex.Message : base.Describe(ex);

    protected override bool IsPermanent(Exception ex) => ex is SmsSendException { Permanent: true };

    protected override Task Idle(TimeSpan pollInterval, CancellationToken ct) => signals.Sms.Wait(pollInterval, ct);
}
