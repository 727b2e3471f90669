using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Delivery;

namespace TaskFlow.Notifications.Sms;

/// <summary>Adds an <see cref="OutgoingSms"/> to the scope's DbContext (saved with the handler's inbox row) and wakes the dispatcher after the commit.</summary>
internal sealed class SmsQueue(NotificationsDb db, DispatchSignals signals, NotificationClock clock)
{
    bool hooked;

    public void Add(string messageKey, Guid recipientId, string to, string body, DateTime? notBefore = null)
    {
        var now = clock.UtcNow;
        db.OutgoingSms.Add(new OutgoingSms
        {
            MessageKey = messageKey,
            RecipientId = recipientId,
            To = to,
            Body = DeliveryOptions.Truncate(body, 1600),
            CreatedAt = now,
            NextAttemptAt = notBefore is { } at && at > now ? at : now,
        });
        if (!hooked)
        {
            db.SavedChanges += (_, _) => signals.Sms.Notify();
            hooked = true;
        }
    }
}

/// <summary>
/// Sends pending <see cref="OutgoingSms"/> rows through <see cref="ISmsSender"/>, claiming batches with a lease like the
/// email dispatcher. A transient failure is retried with backoff; a permanent one (invalid number) or the last attempt
/// makes the row dead and adds a <see cref="DeadLetter"/>.
/// </summary>
internal sealed class SmsDispatcher(
    IServiceProvider services,
    ISmsSender sender,
    DispatchSignals signals,
    NotificationClock clock,
    IOptions<SmsOptions> options,
    ILogger<SmsDispatcher> logger) : BackgroundService
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
                logger.LogWarning(ex, "SMS dispatch failed; retrying");
            }
            await signals.Sms.Wait(options.Value.PollInterval, stoppingToken);
        }
    }

    async Task<int> SendBatch(CancellationToken ct)
    {
        var settings = options.Value;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDb>();
        var now = clock.UtcNow;
        var candidates = await db.OutgoingSms
            .Where(m => m.Status == SmsStatus.Pending && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
            .OrderBy(m => m.NextAttemptAt)
            .Select(m => m.Id)
            .Take(settings.BatchSize)
            .ToListAsync(ct);
        if (candidates.Count == 0) return 0;

        var until = now + settings.Lease;
        await db.OutgoingSms
            .Where(m => candidates.Contains(m.Id) && m.Status == SmsStatus.Pending && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedBy, instance).SetProperty(m => m.LockedUntil, until), ct);
        var claimed = await db.OutgoingSms.AsNoTracking()
            .Where(m => candidates.Contains(m.Id) && m.LockedBy == instance && m.LockedUntil == until)
            .OrderBy(m => m.NextAttemptAt)
            .ToListAsync(ct);

        var margin = settings.Lease / 4;
        foreach (var sms in claimed)
        {
            if (clock.UtcNow > until - margin) break;
            await Send(db, sms, settings, ct);
        }
        return claimed.Count;
    }

    async Task Send(NotificationsDb db, OutgoingSms sms, SmsOptions settings, CancellationToken ct)
    {
        var attempts = sms.Attempts + 1;
        string providerId;
        try
        {
            providerId = await sender.Send(sms.To, settings.From, sms.Body, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var dead = attempts >= settings.MaxAttempts || ex is SmsSendException { Permanent: true };
            var error = DeliveryOptions.Truncate(ex is SmsSendException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}", 1000);
            var now = clock.UtcNow;
            var next = now + settings.Backoff(attempts);
            if (dead)
                logger.LogError(ex, "SMS {SmsId} failed {Attempts} time(s) and is dead", sms.Id, attempts);
            else
                logger.LogWarning(ex, "SMS {SmsId} failed (attempt {Attempts}); retrying at {NextAttemptAt:o}", sms.Id, attempts, next);
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            var updated = await db.OutgoingSms
                .Where(m => m.Id == sms.Id && m.LockedBy == instance)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Attempts, attempts)
                    .SetProperty(m => m.LastError, error)
                    .SetProperty(m => m.Status, dead ? SmsStatus.Dead : SmsStatus.Pending)
                    .SetProperty(m => m.NextAttemptAt, next)
                    .SetProperty(m => m.LockedBy, (string?)null)
                    .SetProperty(m => m.LockedUntil, (DateTime?)null), CancellationToken.None);
            if (dead && updated == 1)
            {
                DeadLetters.Add(db, DeadLetters.Sms, sms.Id, sms.To, sms.Body, attempts, error, now);
                await db.SaveChangesAsync(CancellationToken.None);
            }
            await transaction.CommitAsync(CancellationToken.None);
            return;
        }

        await db.OutgoingSms
            .Where(m => m.Id == sms.Id && m.LockedBy == instance)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Attempts, attempts)
                .SetProperty(m => m.LastError, (string?)null)
                .SetProperty(m => m.Status, SmsStatus.Sent)
                .SetProperty(m => m.ProviderId, DeliveryOptions.Truncate(providerId, 100))
                .SetProperty(m => m.SentAt, clock.UtcNow)
                .SetProperty(m => m.LockedBy, (string?)null)
                .SetProperty(m => m.LockedUntil, (DateTime?)null), CancellationToken.None);
        logger.LogInformation("SMS {SmsId} sent", sms.Id);
    }
}
