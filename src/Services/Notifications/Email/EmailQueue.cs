using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Delivery;

namespace TaskFlow.Notifications.Email;

/// <summary>
/// What event handlers use to send mail: adds an <see cref="OutgoingEmail"/> to the scope's DbContext
/// (saved with the handler's inbox row) and wakes the dispatcher once that transaction is committed.
/// </summary>
internal sealed class EmailQueue(NotificationsDb db, DispatchSignals signals, NotificationClock clock)
{
    bool hooked;

    /// <summary>Queues an email; <paramref name="notBefore"/> holds it until then (quiet hours), null sends it at once.</summary>
    public void Add(string messageKey, string to, EmailContent content, string? listUnsubscribe = null, DateTime? notBefore = null)
    {
        var now = clock.UtcNow;
        db.OutgoingEmails.Add(new OutgoingEmail
        {
            MessageKey = messageKey,
            To = to.Trim(),
            Subject = content.Subject,
            Text = content.Text,
            Html = content.Html,
            ListUnsubscribe = listUnsubscribe,
            CreatedAt = now,
            NextAttemptAt = notBefore is { } at && at > now ? at : now,
        });
        if (!hooked)
        {
            db.SavedChanges += (_, _) => signals.Email.Notify();
            hooked = true;
        }
    }
}
