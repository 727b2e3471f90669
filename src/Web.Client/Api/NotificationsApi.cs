namespace TaskFlow.Web.Client.Api;

// Client-side copies of the notifications service's shapes (src/Services/Notifications/Features).

public sealed record Notification(
    Guid Id, string Kind, string Title, string? Body, string? Link, Guid? TaskId, Guid? ProjectId, Guid? WorkspaceId, Guid? ActorId, DateTime CreatedAt, DateTime? ReadAt);
public sealed record NotificationPage(List<Notification> Data, int UnreadCount, string? NextCursor);

public sealed class NotificationsApi(ApiClient api)
{
    public Task<ApiResult<NotificationPage>> List() => api.Get<NotificationPage>("v1/notifications?limit=10");
    public Task<ApiResult<NoBody>> MarkRead(Guid id) => api.Post<NoBody>($"v1/notifications/{id}/read", null);
    public Task<ApiResult<NoBody>> MarkAllRead() => api.Post<NoBody>("v1/notifications/read-all", null);
}
