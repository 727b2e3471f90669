using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Contracts;

namespace TaskFlow.Notifications.Features;

/// <summary>A notification as its recipient sees it.</summary>
/// <param name="Id">Notification id.</param>
/// <param name="Kind">e.g. <c>task_assigned</c>, <c>mentioned</c>, <c>invited_to_workspace</c>, <c>added_to_workspace</c>.</param>
/// <param name="Title">One line, e.g. "Ada assigned you PRJ-1 Fix login".</param>
/// <param name="Body">More detail, or null.</param>
/// <param name="Link">Relative URL in the web app, e.g. <c>/tasks/{taskId}</c>.</param>
/// <param name="TaskId">The task it is about, if any.</param>
/// <param name="ProjectId">The project it is about, if any.</param>
/// <param name="WorkspaceId">The workspace it is about, if any.</param>
/// <param name="ActorId">Who caused it, if anyone.</param>
/// <param name="CreatedAt">When it was created (UTC).</param>
/// <param name="ReadAt">When it was marked read (UTC), or null while unread.</param>
internal sealed record NotificationView(
    Guid Id, string Kind, string Title, string? Body, string? Link, Guid? TaskId, Guid? ProjectId, Guid? WorkspaceId, Guid? ActorId, DateTime CreatedAt, DateTime? ReadAt);

/// <summary>A page of the caller's notifications, newest first.</summary>
/// <param name="Data">The notifications of this page.</param>
/// <param name="UnreadCount">How many of the caller's notifications are unread (all of them, not only this page).</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next (older) page; null on the last page.</param>
internal sealed record NotificationPage(List<NotificationView> Data, int UnreadCount, string? NextCursor);

/// <summary>The caller's notification list: read, mark read, delete. Another user's notification is 404, never 403.</summary>
internal static class InAppNotifications
{
    const int DefaultLimit = 20;
    const int MaxLimit = 100;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/", List)
            .RequireAuthorization()
            .WithName("ListNotifications")
            .WithSummary("List my notifications")
            .WithDescription("Newest first, cursor paginated (limit 1–100, default 20); `unread=true` for unread only, `kind` (e.g. `mentioned`) and `projectId` to narrow the list. `unreadCount` counts all unread notifications.");
        group.MapPost("/{id:guid}/read", MarkRead)
            .RequireAuthorization()
            .WithName("MarkNotificationRead")
            .WithSummary("Mark one notification read");
        group.MapPost("/{id:guid}/unread", MarkUnread)
            .RequireAuthorization()
            .WithName("MarkNotificationUnread")
            .WithSummary("Mark one notification unread again");
        group.MapPost("/read-all", MarkAllRead)
            .RequireAuthorization()
            .WithName("MarkAllNotificationsRead")
            .WithSummary("Mark all my notifications read");
        group.MapDelete("/{id:guid}", Delete)
            .RequireAuthorization()
            .WithName("DeleteNotification")
            .WithSummary("Delete one notification");
    }

    static async Task<Results<Ok<NotificationPage>, ValidationProblem>> List(
        ClaimsPrincipal user, NotificationsDb db, bool? unread, string? kind, Guid? projectId, string? cursor, int? limit, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit) errors["limit"] = [$"Must be between 1 and {MaxLimit}."];
        Cursor? after = null;
        if (cursor is not null && !Cursor.TryParse(cursor, out after)) errors["cursor"] = ["Is not a cursor this endpoint returned."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var me = user.UserId();
        var mine = db.Notifications.AsNoTracking().Where(n => n.RecipientId == me);
        var unreadCount = await mine.CountAsync(n => n.ReadAt == null, ct);

        var query = unread == true ? mine.Where(n => n.ReadAt == null) : mine;
        if (!string.IsNullOrWhiteSpace(kind)) query = query.Where(n => n.Kind == kind);
        if (projectId is { } project) query = query.Where(n => n.ProjectId == project);
        if (after is not null)
        {
            var (at, id) = (after.CreatedAt, after.Id);
            query = query.Where(n => n.CreatedAt < at || (n.CreatedAt == at && n.Id.CompareTo(id) < 0));
        }
        var rows = await query
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Take(take + 1)
            .Select(n => new NotificationView(n.Id, n.Kind, n.Title, n.Body, n.Link, n.TaskId, n.ProjectId, n.WorkspaceId, n.ActorId, n.CreatedAt, n.ReadAt))
            .ToListAsync(ct);
        string? next = null;
        if (rows.Count > take)
        {
            rows.RemoveAt(take);
            next = new Cursor(rows[^1].CreatedAt, rows[^1].Id).ToString();
        }
        return TypedResults.Ok(new NotificationPage(rows, unreadCount, next));
    }

    static async Task<Results<NoContent, NotFound>> MarkRead(Guid id, ClaimsPrincipal user, NotificationsDb db, CancellationToken ct)
    {
        var me = user.UserId();
        var notification = await db.Notifications.SingleOrDefaultAsync(n => n.Id == id && n.RecipientId == me, ct);
        if (notification is null) return TypedResults.NotFound();
        if (notification.ReadAt is null)
        {
            notification.ReadAt = DateTime.UtcNow;
            db.Publish(new UnreadCountChanged(me, await UnreadCount(db, me, ct) - 1));
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.NoContent();
    }

    static async Task<Results<NoContent, NotFound>> MarkUnread(Guid id, ClaimsPrincipal user, NotificationsDb db, CancellationToken ct)
    {
        var me = user.UserId();
        var notification = await db.Notifications.SingleOrDefaultAsync(n => n.Id == id && n.RecipientId == me, ct);
        if (notification is null) return TypedResults.NotFound();
        if (notification.ReadAt is not null)
        {
            notification.ReadAt = null;
            db.Publish(new UnreadCountChanged(me, await UnreadCount(db, me, ct) + 1));
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.NoContent();
    }

    static async Task<NoContent> MarkAllRead(ClaimsPrincipal user, NotificationsDb db, CancellationToken ct)
    {
        var me = user.UserId();
        var now = DateTime.UtcNow;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.Notifications.Where(n => n.RecipientId == me && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
        if (changed > 0)
        {
            db.Publish(new UnreadCountChanged(me, await UnreadCount(db, me, ct)));
            await db.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    static async Task<Results<NoContent, NotFound>> Delete(Guid id, ClaimsPrincipal user, NotificationsDb db, CancellationToken ct)
    {
        var me = user.UserId();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var deleted = await db.Notifications.Where(n => n.Id == id && n.RecipientId == me).ExecuteDeleteAsync(ct);
        if (deleted == 0) return TypedResults.NotFound();
        db.Publish(new UnreadCountChanged(me, await UnreadCount(db, me, ct)));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    static Task<int> UnreadCount(NotificationsDb db, Guid userId, CancellationToken ct) =>
        db.Notifications.CountAsync(n => n.RecipientId == userId && n.ReadAt == null, ct);

    /// <summary>Opaque position in the list: the last item's creation time and id, URL-safe base64.</summary>
    sealed record Cursor(DateTime CreatedAt, Guid Id)
    {
        public override string ToString() =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{CreatedAt.Ticks.ToString(CultureInfo.InvariantCulture)}:{Id:N}"))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static bool TryParse(string value, out Cursor? cursor)
        {
            cursor = null;
            try
            {
                var s = value.Replace('-', '+').Replace('_', '/');
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=')));
                var parts = text.Split(':');
                if (parts.Length != 2
                    || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                    || ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks
                    || !Guid.TryParseExact(parts[1], "N", out var id)) return false;
                cursor = new Cursor(new DateTime(ticks, DateTimeKind.Utc), id);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }
    }
}
