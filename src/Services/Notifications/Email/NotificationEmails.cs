using TaskFlow.Notifications.Features;

namespace TaskFlow.Notifications.Email;

/// <summary>
/// One small template per notification kind (button label and why the recipient gets it), on the shared layout of
/// <see cref="EmailTemplates"/>, which HTML-encodes every user value. Kinds without a template send no email.
/// </summary>
internal static class NotificationEmails
{
    sealed record Template(string Action, string Reason);

    const string Settings = " You can change this in your TaskFlow notification settings.";

    static readonly Dictionary<string, Template> Templates = new(StringComparer.Ordinal)
    {
        [NotificationKinds.TaskAssigned] = new("Open task", "You received this email because you were assigned to this task." + Settings),
        [NotificationKinds.Mentioned] = new("Open comment", "You received this email because someone mentioned you." + Settings),
        [NotificationKinds.CommentAdded] = new("Open task", "You received this email because you watch this task." + Settings),
        [NotificationKinds.StatusChanged] = new("Open task", "You received this email because you watch this task." + Settings),
        [NotificationKinds.DueSoon] = new("Open task", "You received this email because you are assigned to or watch this task." + Settings),
        [NotificationKinds.Overdue] = new("Open task", "You received this email because you are assigned to or watch this task." + Settings),
    };

    public static bool HasEmail(string kind) => Templates.ContainsKey(kind);

    /// <summary>The kind's email: <paramref name="title"/> (plain text) is the subject and first paragraph, <paramref name="body"/> (a comment excerpt, or null) follows.</summary>
    public static EmailContent Render(string kind, string title, string? body, string? recipientName, string actionUrl, string unsubscribeUrl)
    {
        var template = Templates[kind];
        return EmailTemplates.Render(title, recipientName, body is null ? [title] : [title, body], (template.Action, actionUrl), template.Reason, unsubscribeUrl);
    }

    /// <summary>The digest: one line per unread notification, newest last.</summary>
    public static EmailContent RenderDigest(string? recipientName, IReadOnlyList<(string Title, string? Body)> items, string frequency, string actionUrl)
    {
        var paragraphs = new List<string> { items.Count == 1 ? "You have 1 unread notification:" : $"You have {items.Count} unread notifications:" };
        paragraphs.AddRange(items.Select(i => i.Body is null ? "• " + i.Title : $"• {i.Title} — {EmailTemplates.OneLine(i.Body)}"));
        return EmailTemplates.Render(
            items.Count == 1 ? "Your TaskFlow digest: 1 unread notification" : $"Your TaskFlow digest: {items.Count} unread notifications",
            recipientName,
            paragraphs,
            ("Open notifications", actionUrl),
            $"You receive this {frequency} digest instead of single emails for comments and status changes." + Settings);
    }
}
