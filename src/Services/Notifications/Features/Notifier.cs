using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Delivery;
using TaskFlow.Notifications.Email;
using TaskFlow.Notifications.Contracts;
using TaskFlow.Notifications.Sms;

namespace TaskFlow.Notifications.Features;

/// <summary>The kinds of notification a user can receive, each with an in-app, an email and an SMS channel.</summary>
internal static class NotificationKinds
{
    public const string TaskAssigned = "task_assigned";
    public const string Mentioned = "mentioned";
    public const string CommentAdded = "comment_added";
    public const string StatusChanged = "status_changed";
    public const string DueSoon = "due_soon";
    public const string Overdue = "overdue";
    public const string InvitedToWorkspace = "invited_to_workspace";
    public const string AddedToWorkspace = "added_to_workspace";
    /// <summary>An export the user started is ready (in-app only: it has no email template).</summary>
    public const string ReportReady = "report_ready";

    public static readonly IReadOnlyList<string> All = [TaskAssigned, Mentioned, CommentAdded, StatusChanged, DueSoon, Overdue, InvitedToWorkspace, AddedToWorkspace, ReportReady];

    /// <summary>Urgent kinds: their SMS channel is on by default (SMS itself stays off until the user turns it on).</summary>
    public static readonly IReadOnlyList<string> Urgent = [TaskAssigned, Mentioned, DueSoon, Overdue];

    /// <summary>Kinds whose emails a digest replaces when the user chose one; the others are always sent at once.</summary>
    public static readonly IReadOnlyList<string> Digestible = [CommentAdded, StatusChanged, AddedToWorkspace];

    public static bool IsKnown(string kind) => All.Contains(kind, StringComparer.Ordinal);

    public static bool SmsByDefault(string kind) => Urgent.Contains(kind, StringComparer.Ordinal);

    public static bool IsDigestible(string kind) => Digestible.Contains(kind, StringComparer.Ordinal);
}

/// <summary>
/// Signed one-click unsubscribe tokens: user id and kind, protected with ASP.NET Data Protection (purpose
/// <c>unsubscribe</c>), so the link works without signing in and cannot be altered to unsubscribe someone else.
/// </summary>
internal sealed class UnsubscribeTokens(IDataProtectionProvider provider)
{
    readonly IDataProtector protector = provider.CreateProtector("unsubscribe");

    /// <summary>Reads the key ring, creating the first key if there is none (see <see cref="LoadKeyRingOnStart"/>).</summary>
    public void LoadKeyRing() => protector.Unprotect(protector.Protect([0]));

    public string Create(Guid userId, string kind) =>
        Base64Url(protector.Protect(System.Text.Encoding.UTF8.GetBytes($"{userId:N}|{kind}")));

    public bool TryRead(string? token, out Guid userId, out string kind)
    {
        userId = Guid.Empty;
        kind = "";
        if (string.IsNullOrEmpty(token)) return false;
        try
        {
            var bytes = protector.Unprotect(FromBase64Url(token));
            var parts = System.Text.Encoding.UTF8.GetString(bytes).Split('|');
            if (parts.Length != 2 || !Guid.TryParseExact(parts[0], "N", out userId) || !NotificationKinds.IsKnown(parts[1])) return false;
            kind = parts[1];
            return true;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FormatException)
        {
            return false;
        }
    }

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    static byte[] FromBase64Url(string value)
    {
        var s = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}

/// <summary>What a handler asks for: one notification to one user; email and SMS follow from the kind and the user's preferences.</summary>
internal sealed record NotificationRequest(
    string DedupKey,
    Guid RecipientId,
    string Kind,
    string Title,
    string? Body,
    string Link,
    Guid? ActorId = null,
    Guid? TaskId = null,
    Guid? ProjectId = null,
    Guid? WorkspaceId = null);

/// <summary>
/// Creates in-app notifications, notification emails and text messages for handlers, honouring the recipient's
/// preferences (kind × channel), digest choice and quiet hours. Changes only the scoped DbContext: the event
/// infrastructure saves them with the inbox row, together with the <see cref="NotificationCreated"/> event.
/// </summary>
internal sealed class Notifier(NotificationsDb db, EmailQueue emails, SmsQueue texts, EmailTemplates templates, UnsubscribeTokens tokens, NotificationClock clock)
{
    public async Task Notify(NotificationRequest request, CancellationToken ct)
    {
        // Never tell people about what they did themselves (nor "the system" about anything).
        if (request.ActorId == request.RecipientId || request.RecipientId == Guid.Empty) return;

        var state = await Recipient(request, ct);
        var settings = state.Settings;
        var inApp = state.Preference?.InApp ?? true;
        var email = state.Preference?.Email ?? true;
        var sms = state.Preference?.Sms ?? NotificationKinds.SmsByDefault(request.Kind);
        var now = clock.UtcNow;
        var title = Truncate(request.Title, 500);
        var body = request.Body is null ? null : Truncate(request.Body, 2000);

        if (inApp && !state.Notified)
        {
            var notification = new InAppNotification
            {
                DedupKey = request.DedupKey,
                RecipientId = request.RecipientId,
                Kind = request.Kind,
                Title = title,
                Body = body,
                Link = request.Link,
                ActorId = request.ActorId,
                TaskId = request.TaskId,
                ProjectId = request.ProjectId,
                WorkspaceId = request.WorkspaceId,
                CreatedAt = now,
            };
            db.Notifications.Add(notification);
            var unread = state.Unread
                + db.ChangeTracker.Entries<InAppNotification>().Count(e => e.State == EntityState.Added && e.Entity.RecipientId == request.RecipientId);
            db.Publish(new NotificationCreated(notification.Id, notification.RecipientId, notification.Kind, title, body, notification.Link, now, unread));
        }

        var release = QuietHours.ReleaseAt(settings, now);
        var digested = settings is not null && settings.Digest != DigestFrequency.Off && NotificationKinds.IsDigestible(request.Kind);
        if (email && !digested && NotificationEmails.HasEmail(request.Kind) && !state.Emailed && state.User is { } recipient)
        {
            var unsubscribe = templates.Link("/v1/notifications/unsubscribe", tokens.Create(recipient.Id, request.Kind));
            var content = NotificationEmails.Render(request.Kind, title, body, recipient.DisplayName, templates.Link(request.Link), unsubscribe);
            emails.Add(request.DedupKey, recipient.Email, content, unsubscribe, release);
        }

        if (sms && settings is { SmsEnabled: true, PhoneNumber: { Length: > 0 } phone } && !state.Texted)
        {
            texts.Add(request.DedupKey, request.RecipientId, phone, $"TaskFlow: {EmailTemplates.OneLine(title)} {templates.Link(request.Link)}", release);
        }
    }

