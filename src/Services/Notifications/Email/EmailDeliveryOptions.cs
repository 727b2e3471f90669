using System.ComponentModel.DataAnnotations;

namespace TaskFlow.Notifications.Email;

/// <summary>Configuration section <c>Notifications:Email</c>: how queued emails are sent and retried.</summary>
internal sealed class EmailDeliveryOptions
{
    public const string Section = "Notifications:Email";

    /// <summary>Send attempts before an email is marked dead.</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay after the first failure; doubled after each further one (with jitter), up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often the dispatcher looks for due retries when nothing new was queued.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a claimed batch belongs to one dispatcher instance.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    [Range(1, 1000)]
    public int BatchSize { get; set; } = 20;
}
