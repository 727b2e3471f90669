using System.ComponentModel.DataAnnotations;

namespace TaskFlow.Integrations;

/// <summary>Configuration section <c>Integrations</c>.</summary>
internal sealed class IntegrationsOptions
{
    public const string Section = "Integrations";

    /// <summary>
    /// Lets webhooks reach private, loopback and link-local addresses. Off by default: a webhook URL must not become a
    /// way into the internal network (SSRF). Turn on only for local development and tests.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Attempts per delivery before it is marked failed.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait before the second attempt; doubles with every further attempt (with jitter), capped at <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the dispatcher looks for due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long claimed deliveries belong to one dispatcher without renewal (renewed while it works): what a killed process holds at most.</summary>
    public TimeSpan Lease { get; set; } = TaskFlow.BuildingBlocks.Delivery.DeliveryPolicy.DefaultLease;

    /// <summary>Timeout of one outgoing request (connect + response).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
