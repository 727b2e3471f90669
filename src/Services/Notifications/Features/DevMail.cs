using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.BuildingBlocks.Email;

namespace TaskFlow.Notifications.Features;

/// <summary>
/// Development aid: the mails the all-in-one file sink has written, so a developer (or an end-to-end test) can follow
/// a verification or invitation link without a mail server. Mapped only in Development and Testing with the file sink.
/// </summary>
internal static class DevMail
{
    /// <summary>A mail in the development sink.</summary>
    /// <param name="To">Recipients, comma-separated.</param>
    /// <param name="Subject">Subject line.</param>
    /// <param name="Date">When the mail was written.</param>
    /// <param name="Text">The plain-text body.</param>
    internal sealed record Mail(string To, string Subject, DateTimeOffset Date, string Text);

    public static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapGet("/dev/mail", Handle)
            .AllowAnonymous()
            .ExcludeFromDescription()
            .WithSummary("List the mails of the development mail sink");

    static Ok<List<Mail>> Handle(FileEmailSink sink, string? to) =>
        TypedResults.Ok(sink.List()
            .Where(m => to is null || m.To.Mailboxes.Any(b => string.Equals(b.Address, to, StringComparison.OrdinalIgnoreCase)))
            .Select(m => new Mail(string.Join(", ", m.To.Mailboxes.Select(b => b.Address)), m.Subject ?? "", m.Date, m.TextBody ?? ""))
            .ToList());
}
