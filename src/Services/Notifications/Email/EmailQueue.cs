using TaskFlow.Notifications.Data;

namespace TaskFlow.Notifications.Email;

/// <summary>
/// What event handlers use to send mail: adds an <see cref="OutgoingEmail"/> to the scope's DbContext
/// (saved with the handler's inbox row) and wakes the dispatcher once that transaction is committed.
/// </summary>
internal sealed class EmailQueue(NotificationsDb db, EmailSignal signal)
{
    bool hooked;

    public void Add(string messageKey, string to, EmailContent content, string? listUnsubscribe = null)
    {
        var now = DateTime.UtcNow;
        db.OutgoingEmails.Add(new OutgoingEmail
        {
            MessageKey = messageKey,
            To = to.Trim(),
            Subject = content.Subject,
            Text = content.Text,
            Html = content.Html,
            ListUnsubscribe = listUnsubscribe,
            CreatedAt = now,
            NextAttemptAt = now,
        });
        if (!hooked)
        {
            db.SavedChanges += (_, _) => signal.Notify();
            hooked = true;
        }
    }
}
