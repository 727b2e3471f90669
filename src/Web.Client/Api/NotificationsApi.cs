namespace TaskFlow.Web.Client.Api;

// Client-side copies of the notifications service's shapes (src/Services/Notifications/Features).

public sealed record Notification(
    Guid Id, string Kind, string Title, string? Body, string? Link, Guid? TaskId, Guid? ProjectId, Guid? WorkspaceId, Guid? ActorId, DateTime CreatedAt, DateTime? ReadAt);
public sealed record NotificationPage(List<Notification> Data, int UnreadCount, string? NextCursor);

/// <summary>The channels of one notification kind.</summary>
public sealed record ChannelSettings(bool InApp, bool Email, bool Sms);

/// <summary>Delivery settings across kinds; a PUT replaces all of them (a field left null gets its default).</summary>
public sealed record DeliverySettings(string? PhoneNumber, bool Sms, string Digest, string? QuietHoursStart, string? QuietHoursEnd, string TimeZone, int DigestHour = 8);

public static class NotificationKinds
{
    /// <summary>Every kind the notifications service knows, in the order the settings page lists them.</summary>
    public static readonly IReadOnlyList<(string Kind, string Label)> All =
    [
        ("task_assigned", "Assigned to me"), ("mentioned", "Mentioned"), ("comment_added", "New comment"), ("status_changed", "Status changed"),
        ("due_soon", "Due soon"), ("overdue", "Overdue"), ("invited_to_workspace", "Invited to a workspace"), ("added_to_workspace", "Added to a workspace"),
    ];

    public static readonly string[] Digests = ["off", "hourly", "daily"];
}

public sealed class NotificationsApi(ApiClient api)
{
    public Task<ApiResult<NotificationPage>> List() => api.Get<NotificationPage>("v1/notifications?limit=10");
    public Task<ApiResult<NoBody>> MarkRead(Guid id) => api.Post<NoBody>($"v1/notifications/{id}/read", null);
    public Task<ApiResult<Dictionary<string, ChannelSettings>>> Preferences() => api.Get<Dictionary<string, ChannelSettings>>("v1/notifications/preferences");
    public Task<ApiResult<Dictionary<string, ChannelSettings>>> UpdatePreferences(Dictionary<string, ChannelSettings> preferences) =>
        api.Put<Dictionary<string, ChannelSettings>>("v1/notifications/preferences", preferences);
    public Task<ApiResult<DeliverySettings>> Delivery() => api.Get<DeliverySettings>("v1/notifications/preferences/delivery");
    public Task<ApiResult<DeliverySettings>> UpdateDelivery(DeliverySettings settings) => api.Put<DeliverySettings>("v1/notifications/preferences/delivery", settings);
    public Task<ApiResult<NoBody>> MarkAllRead() => api.Post<NoBody>("v1/notifications/read-all", null);
}
