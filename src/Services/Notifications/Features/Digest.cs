using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Delivery;
using TaskFlow.Notifications.Email;

namespace TaskFlow.Notifications.Features;

/// <summary>Configuration section <c>Notifications:Digest</c>.</summary>
internal sealed class DigestOptions
{
    public const string Section = "Notifications:Digest";

    /// <summary>How often the service looks for users whose digest is due.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan HourlyPeriod { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan DailyPeriod { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>
/// Sends each user who chose an hourly digest (at the top of each hour) or a daily one (at their local digest hour) one email listing their notifications that are still unread and
/// arrived since the last digest (kinds whose email channel is off are left out); nothing unread, no mail. The digest's
/// <c>MessageKey</c> (<c>digest:{user}:{period start}</c>) is unique, so two instances cannot both send one period's digest.
/// Quiet hours hold the digest like any other email.
/// </summary>
internal sealed class DigestService(IServiceProvider services, NotificationClock clock, IOptions<DigestOptions> options, ILogger<DigestService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval);
        do
        {
            try
            {
                await RunOnce(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Digest run failed; trying again at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public async Task RunOnce(CancellationToken ct)
    {
        var now = clock.UtcNow;
        var hourly = now - options.Value.HourlyPeriod;
        var daily = now - options.Value.DailyPeriod;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDb>();
        var due = await db.Settings.AsNoTracking()
            .Where(s => s.Digest != DigestFrequency.Off && (s.NextDigestAt <= now
                // Settings saved before digests had a schedule.
                || (s.NextDigestAt == null && ((s.Digest == DigestFrequency.Hourly && s.LastDigestAt <= hourly) || (s.Digest == DigestFrequency.Daily && s.LastDigestAt <= daily)))))
            .OrderBy(s => s.UserId) // a stable batch (and no EF Core warning of a Take without OrderBy)
            .Select(s => s.UserId)
            .Take(500)
            .ToListAsync(ct);
        foreach (var userId in due)
        {
            await using var userScope = services.CreateAsyncScope();
            await SendDigest(userScope.ServiceProvider, userId, now, ct);
        }
    }

    static async Task SendDigest(IServiceProvider sp, Guid userId, DateTime now, CancellationToken ct)
    {
        var db = sp.GetRequiredService<NotificationsDb>();
        var settings = await db.Settings.SingleOrDefaultAsync(s => s.UserId == userId, ct);
        if (settings?.LastDigestAt is not { } since || settings.Digest == DigestFrequency.Off) return;

        var emailOff = await db.Preferences.AsNoTracking().Where(p => p.UserId == userId && !p.Email).Select(p => p.Kind).ToListAsync(ct);
        var items = await db.Notifications.AsNoTracking()
            .Where(n => n.RecipientId == userId && n.ReadAt == null && n.CreatedAt > since && n.CreatedAt <= now && !emailOff.Contains(n.Kind))
            .OrderBy(n => n.CreatedAt)
            .Select(n => new { n.Title, n.Body })
            .Take(100)
            .ToListAsync(ct);
        settings.LastDigestAt = now;
        settings.NextDigestAt = DigestSchedule.Next(settings, now);
        if (items.Count > 0 && await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct) is { } user)
        {
            var templates = sp.GetRequiredService<EmailTemplates>();
            var content = NotificationEmails.RenderDigest(user.DisplayName, items.Select(i => (i.Title, i.Body)).ToList(), settings.Digest, templates.Link("/notifications"));
            sp.GetRequiredService<EmailQueue>().Add($"digest:{userId:N}:{since.Ticks}", user.Email, content, notBefore: QuietHours.ReleaseAt(settings, now));
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another instance sent this period's digest (the message key is unique); its transaction won.
        }
    }
}
