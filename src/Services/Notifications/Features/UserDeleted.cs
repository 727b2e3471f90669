using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Identity.Contracts;
using TaskFlow.Notifications.Data;

namespace TaskFlow.Notifications.Features;

/// <summary>
/// An account was deleted (docs/adr/0030-personal-data.md). Erased: the user copy, their notifications, preferences and
/// delivery settings (phone number), every email and text message to them (pending ones are never sent), failed ones kept as
/// dead letters. Anonymised: their name in other people's notifications (those they caused), emails and dead letters, as
/// "Deleted user". Idempotent.
/// </summary>
internal sealed class UserDeletedHandler(NotificationsDb db) : IIntegrationEventHandler<UserDeleted>
{
    public const string DeletedUserName = "Deleted user";

    public async Task Handle(UserDeleted e, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == e.UserId, ct);
        var addresses = new[] { e.Email.Trim(), e.Email.Trim().ToLowerInvariant(), user?.Email ?? "", user?.NormalizedEmail ?? "" }
            .Where(a => a.Length > 0).Distinct().ToArray();

        // Its notification events in the outbox (their titles name people) go at once, not after the retention.
        await db.ForgetMentionsOf([e.UserId.ToString(), .. addresses, user?.DisplayName], ct);
        db.Notifications.RemoveRange(await db.Notifications.Where(n => n.RecipientId == e.UserId).ToListAsync(ct));
        db.Preferences.RemoveRange(await db.Preferences.Where(p => p.UserId == e.UserId).ToListAsync(ct));
        db.Settings.RemoveRange(await db.Settings.Where(s => s.UserId == e.UserId).ToListAsync(ct));
        var texts = await db.OutgoingSms.Where(s => s.RecipientId == e.UserId).ToListAsync(ct);
        var textIds = texts.Select(s => s.Id).ToList();
        db.OutgoingSms.RemoveRange(texts);
        // Failed mail and texts to them, kept for admins: they go too.
        db.DeadLetters.RemoveRange(await db.DeadLetters.Where(d => addresses.Contains(d.Recipient) || textIds.Contains(d.MessageId)).ToListAsync(ct));
        db.OutgoingEmails.RemoveRange(await db.OutgoingEmails.Where(m => addresses.Contains(m.To)).ToListAsync(ct));

        if (user is not null)
        {
            var name = user.DisplayName;
            foreach (var n in await db.Notifications.Where(n => n.ActorId == e.UserId).ToListAsync(ct))
            {
                n.Title = Anonymise(n.Title, name)!;
                n.Body = Anonymise(n.Body, name);
            }
            // Other people's mail that names them ("Ada commented on …").
            List<OutgoingEmail> naming = name.Length == 0 ? new()
                : await db.OutgoingEmails.Where(m => !addresses.Contains(m.To) && (m.Subject.Contains(name) || m.Text.Contains(name))).ToListAsync(ct);
            foreach (var m in naming)
            {
                m.Subject = Anonymise(m.Subject, name)!;
                m.Text = Anonymise(m.Text, name)!;
                m.Html = Anonymise(m.Html, name);
            }
            foreach (var d in name.Length == 0 ? [] : await db.DeadLetters.Where(d => !addresses.Contains(d.Recipient) && d.Summary.Contains(name)).ToListAsync(ct))
                d.Summary = Anonymise(d.Summary, name)!;
            db.Users.Remove(user);
        }
    }

    static string? Anonymise(string? text, string name) =>
        text is null || name.Length == 0 ? text
            : text.Replace(name, DeletedUserName, StringComparison.Ordinal)
                .Replace(System.Net.WebUtility.HtmlEncode(name), DeletedUserName, StringComparison.Ordinal);
}
