namespace TaskFlow.Integrations.Data;

internal static class Roles
{
    /// <summary>Only owners and admins manage a workspace's webhooks and a project's integrations.</summary>
    public static bool CanManageIntegrations(this WorkspaceRole role) => role is WorkspaceRole.Owner or WorkspaceRole.Admin;
}

/// <summary>Local copy of a project: its workspace and key (tombstone once deleted).</summary>
internal sealed class KnownProject
{
    public Guid Id { get; set; }
    public Guid WorkspaceId { get; set; }
    public string Key { get; set; } = "";
    public bool Deleted { get; set; }
}

internal static class WebhookKinds
{
    /// <summary>A plain JSON webhook signed with the webhook's secret.</summary>
    public const string Webhook = "webhook";

    /// <summary>A Slack incoming-webhook URL; bodies are Slack Block Kit messages.</summary>
    public const string Slack = "slack";

    public static readonly string[] All = [Webhook, Slack];
}

/// <summary>An outgoing endpoint of a workspace that receives the event kinds it subscribed to.</summary>
internal sealed class Webhook
{
    public Guid Id { get; set; }
    public Guid WorkspaceId { get; set; }
    public string Kind { get; set; } = WebhookKinds.Webhook;
    /// <summary>What clients see: the target URL of a plain webhook, a mask of a Slack URL (the real one is in <see cref="UrlCipher"/>).</summary>
    public required string Url { get; set; }
    /// <summary>Slack only: the incoming-webhook URL (itself a credential), encrypted (<see cref="SecretProtection.SlackUrlPurpose"/>).</summary>
    public string? UrlCipher { get; set; }
    /// <summary>Subscribed event kinds, comma-separated (e.g. <c>task.created,comment.added</c>).</summary>
    public required string EventKinds { get; set; }
    /// <summary>Projects the webhook is limited to, comma-separated ids; null: the whole workspace.</summary>
    public string? ProjectIds { get; set; }
    public bool Active { get; set; }
    public string? Description { get; set; }
    /// <summary>HMAC key for the <c>TaskFlow-Signature</c> header, encrypted (<see cref="SecretProtection.WebhookSecretPurpose"/>); shown once on create and rotate.</summary>
    public string? SecretCipher { get; set; }
    /// <summary>Column <c>Secret</c>: the plain-text key of rows written before secrets were encrypted; emptied at start-up (<see cref="EncryptSecretsOnStart"/>).</summary>
    public string? PlainSecret { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public IReadOnlyList<string> Kinds() => EventKinds.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The projects it is limited to; empty: the whole workspace.</summary>
    public IReadOnlyList<Guid> Projects() =>
        ProjectIds is null ? [] : [.. ProjectIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse)];

    public void LimitTo(IReadOnlyCollection<Guid> projectIds) => ProjectIds = projectIds.Count == 0 ? null : string.Join(',', projectIds);

    /// <summary>
    /// Whether an event of <paramref name="projectId"/> goes to this webhook: a workspace-wide webhook takes every event,
    /// a limited one only events of its projects (so never workspace-level events, whose project id is empty).
    /// </summary>
    public bool Covers(Guid projectId) => ProjectIds is null || (projectId != Guid.Empty && Projects().Contains(projectId));
}

internal enum DeliveryStatus
{
    Pending = 0,
    Succeeded = 1,
    Failed = 2,
}

/// <summary>
/// One message to one webhook. The table is an outbox: the dispatcher claims due rows with a lease, sends them and
/// records the outcome of the last attempt; a failed attempt is retried with exponential backoff until the maximum.
/// </summary>
internal sealed class Delivery : TaskFlow.BuildingBlocks.Delivery.IDeliveryRow
{
    public Guid Id { get; set; }
    public Guid WebhookId { get; set; }
    public Guid WorkspaceId { get; set; }
    /// <summary>The event kind, e.g. <c>task.created</c> or <c>webhook.test</c>.</summary>
    public required string EventKind { get; set; }
    /// <summary>The integration event this delivery came from; unique per webhook so a redelivered event enqueues once. Null for tests and redeliveries.</summary>
    public Guid? SourceEventId { get; set; }
    /// <summary>The exact body sent (JSON).</summary>
    public required string Body { get; set; }
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public int? ResponseCode { get; set; }
    public int? DurationMs { get; set; }
    public string? Error { get; set; }
    public string? LockedBy { get; set; }
    public DateTime? LockedUntil { get; set; }
}

/// <summary>The GitHub integration of one project: the secret GitHub signs its webhook payloads with.</summary>
internal sealed class GitHubConfig
{
    public Guid ProjectId { get; set; }
    public Guid WorkspaceId { get; set; }
    /// <summary>The secret GitHub signs with, encrypted (<see cref="SecretProtection.GitHubSecretPurpose"/>).</summary>
    public string? SecretCipher { get; set; }
    /// <summary>Column <c>Secret</c>: plain text of rows written before secrets were encrypted; emptied at start-up.</summary>
    public string? PlainSecret { get; set; }
    public Guid? MoveToStatusIdOnMerge { get; set; }
    public bool Enabled { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal static class Clock
{
    /// <summary>Now, cut to whole microseconds so values read back from PostgreSQL equal the ones written.</summary>
    public static DateTime UtcNow()
    {
        var now = DateTime.UtcNow;
        return now.AddTicks(-(now.Ticks % 10));
    }
}
