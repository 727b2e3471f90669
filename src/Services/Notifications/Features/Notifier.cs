using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Email;

namespace TaskFlow.Notifications.Features;

/// <summary>The kinds of notification a user can receive, each with an in-app and an email channel.</summary>
internal static class NotificationKinds
{
    public const string TaskAssigned = "task_assigned";
    public const string Mentioned = "mentioned";
    public const string InvitedToWorkspace = "invited_to_workspace";
    public const string AddedToWorkspace = "added_to_workspace";

    public static readonly IReadOnlyList<string> All = [TaskAssigned, Mentioned, InvitedToWorkspace, AddedToWorkspace];

    public static bool IsKnown(string kind) => All.Contains(kind, StringComparer.Ordinal);
}

/// <summary>
/// Signed one-click unsubscribe tokens: user id and kind, protected with ASP.NET Data Protection (purpose
/// <c>unsubscribe</c>), so the link works without signing in and cannot be altered to unsubscribe someone else.
/// </summary>
internal sealed class UnsubscribeTokens(IDataProtectionProvider provider)
{
    readonly IDataProtector protector = provider.CreateProtector("unsubscribe");

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

/// <summary>What a handler asks for: one notification to one user, perhaps with an email.</summary>
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
    Guid? WorkspaceId = null,
    (string Subject, string ActionLabel)? Email = null);

/// <summary>
/// Creates in-app notifications and notification emails for handlers, honouring the recipient's preferences.
/// Changes only the scoped DbContext: the event infrastructure saves them with the inbox row.
/// </summary>
internal sealed class Notifier(NotificationsDb db, EmailQueue emails, EmailTemplates templates, UnsubscribeTokens tokens)
{
    public async Task Notify(NotificationRequest request, CancellationToken ct)
    {
        // Never tell people about what they did themselves.
        if (request.ActorId == request.RecipientId) return;

        var preference = await db.Preferences.AsNoTracking()
            .SingleOrDefaultAsync(p => p.UserId == request.RecipientId && p.Kind == request.Kind, ct);
        var inApp = preference?.InApp ?? true;
        var email = preference?.Email ?? true;

        if (inApp && !await db.Notifications.AnyAsync(n => n.DedupKey == request.DedupKey, ct))
        {
            db.Notifications.Add(new InAppNotification
            {
                DedupKey = request.DedupKey,
                RecipientId = request.RecipientId,
                Kind = request.Kind,
                Title = Truncate(request.Title, 500),
                Body = request.Body is null ? null : Truncate(request.Body, 2000),
                Link = request.Link,
                ActorId = request.ActorId,
                TaskId = request.TaskId,
                ProjectId = request.ProjectId,
                WorkspaceId = request.WorkspaceId,
                CreatedAt = DateTime.UtcNow,
            });
        }

        if (email && request.Email is { } mail
            && !await db.OutgoingEmails.AnyAsync(m => m.MessageKey == request.DedupKey, ct)
            && await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == request.RecipientId, ct) is { } recipient)
        {
            var unsubscribe = templates.Link("/v1/notifications/unsubscribe", tokens.Create(recipient.Id, request.Kind));
            var content = EmailTemplates.Render(
                mail.Subject,
                recipient.DisplayName,
                request.Body is null ? [request.Title] : [request.Title, request.Body],
                (mail.ActionLabel, templates.Link(request.Link)),
                "You received this email because of your TaskFlow notification settings.",
                unsubscribe);
            emails.Add(request.DedupKey, recipient.Email, content, unsubscribe);
        }
    }

    /// <summary>A user's display name from the local copy, or a neutral word when it has not arrived (yet).</summary>
    public async Task<string> NameOf(Guid? userId, CancellationToken ct) =>
        userId is { } id && await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) is { Length: > 0 } name
            ? EmailTemplates.OneLine(name)
            : "Someone";

    /// <summary>"KEY-1 Title" from the local copy of tasks, or "a task" when unknown.</summary>
    public async Task<string> TaskLabel(Guid taskId, CancellationToken ct) =>
        await db.Tasks.AsNoTracking().Where(t => t.Id == taskId).Select(t => new { t.Key, t.Title }).SingleOrDefaultAsync(ct) is { } task
            ? EmailTemplates.OneLine($"{task.Key} {task.Title}")
            : "a task";

    static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
