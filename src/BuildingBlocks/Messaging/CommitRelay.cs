using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TaskFlow.BuildingBlocks.Messaging;

/// <summary>
/// All-in-one only: hands the events of a transaction to the standalone consumers (SignalR pushes) as soon as it
/// commits, instead of after the outbox dispatcher has claimed them and the consumers that write have applied the
/// events before them. Pushes are best effort anyway (ADR 0009), so this changes only when they happen: a push no
/// longer queues behind the database work of other events.
/// </summary>
/// <remarks>
/// One lane, in commit order, so a client sees the changes of one task in the order they were made. An event relayed
/// here is not pushed again when the outbox delivers it; an event that only standalone consumers want is written to
/// the outbox as already sent (<see cref="CommitRelayInterceptor"/>). If the process stops between the commit and the
/// push, the push is lost, as a push to a disconnected client is: clients refetch when they reconnect.
/// </remarks>
public sealed class CommitRelay(IServiceProvider services, IEnumerable<EventSubscription> subscriptions, ILogger<CommitRelay> logger) : BackgroundService
{
    static readonly TimeSpan Remembered = TimeSpan.FromMinutes(10);

    readonly ILookup<string, EventSubscription> standalone = subscriptions.Where(s => s.Standalone).ToLookup(s => s.EventType);
    readonly HashSet<string> written = [.. subscriptions.Where(s => !s.Standalone).Select(s => s.EventType)];
    readonly Channel<EventEnvelope> lane = Channel.CreateUnbounded<EventEnvelope>(new UnboundedChannelOptions { SingleReader = true });
    readonly ConcurrentDictionary<Guid, long> relayed = new();
    long nextSweep = Environment.TickCount64 + (long)Remembered.TotalMilliseconds;

    /// <summary>True when a standalone consumer wants events of this type.</summary>
    public bool Relays(string eventType) => standalone.Contains(eventType);

    /// <summary>True when only standalone consumers want events of this type: once relayed, nothing is left to send.</summary>
    public bool RelaysOnly(string eventType) => Relays(eventType) && !written.Contains(eventType);

    /// <summary>Whether the standalone consumers already had this event (the outbox then skips them).</summary>
    public bool WasRelayed(Guid messageId) => relayed.ContainsKey(messageId);

    internal void Committed(IEnumerable<EventEnvelope> envelopes)
    {
        var now = Environment.TickCount64;
        foreach (var envelope in envelopes)
        {
            relayed[envelope.Id] = now;
            lane.Writer.TryWrite(envelope);
        }
        if (now > Interlocked.Read(ref nextSweep))
        {
            Interlocked.Exchange(ref nextSweep, now + (long)Remembered.TotalMilliseconds);
            foreach (var (id, at) in relayed)
                if (now - at > Remembered.TotalMilliseconds) relayed.TryRemove(id, out _);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var envelope in lane.Reader.ReadAllAsync(stoppingToken))
        {
            foreach (var subscription in standalone[envelope.Type])
            {
                try
                {
                    await using var scope = services.CreateAsyncScope();
                    await subscription.Handle(scope.ServiceProvider, envelope, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "{Consumer} failed on {Type} {MessageId}", subscription.Consumer, envelope.Type, envelope.Id);
                }
            }
        }
    }
}

/// <summary>
/// Collects the outbox rows a DbContext writes and gives them to <see cref="CommitRelay"/> once their transaction has
/// committed: EF's own transaction of a SaveChanges, or the caller's (<c>BeginTransaction</c> … <c>Commit</c>). A rolled
/// back or abandoned transaction relays nothing.
/// </summary>
public sealed class CommitRelayInterceptor(CommitRelay relay) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    /// <summary>The outbox rows of the context's current unit of work, and the caller's transaction they belong to (null: none).</summary>
    sealed class Pending
    {
        public Guid? Transaction;
        public readonly List<EventEnvelope> Envelopes = [];
    }

    readonly ConditionalWeakTable<DbContext, Pending> pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        AfterSave(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        AfterSave(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Failed(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context, eventData.TransactionId);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context, eventData.TransactionId);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Discard(eventData.Context, eventData.TransactionId);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context, eventData.TransactionId);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Discard(eventData.Context, eventData.TransactionId);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context, eventData.TransactionId);
        return Task.CompletedTask;
    }

    void Collect(DbContext? context)
    {
        if (context is null) return;
        var transaction = context.Database.CurrentTransaction?.TransactionId;
        var state = pending.GetOrCreateValue(context);
        // Rows of an earlier unit of work that never committed (a transaction disposed without Commit) are dropped here.
        if (state.Transaction != transaction || transaction is null)
        {
            state.Transaction = transaction;
            state.Envelopes.Clear();
        }
        foreach (var entry in context.ChangeTracker.Entries<OutboxMessage>())
        {
            if (entry.State != EntityState.Added || !relay.Relays(entry.Entity.Type)) continue;
            if (relay.RelaysOnly(entry.Entity.Type)) entry.Entity.ProcessedAt ??= DateTime.UtcNow;
            state.Envelopes.Add(entry.Entity.ToEnvelope());
        }
    }

    /// <summary>Without a caller's transaction the rows are committed once SaveChanges returns.</summary>
    void AfterSave(DbContext? context)
    {
        if (context is not null && pending.TryGetValue(context, out var state) && state.Transaction is null) Flush(state);
    }

    void Failed(DbContext? context)
    {
        if (context is not null && pending.TryGetValue(context, out var state) && state.Transaction is null) state.Envelopes.Clear();
    }

    void Committed(DbContext? context, Guid transactionId)
    {
        // EF's own transaction of a SaveChanges commits before SavedChanges: those rows are relayed there (Transaction null).
        if (context is not null && pending.TryGetValue(context, out var state) && state.Transaction == transactionId) Flush(state);
    }

    void Discard(DbContext? context, Guid transactionId)
    {
        if (context is null || !pending.TryGetValue(context, out var state)) return;
        if (state.Transaction == transactionId || state.Transaction is null) state.Envelopes.Clear();
    }

    void Flush(Pending state)
    {
        if (state.Envelopes.Count == 0) return;
        relay.Committed([.. state.Envelopes]);
        state.Envelopes.Clear();
        state.Transaction = null;
    }
}
