using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Email;
using TaskFlow.Reporting.Contracts;

namespace TaskFlow.Notifications.Features;

/// <summary>WeeklyStatusReportDue → the reporting service's weekly status email to the member (keyed, so sent once).</summary>
internal sealed class WeeklyStatusEmailHandler(NotificationsDb db, EmailQueue emails, EmailTemplates templates) : IIntegrationEventHandler<WeeklyStatusReportDue>
{
    public async Task Handle(WeeklyStatusReportDue e, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == e.UserId, cancellationToken);
        if (user is null || string.IsNullOrWhiteSpace(user.Email)) return; // unknown or deleted account: nobody to mail
        var key = $"weekly-status:{e.Key}";
        if (await db.OutgoingEmails.AnyAsync(m => m.MessageKey == key, cancellationToken)) return;
        var content = EmailTemplates.Render(
            e.Subject, user.DisplayName, e.Lines, ("Open the reports", templates.Link(e.Url)),
            "You receive this email because a workspace admin chose you for the weekly status report.");
        emails.Add(key, user.Email, content);
    }
}