    /// <summary>What deciding one notification needs to know about its recipient.</summary>
    sealed record RecipientState(
        KnownUser? User, NotificationSettings? Settings, NotificationPreference? Preference, bool Notified, bool Emailed, bool Texted, int Unread);

    /// <summary>
    /// The recipient's copy, settings and preference for the kind, whether this notification's in-app row, email and text
    /// exist already, and their unread count: one query (this runs for every watcher of every change). A recipient whose
    /// user copy has not arrived yet is read piece by piece; they get the in-app notification but no email.
    /// </summary>
    async Task<RecipientState> Recipient(NotificationRequest request, CancellationToken ct)
    {
        var (id, kind, key) = (request.RecipientId, request.Kind, request.DedupKey);
        var known = await (
            from u in db.Users.AsNoTracking().Where(u => u.Id == id)
            join s in db.Settings.AsNoTracking() on u.Id equals s.UserId into settings
            from s in settings.DefaultIfEmpty()
            join p in db.Preferences.AsNoTracking().Where(p => p.Kind == kind) on u.Id equals p.UserId into preferences
            from p in preferences.DefaultIfEmpty()
            select new RecipientState(
                u, s, p,
                db.Notifications.Any(n => n.DedupKey == key),
                db.OutgoingEmails.Any(m => m.MessageKey == key),
                db.OutgoingSms.Any(m => m.MessageKey == key),
                db.Notifications.Count(n => n.RecipientId == id && n.ReadAt == null))).SingleOrDefaultAsync(ct);
        if (known is not null) return known;

        return new RecipientState(
            null,
            await db.Settings.AsNoTracking().SingleOrDefaultAsync(s => s.UserId == id, ct),
            await db.Preferences.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == id && p.Kind == kind, ct),
            await db.Notifications.AnyAsync(n => n.DedupKey == key, ct),
            Emailed: true,
            await db.OutgoingSms.AnyAsync(m => m.MessageKey == key, ct),
            await db.Notifications.CountAsync(n => n.RecipientId == id && n.ReadAt == null, ct));
    }

    /// <summary>Whether <see cref="NotifyEach"/> would notify anyone: a recipient who is neither the actor nor the system.</summary>
    public static bool AnyRecipient(IEnumerable<Guid>? recipients, Guid? actorId) => (recipients ?? []).Any(r => r != actorId && r != Guid.Empty);

    /// <summary>The same notification for several users (watchers, assignees), each once, never the actor.</summary>
    public async Task NotifyEach(IEnumerable<Guid>? recipients, Guid? actorId, Func<Guid, NotificationRequest> request, CancellationToken ct)
    {
        foreach (var recipient in (recipients ?? []).Distinct())
        {
            if (recipient == actorId) continue;
            await Notify(request(recipient), ct);
        }
    }

    /// <summary>A user's display name from the local copy, or a neutral word when it has not arrived (yet).</summary>
    public async Task<string> NameOf(Guid? userId, CancellationToken ct) =>
        userId == Guid.Empty ? "TaskFlow" :
        userId is { } id && await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) is { Length: > 0 } name
            ? EmailTemplates.OneLine(name)
            : "Someone";

    /// <summary>"KEY-1 Title": from the event when it carries them, else from the local copy of tasks, else "a task".</summary>
    public async Task<string> TaskLabel(Guid taskId, string? key, string? title, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(key) && !string.IsNullOrWhiteSpace(title)) return EmailTemplates.OneLine($"{key} {title}");
        return await db.Tasks.AsNoTracking().Where(t => t.Id == taskId).Select(t => new { t.Key, t.Title }).SingleOrDefaultAsync(ct) is { } task
            ? EmailTemplates.OneLine($"{task.Key} {task.Title}")
            : "a task";
    }

    static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}

/// <summary>
/// Reads (on a new installation: creates) the key ring at start-up, after the migrations, rather than inside the first
/// notification's transaction, where on SQLite the key ring's own write would wait for that transaction to end.
/// </summary>
internal sealed class LoadKeyRingOnStart(UnsubscribeTokens tokens) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        tokens.LoadKeyRing();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
