using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace TaskFlow.Notifications.Email;

/// <summary>A rendered email: subject, plain text and HTML.</summary>
internal sealed record EmailContent(string Subject, string Text, string Html);

/// <summary>
/// The one layout every email shares. Values that come from users (names, workspace names) are passed as
/// plain text and HTML-encoded here, never pasted into markup by the callers.
/// </summary>
internal sealed class EmailTemplates(IConfiguration configuration)
{
    /// <summary><c>App:PublicUrl</c> without a trailing slash: where links in emails point.</summary>
    public string PublicUrl { get; } = (configuration["App:PublicUrl"] is { Length: > 0 } url ? url : "http://localhost:5000").TrimEnd('/');

    public string Link(string path, string? token = null) =>
        token is null ? PublicUrl + path : $"{PublicUrl}{path}?token={Uri.EscapeDataString(token)}";

    /// <param name="subject">May contain user values; line breaks are removed.</param>
    /// <param name="greetingName">The recipient's display name, or null for a neutral greeting.</param>
    /// <param name="paragraphs">Plain text; encoded for HTML.</param>
    /// <param name="action">The button: label and absolute URL.</param>
    /// <param name="footer">Plain text under the button (e.g. expiry, "ignore if not you").</param>
    /// <param name="unsubscribeUrl">One-click unsubscribe link for notification emails (never for account emails).</param>
    public static EmailContent Render(string subject, string? greetingName, IReadOnlyList<string> paragraphs, (string Label, string Url) action, string footer, string? unsubscribeUrl = null)
    {
        subject = OneLine(subject);
        var greeting = greetingName is { Length: > 0 } ? $"Hi {OneLine(greetingName)}," : "Hi,";

        var text = new StringBuilder();
        text.Append(greeting).Append("\n\n");
        foreach (var paragraph in paragraphs) text.Append(paragraph).Append("\n\n");
        text.Append(action.Label).Append(":\n").Append(action.Url).Append("\n\n");
        text.Append(footer).Append("\n\n");
        if (unsubscribeUrl is not null) text.Append("Unsubscribe from these emails:\n").Append(unsubscribeUrl).Append("\n\n");
        text.Append("— TaskFlow\n");

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").Append(Encode(subject)).Append("</title></head>\n");
        html.Append("<body style=\"font-family:Arial,Helvetica,sans-serif;color:#222;line-height:1.5;max-width:560px;margin:0 auto;padding:24px\">\n");
        html.Append("<p>").Append(Encode(greeting)).Append("</p>\n");
        foreach (var paragraph in paragraphs) html.Append("<p>").Append(Encode(paragraph)).Append("</p>\n");
        html.Append("<p><a href=\"").Append(Encode(action.Url)).Append("\" style=\"display:inline-block;background:#2563eb;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none\">")
            .Append(Encode(action.Label)).Append("</a></p>\n");
        html.Append("<p style=\"font-size:13px;color:#555\">If the button does not work, open this link: <br><a href=\"").Append(Encode(action.Url)).Append("\">")
            .Append(Encode(action.Url)).Append("</a></p>\n");
        html.Append("<p style=\"font-size:13px;color:#555\">").Append(Encode(footer)).Append("</p>\n");
        if (unsubscribeUrl is not null)
            html.Append("<p style=\"font-size:13px;color:#555\"><a href=\"").Append(Encode(unsubscribeUrl)).Append("\">Unsubscribe from these emails</a></p>\n");
        html.Append("<p style=\"font-size:13px;color:#555\">— TaskFlow</p>\n</body></html>\n");

        return new EmailContent(subject, text.ToString(), html.ToString());
    }

    /// <summary>An expiry as readers see it, in UTC (events carry UTC times).</summary>
    public static string Expiry(DateTime expiresAt)
    {
        var utc = expiresAt.Kind switch
        {
            DateTimeKind.Local => expiresAt.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(expiresAt, DateTimeKind.Utc),
            _ => expiresAt,
        };
        return utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
    }

    static string Encode(string value) => WebUtility.HtmlEncode(value);

    /// <summary>User values end up in headers and single lines: no control characters.</summary>
    public static string OneLine(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? ' ' : c)).Trim();
}
