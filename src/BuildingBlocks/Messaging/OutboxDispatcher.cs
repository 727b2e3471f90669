using System.Data.Common;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
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
/// Wakes the dispatcher when a save wrote outbox rows, so events leave at once instead of at the next poll: after the
/// SaveChanges, or when the caller's transaction commits (a SaveChanges inside one signals before its rows are visible
/// to the dispatcher). A save that wrote no event (an inbox row, a consumer's copy) wakes nothing: a wake is an outbox
/// query (issue 19: the consumers' own saves woke their services' dispatchers about twice per event).
/// </summary>
public sealed class OutboxSignal<TDb> : SaveChangesInterceptor, IDbTransactionInterceptor where TDb : ServiceDb
{
    readonly DeliverySignal signal = new();
    /// <summary>The contexts whose current transaction has written outbox rows not yet signalled.</summary>
    readonly ConditionalWeakTable<DbContext, object> written = [];
    long wakes;

    /// <summary>How many times a save or commit has woken the dispatcher (diagnostics and tests).</summary>
    public long Wakes => Interlocked.Read(ref wakes);

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Note(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Note(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Wake(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Wake(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public Task Wait(TimeSpan timeout, CancellationToken cancellationToken) => signal.Wait(timeout, cancellationToken);

    /// <summary>Before a save: does it add outbox rows still to send (not those written as already relayed)?</summary>
    void Note(DbContext? context)
    {
        if (context is null) return;
        foreach (var entry in context.ChangeTracker.Entries<OutboxMessage>())
            if (entry.State == EntityState.Added && entry.Entity.ProcessedAt is null)
            {
                written.AddOrUpdate(context, this);
                return;
            }
    }

    /// <summary>Outside a caller's transaction the rows are committed once SaveChanges returns.</summary>
    void Saved(DbContext? context)
    {
        if (context?.Database.CurrentTransaction is null) Wake(context);
    }

    void Wake(DbContext? context)
    {
        if (context is null || !written.Remove(context)) return;
        Interlocked.Increment(ref wakes);
        signal.Notify();
    }

    void Forget(DbContext? context)
    {
        if (context is not null) written.Remove(context);
    }
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

    protected override (string Due, string OrderColumn)? DueSql =>
        ("\"ProcessedAt\" IS NULL AND \"DeadLetteredAt\" IS NULL AND (\"NextAttemptAt\" IS NULL OR \"NextAttemptAt\" <= {0})", "OccurredAt");

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
