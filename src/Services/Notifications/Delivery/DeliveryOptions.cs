using System.ComponentModel.DataAnnotations;
using TaskFlow.BuildingBlocks.Delivery;

namespace TaskFlow.Notifications.Delivery;

/// <summary>How queued messages of one channel are sent and retried (email: <c>Notifications:Email</c>, SMS: <c>Notifications:Sms</c>).</summary>
internal abstract class DeliveryOptions
{
    /// <summary>Send attempts before a message is dead (and becomes a dead letter).</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay after the first failure; doubled after each further one (with jitter), up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often the dispatcher looks for due retries (and held messages) when nothing new was queued.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a claimed batch belongs to one dispatcher instance without renewal; renewed while it works, so this is what a killed process holds at most.</summary>
    public TimeSpan Lease { get; set; } = DeliveryPolicy.DefaultLease;

    [Range(1, 1000)]
    public int BatchSize { get; set; } = 20;

    /// <summary>The delivery loop's policy: backoff exponential, capped, with "equal jitter" so that many failed rows do not retry in lockstep.</summary>
    public DeliveryPolicy Policy => new(MaxAttempts, DeliveryPolicy.Exponential(RetryBaseDelay, RetryMaxDelay), PollInterval, Lease, BatchSize);

    public bool IsValid => RetryBaseDelay > TimeSpan.Zero && RetryMaxDelay >= RetryBaseDelay && PollInterval > TimeSpan.Zero && Lease > TimeSpan.Zero;

    public static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}

/// <summary>The notification service's idea of "now": <see cref="TimeProvider.System"/> unless a test moves it (quiet hours, digests).</summary>
internal sealed class NotificationClock(TimeProvider time)
{
    public DateTime UtcNow => time.GetUtcNow().UtcDateTime;
}

/// <summary>One wake-up signal per dispatcher.</summary>
internal sealed class DispatchSignals
{
    public DeliverySignal Email { get; } = new();
    public DeliverySignal Sms { get; } = new();
}

/// <summary>Records a message that failed its last attempt, for platform admins (<c>/v1/notifications/admin/dead-letters</c>).</summary>
internal static class DeadLetters
{
    public const string Email = "email";
    public const string Sms = "sms";

    public static void Add(Data.NotificationsDb db, string channel, Guid messageId, string recipient, string summary, int attempts, string? error, DateTime at) =>
        db.DeadLetters.Add(new Data.DeadLetter
        {
            Channel = channel,
            MessageId = messageId,
            Recipient = DeliveryOptions.Truncate(recipient, 320),
            Summary = DeliveryOptions.Truncate(summary, 500),
            Attempts = attempts,
            LastError = error,
            DeadAt = at,
        });
}
