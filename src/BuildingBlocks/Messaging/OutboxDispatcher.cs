using System.Data.Common;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Delivery;

namespace TaskFlow.BuildingBlocks.Messaging;

/// <summary>
/// Wakes the dispatcher after every SaveChanges so events leave at once instead of at the next poll, and again when
/// a caller's transaction commits (a SaveChanges inside one signals before its rows are visible to the dispatcher).
/// </summary>
public sealed class OutboxSignal<TDb> : SaveChangesInterceptor, IDbTransactionInterceptor where TDb : ServiceDb
{
    readonly DeliverySignal signal = new();

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => signal.Notify();

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        signal.Notify();
        return Task.CompletedTask;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        signal.Notify();
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        signal.Notify();
        return result;
    }

    public Task Wait(TimeSpan timeout, CancellationToken cancellationToken) => signal.Wait(timeout, cancellationToken);
}

/// <summary>
/// Sends the outbox of one database through the transport: a <see cref="DurableDelivery{TDb, TRow}"/> whose rows are
/// <see cref="OutboxMessage"/>s, sent a batch at a time (the transport overlaps the publishes) and recorded in one write.
/// A failed send is retried with exponential backoff and marked dead after <see cref="MessagingOptions.OutboxMaxAttempts"/>.
/// </summary>
public sealed class OutboxDispatcher<TDb>(
    IServiceProvider services,
    IEventTransport transport,
    OutboxSignal<TDb> signal,
    IOptions<MessagingOptions> options,
    ILogger<OutboxDispatcher<TDb>> logger,
    LocalDeliveries? deliveries = null) : DurableDelivery<TDb, OutboxMessage>(services, logger) where TDb : ServiceDb
{
    readonly IServiceProvider services = services;
    DateTime nextPurge = DateTime.UtcNow;

    protected override string Kind => "Outbox message";

    protected override DeliveryPolicy Policy =>
        new(options.Value.OutboxMaxAttempts, Backoff, options.Value.OutboxPollInterval, options.Value.OutboxLease, 100);

    protected override Expression<Func<OutboxMessage, bool>> Due(DateTime now) =>
        m => m.ProcessedAt == null && m.DeadLetteredAt == null && (m.NextAttemptAt == null || m.NextAttemptAt <= now);

    protected override Expression<Func<OutboxMessage, DateTime>> Order => m => m.OccurredAt;

    protected override bool OneAtATime => false;

    protected override Task<Exception?[]> SendBatch(TDb db, IReadOnlyList<OutboxMessage> rows, CancellationToken ct) =>
        transport.PublishAll([.. rows.Select(m => m.ToEnvelope())], ct);

    protected override void Succeeded(OutboxMessage row, DateTime now)
    {
        row.ProcessedAt = now;
        row.LastError = null;
        if (options.Value.ScrubbedOnceSent.Contains(row.Type)) row.Payload = "{}";
    }

    protected override void Retry(OutboxMessage row, string error, DateTime next, DateTime now)
    {
        row.LastError = error;
        row.NextAttemptAt = next;
    }

    protected override void Dead(TDb db, OutboxMessage row, string error, DateTime now)
    {
        row.LastError = error;
        row.DeadLetteredAt = now;
    }

    protected override void Recorded(IReadOnlyList<OutboxMessage> sent) => deliveries?.Delivered(sent.Select(m => m.Id));

    protected override Task Idle(TimeSpan pollInterval, CancellationToken ct) => signal.Wait(pollInterval, ct);

    protected override async Task Housekeeping(CancellationToken ct)
    {
        if (DateTime.UtcNow < nextPurge) return;
        await PurgeSent(ct);
        nextPurge = DateTime.UtcNow + TimeSpan.FromMinutes(10);
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

    static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(60_000, 250 * Math.Pow(2, attempt - 1)) * (0.8 + Random.Shared.NextDouble() * 0.4));
}
