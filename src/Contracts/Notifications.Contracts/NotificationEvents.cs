using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Notifications.Contracts;

/// <summary>An in-app notification was created for <paramref name="UserId"/>; <paramref name="UnreadCount"/> includes it.</summary>
/// <param name="NotificationId">The notification's id.</param>
/// <param name="UserId">Its recipient.</param>
/// <param name="Kind">e.g. <c>task_assigned</c>.</param>
/// <param name="Title">One line, plain text.</param>
/// <param name="Body">More detail, or null.</param>
/// <param name="Url">Relative URL in the web app, e.g. <c>/tasks/{taskId}</c>.</param>
/// <param name="CreatedAt">When it was created (UTC).</param>
/// <param name="UnreadCount">The recipient's unread notifications after this one was added.</param>
public sealed record NotificationCreated(Guid NotificationId, Guid UserId, string Kind, string Title, string? Body, string? Url, DateTime CreatedAt, int UnreadCount) : IntegrationEvent;

/// <summary>The unread count of <paramref name="UserId"/> changed (mark read, read all, delete).</summary>
public sealed record UnreadCountChanged(Guid UserId, int UnreadCount) : IntegrationEvent;
