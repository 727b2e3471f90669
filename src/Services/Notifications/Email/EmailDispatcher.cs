using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using TaskFlow.BuildingBlocks.Email;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Delivery;

namespace TaskFlow.Notifications.Email;

/// <summary>
/// Sends pending <see cref="OutgoingEmail"/> rows through <see cref="IEmailSender"/>. Instances claim a batch with a lease
/// (an UPDATE only one of them can win), so several notifications processes can share one database without sending
/// a row twice. A failure is retried with exponential backoff and jitter; after
/// <see cref="DeliveryOptions.MaxAttempts"/> attempts, or at once for a permanent failure, the row is dead and a
/// <see cref="DeadLetter"/> records it. Rows held for quiet hours simply have a later <c>NextAttemptAt</c>.
/// </summary>
internal sealed class EmailDispatcher(
    IServiceProvider services,
    IEmailSender sender,
    DispatchSignals signals,
    NotificationClock clock,
    IOptions<EmailDeliveryOptions> options,
    ILogger<EmailDispatcher> logger) : BackgroundService
{
    readonly string instance = DeliveryOptions.InstanceName();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await SendBatch(stoppingToken) > 0) continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Email dispatch failed; retrying");
            }
            await signals.Email.Wait(options.Value.PollInterval, stoppingToken);
        }
    }

    /// <summary>Claims due emails and sends them; returns how many were claimed.</summary>
    public async Task<int> SendBatch(CancellationToken ct)
    {
        var settings = options.Value;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDb>();
        var now = clock.UtcNow;
        var candidates = await db.OutgoingEmails
            .Where(e => e.Status == EmailStatus.Pending && e.NextAttemptAt <= now && (e.LockedUntil == null || e.LockedUntil < now))
            .OrderBy(e => e.NextAttemptAt)
            .Select(e => e.Id)
            .Take(settings.BatchSize)
            .ToListAsync(ct);
        if (candidates.Count == 0) return 0;

        var until = now + settings.Lease;
        await db.OutgoingEmails
            .Where(e => candidates.Contains(e.Id) && e.Status == EmailStatus.Pending && e.NextAttemptAt <= now && (e.LockedUntil == null || e.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.LockedBy, instance).SetProperty(e => e.LockedUntil, until), ct);
        var claimed = await db.OutgoingEmails.AsNoTracking()
            .Where(e => candidates.Contains(e.Id) && e.LockedBy == instance && e.LockedUntil == until)
            .OrderBy(e => e.NextAttemptAt)
            .ToListAsync(ct);

        var margin = settings.Lease / 4;
        foreach (var email in claimed)
        {
            // Past the lease another instance may claim the row; leave the rest to whoever does.
            if (clock.UtcNow > until - margin) break;
            await Send(db, email, settings, ct);
        }
        return claimed.Count;
    }

    async Task Send(NotificationsDb db, OutgoingEmail email, EmailDeliveryOptions settings, CancellationToken ct)
    {
        var attempts = email.Attempts + 1;
        try
        {
            await sender.Send(new EmailMessage(email.To, email.Subject, email.Text, email.Html, email.MimeMessageId, email.ListUnsubscribe), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var dead = attempts >= settings.MaxAttempts || IsPermanent(ex);
            var error = DeliveryOptions.Truncate($"{ex.GetType().Name}: {ex.Message}", 1000);
            var now = clock.UtcNow;
            var next = now + settings.Backoff(attempts);
            if (dead)
                logger.LogError(ex, "Email {EmailId} failed {Attempts} time(s) and is dead", email.Id, attempts);
            else
                logger.LogWarning(ex, "Email {EmailId} failed (attempt {Attempts}); retrying at {NextAttemptAt:o}", email.Id, attempts, next);
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            var updated = await db.OutgoingEmails
                .Where(e => e.Id == email.Id && e.LockedBy == instance)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.Attempts, attempts)
                    .SetProperty(e => e.LastError, error)
                    .SetProperty(e => e.Status, dead ? EmailStatus.Dead : EmailStatus.Pending)
                    .SetProperty(e => e.NextAttemptAt, next)
                    .SetProperty(e => e.LockedBy, (string?)null)
                    .SetProperty(e => e.LockedUntil, (DateTime?)null), CancellationToken.None);
            if (dead && updated == 1)
            {
                DeadLetters.Add(db, DeadLetters.Email, email.Id, email.To, email.Subject, attempts, error, now);
                await db.SaveChangesAsync(CancellationToken.None);
            }
            await transaction.CommitAsync(CancellationToken.None);
            return;
        }

        // The mail is out: record that even if the host is stopping.
        await db.OutgoingEmails
            .Where(e => e.Id == email.Id && e.LockedBy == instance)
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Attempts, attempts)
                .SetProperty(e => e.LastError, (string?)null)
                .SetProperty(e => e.Status, EmailStatus.Sent)
                .SetProperty(e => e.SentAt, clock.UtcNow)
                .SetProperty(e => e.LockedBy, (string?)null)
                .SetProperty(e => e.LockedUntil, (DateTime?)null), CancellationToken.None);
        logger.LogInformation("Email {EmailId} sent", email.Id);
    }

    /// <summary>Failures that no retry can fix: an unparsable address, or the server refusing with a 5xx reply.</summary>
    static bool IsPermanent(Exception ex) =>
        ex is ParseException || ex is SmtpCommandException { StatusCode: var code } && (int)code >= 500;
}
