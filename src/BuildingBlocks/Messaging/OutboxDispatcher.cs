using System.Data.Common;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.BuildingBlocks.Messaging;

/// <summary>
/// Wakes the dispatcher after every SaveChanges so events leave at once instead of at the next poll, and again when
/// a caller's transaction commits (a SaveChanges inside one signals before its rows are visible to the dispatcher).
/// </summary>
public sealed class OutboxSignal<TDb> : SaveChangesInterceptor, IDbTransactionInterceptor where TDb : ServiceDb
{
    readonly Channel<bool> channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => channel.Writer.TryWrite(true);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        channel.Writer.TryWrite(true);
        return Task.CompletedTask;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        channel.Writer.TryWrite(true);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        channel.Writer.TryWrite(true);
        return result;
    }

    public async Task Wait(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await channel.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>
/// Sends the outbox of one database through the transport. Instances claim batches with a lease
/// (an UPDATE that only one of them can win), so several processes can share one database.
/// A failed send is retried with exponential backoff and marked dead after <see cref="MessagingOptions.OutboxMaxAttempts"/>.
/// </summary>
public sealed class OutboxDispatcher<TDb>(
    IServiceProvider services,
    IEventTransport transport,
    OutboxSignal<TDb> signal,
    IOptions<MessagingOptions> options,
    ILogger<OutboxDispatcher<TDb>> logger,
    LocalDeliveries? deliveries = null) : BackgroundService where TDb : ServiceDb
{
    readonly string instance = InstanceName();
    static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(5);

    /// <summary>Unique per dispatcher, within the 100 characters of <see cref="OutboxMessage.LockedBy"/>.</summary>
    static string InstanceName()
    {
        var name = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        // The random part must survive, so a long machine name is what gets cut.
        return name.Length <= 100 ? name : name[^100..];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var nextPurge = DateTime.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (DateTime.UtcNow >= nextPurge)
                {
                    await PurgeSent(stoppingToken);
                    nextPurge = DateTime.UtcNow + TimeSpan.FromMinutes(10);
                }
                var sent = await DispatchBatch(stoppingToken);
                if (sent > 0) continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Outbox dispatch of {DbContext} failed; retrying", typeof(TDb).Name);
            }
            await signal.Wait(options.Value.OutboxPollInterval, stoppingToken);
        }
    }

    /// <summary>
    /// Deletes rows sent longer ago than <see cref="MessagingOptions.OutboxRetention"/>: the table stays small, and
    /// payloads that carry one-time tokens (password reset, invitations) do not outlive their use.
    /// </summary>
    public async Task<int> PurgeSent(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        var before = DateTime.UtcNow - options.Value.OutboxRetention;
        return await db.OutboxMessages.Where(m => m.ProcessedAt != null && m.ProcessedAt < before).ExecuteDeleteAsync(ct);
    }

    public async Task<int> DispatchBatch(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        var now = DateTime.UtcNow;
        // A read first: an idle poll must not take SQLite's write lock from the requests.
        var due = await db.OutboxMessages.AnyAsync(m => m.ProcessedAt == null && m.DeadLetteredAt == null
            && (m.NextAttemptAt == null || m.NextAttemptAt <= now) && (m.LockedUntil == null || m.LockedUntil < now), ct);
        if (!due) return 0;

        var until = now + Lease;
        // One statement claims the batch (SQLite ≥ 3.35 and PostgreSQL both have UPDATE … RETURNING). The outer WHERE
        // repeats the conditions: on PostgreSQL a concurrent instance that picked the same rows waits for this
        // transaction and then re-checks them against the committed lease, so a row is never claimed twice.
        var claimed = (await db.OutboxMessages.FromSql($"""
                UPDATE "outbox_messages" SET "LockedBy" = {instance}, "LockedUntil" = {until}
                WHERE "Id" IN (
                    SELECT "Id" FROM "outbox_messages"
                    WHERE "ProcessedAt" IS NULL AND "DeadLetteredAt" IS NULL
                      AND ("NextAttemptAt" IS NULL OR "NextAttemptAt" <= {now}) AND ("LockedUntil" IS NULL OR "LockedUntil" < {now})
                    ORDER BY "OccurredAt" LIMIT 100)
                  AND "ProcessedAt" IS NULL AND "DeadLetteredAt" IS NULL
                  AND ("NextAttemptAt" IS NULL OR "NextAttemptAt" <= {now}) AND ("LockedUntil" IS NULL OR "LockedUntil" < {now})
                RETURNING *
                """).ToListAsync(ct))
            .OrderBy(m => m.OccurredAt)
            .ToList();
        if (claimed.Count == 0) return 0;

        // Once the lease is (nearly) over another instance may claim these; whatever is not sent by then is left to it rather than sent twice.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Max(TimeSpan.Zero, until - LeaseMargin - DateTime.UtcNow));
        var results = await transport.PublishAll([.. claimed.Select(m => m.ToEnvelope())], deadline.Token);
        for (var i = 0; i < claimed.Count; i++)
        {
            var message = claimed[i];
            switch (results[i])
            {
                case null:
                    message.ProcessedAt = DateTime.UtcNow;
                    message.LastError = null;
                    break;
                case OperationCanceledException when deadline.IsCancellationRequested:
                    // Not attempted: no attempt is counted and the row is free for the next pass.
                    break;
                case var ex:
                    message.Attempts++;
                    message.LastError = ex.GetType().Name + ": " + ex.Message;
                    if (message.Attempts >= options.Value.OutboxMaxAttempts)
                    {
                        message.DeadLetteredAt = DateTime.UtcNow;
                        logger.LogError(ex, "Outbox message {MessageId} ({Type}) failed {Attempts} times and is dead-lettered", message.Id, message.Type, message.Attempts);
                    }
                    else
                    {
                        message.NextAttemptAt = DateTime.UtcNow + Backoff(message.Attempts);
                        logger.LogWarning(ex, "Outbox message {MessageId} ({Type}) failed; attempt {Attempts}", message.Id, message.Type, message.Attempts);
                    }
                    break;
            }
            message.LockedBy = null;
            message.LockedUntil = null;
        }
        // One write for the whole batch: the outbox shares its database with the requests that fill it.
        await db.SaveChangesAsync(CancellationToken.None);
        deliveries?.Delivered(claimed.Where(m => m.ProcessedAt is not null).Select(m => m.Id));
        return claimed.Count;
    }

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(60_000, 250 * Math.Pow(2, attempt - 1)) * (0.8 + Random.Shared.NextDouble() * 0.4));
}
