namespace TaskFlow.Notifications.Data;

internal enum EmailStatus { Pending, Sent, Dead }

/// <summary>An email to send: written by an event handler in the same transaction as its inbox row, sent by <see cref="Email.EmailDispatcher"/>.</summary>
internal sealed class OutgoingEmail : TaskFlow.BuildingBlocks.Delivery.IDeliveryRow
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>What this email is for, derived from the event that asked for it (<c>welcome:{eventId}</c>): unique, so a redelivered event cannot queue it twice.</summary>
    public required string MessageKey { get; set; }

    public required string To { get; set; }
    public required string Subject { get; set; }
    public required string Text { get; set; }
    public string? Html { get; set; }

    /// <summary>One-click unsubscribe URL for the <c>List-Unsubscribe</c> header; null for account emails.</summary>
    public string? ListUnsubscribe { get; set; }
    public EmailStatus Status { get; set; } = EmailStatus.Pending;
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
    public string? LockedBy { get; set; }
    public DateTime? LockedUntil { get; set; }

    /// <summary>Stable across retries, so a receiver can tell a resend after a lost acknowledgement from a new mail.</summary>
    public string MimeMessageId => $"{Id:N}@taskflow.local";
}
