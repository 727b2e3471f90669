namespace TaskFlow.Notifications.Data;

/// <summary>How one user wants to be reached, across kinds: phone number and SMS switch, digest, quiet hours. A missing row means the defaults.</summary>
internal sealed class NotificationSettings
{
    public Guid UserId { get; set; }

    /// <summary>E.164, e.g. <c>+4915112345678</c>.</summary>
    public string? PhoneNumber { get; set; }

    /// <summary>SMS is off until the user turns it on (and has a phone number).</summary>
    public bool SmsEnabled { get; set; }

    /// <summary><c>off</c>, <c>hourly</c> or <c>daily</c>.</summary>
    public string Digest { get; set; } = DigestFrequency.Off;

    /// <summary>Local time (in <see cref="TimeZone"/>) from which email and SMS are held; null when there are no quiet hours.</summary>
    public TimeOnly? QuietHoursStart { get; set; }

    public TimeOnly? QuietHoursEnd { get; set; }

    /// <summary>IANA time zone id, e.g. <c>Europe/Berlin</c>.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>End of the period the last digest covered (or when the digest was turned on).</summary>
    public DateTime? LastDigestAt { get; set; }

    /// <summary>Local hour (0–23, in <see cref="TimeZone"/>) at which the daily digest leaves.</summary>
    public int DigestHour { get; set; } = 8;

    /// <summary>When the next digest is due (UTC): the next full hour, or the next <see cref="DigestHour"/> local time.</summary>
    public DateTime? NextDigestAt { get; set; }
}

internal static class DigestFrequency
{
    public const string Off = "off";
    public const string Hourly = "hourly";
    public const string Daily = "daily";

    public static readonly IReadOnlyList<string> All = [Off, Hourly, Daily];
}

internal enum SmsStatus { Pending, Sent, Dead }

/// <summary>A text message to send: written with its notification, sent by <see cref="Sms.SmsDispatcher"/>.</summary>
internal sealed class OutgoingSms : TaskFlow.BuildingBlocks.Delivery.IDeliveryRow
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Unique, like <see cref="OutgoingEmail.MessageKey"/>: a redelivered event cannot queue it twice.</summary>
    public required string MessageKey { get; set; }

    public Guid RecipientId { get; set; }
    public required string To { get; set; }
    public required string Body { get; set; }
    public SmsStatus Status { get; set; } = SmsStatus.Pending;
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public string? LastError { get; set; }

    /// <summary>The provider's message id (Twilio's <c>sid</c>) once sent.</summary>
    public string? ProviderId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
    public string? LockedBy { get; set; }
    public DateTime? LockedUntil { get; set; }
}

/// <summary>An email or SMS whose last attempt failed: kept for platform admins to inspect and retry.</summary>
internal sealed class DeadLetter
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary><c>email</c> or <c>sms</c>.</summary>
    public required string Channel { get; set; }

    /// <summary>The <see cref="OutgoingEmail"/> or <see cref="OutgoingSms"/> row.</summary>
    public Guid MessageId { get; set; }

    public required string Recipient { get; set; }

    /// <summary>The email's subject or the start of the SMS.</summary>
    public required string Summary { get; set; }

    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTime DeadAt { get; set; }
    public DateTime? RetriedAt { get; set; }
    public Guid? RetriedBy { get; set; }
}
