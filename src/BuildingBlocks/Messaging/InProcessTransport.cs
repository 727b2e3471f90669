using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.BuildingBlocks.Messaging;

/// <summary>
/// All-in-one transport: hands each envelope to every local consumer and reports it sent only when all of them
/// succeeded, so the outbox row stays pending (and is retried) until every consumer has it. Consumers are idempotent,
/// so a retry after a partial failure re-applies nothing.
/// </summary>
/// <remarks>
/// A batch runs in lanes side by side: one lane hands the envelopes to the consumers that write, service after service
/// in registration order (a service registered later sees an event only after the earlier ones have applied it), each
/// service's deliveries in outbox order and in one transaction (<see cref="Apply"/>); every standalone consumer (a
/// SignalR push) has a lane of its own, and skips what <see cref="CommitRelay"/> already pushed at commit.
/// </remarks>
public sealed class InProcessTransport(IServiceProvider services, IEnumerable<EventSubscription> subscriptions, CommitRelay? relay = null) : IEventTransport
{
    readonly ILookup<string, EventSubscription> byType = subscriptions.ToLookup(s => s.EventType);
    readonly Dictionary<string, int> serviceOrder = subscriptions.Select(s => s.Service).Distinct().Select((service, i) => (service, i)).ToDictionary(x => x.service, x => x.i);

    public async Task Publish(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        var result = (await PublishAll([envelope], cancellationToken))[0];
        if (result is not null) throw result;
    }

    public async Task<Exception?[]> PublishAll(IReadOnlyList<EventEnvelope> envelopes, CancellationToken cancellationToken)
    {
        var failures = new List<Exception>?[envelopes.Count];
        var lanes = envelopes
            .SelectMany((envelope, index) => byType[envelope.Type]
                // A push that went out at commit (CommitRelay) is not repeated.
                .Where(subscription => !(subscription.Standalone && relay?.WasRelayed(envelope.Id) == true))
                .Select(subscription => (subscription, envelope, index)))
            .GroupBy(delivery => delivery.subscription.Standalone ? delivery.subscription.Consumer : "");
        await Task.WhenAll(lanes.Select(lane => Task.Run(async () =>
        {
            void Failed(int index, Exception failure)
            {
                lock (failures) (failures[index] ??= []).Add(failure);
            }
            if (lane.Key != "")
            {
                foreach (var (subscription, envelope, index) in lane)
                    if (await Deliver(subscription, envelope, cancellationToken) is { } failure) Failed(index, failure);
                return;
            }
            // The consumers that write: service after service (in registration order), each service's deliveries in
            // outbox order, in one transaction of its database (see Apply).
            foreach (var service in lane.GroupBy(delivery => delivery.subscription.Service).OrderBy(g => serviceOrder[g.Key]))
                foreach (var (index, failure) in await Apply([.. service], cancellationToken))
                    Failed(index, failure);
        }, CancellationToken.None)));

        return [.. failures.Select((failed, index) => failed switch
        {
            null => null,
            _ when failed.Any(f => f is OperationCanceledException) => new OperationCanceledException("Delivery was cancelled before every consumer had it.", null, cancellationToken),
            _ => (Exception)new AggregateException($"{failed.Count} consumer(s) of {envelopes[index].Type} failed", failed),
        })];
    }

    /// <summary>
    /// Applies one service's deliveries of a batch in one transaction of its database: each consumer still saves its
    /// changes with its inbox row, but the batch commits once (a commit per event bounded the all-in-one drain rate,
    /// ~33 events/s on PostgreSQL). Any failure rolls the whole batch back and it is applied again message by message,
    /// each in a transaction of its own, so only the failing deliveries are reported (and retried by the outbox).
    /// </summary>
    async Task<List<(int Index, Exception Failure)>> Apply(List<(EventSubscription subscription, EventEnvelope envelope, int index)> deliveries, CancellationToken cancellationToken)
    {
        var failures = new List<(int, Exception)>();
        if (deliveries.Count > 1 && deliveries[0].subscription.Database is { } database && deliveries.All(d => d.subscription.Database == database))
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                await using var scope = services.CreateAsyncScope();
                var db = (DbContext)scope.ServiceProvider.GetRequiredService(database);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                // No savepoint around each consumer's SaveChanges (two round trips per delivery on PostgreSQL): a failure
                // rolls the whole batch back anyway and it is applied again one by one.
                db.Database.AutoSavepointsEnabled = false;
                var serviceDb = db as ServiceDb;
                try
                {
                    if (serviceDb is not null)
                    {
                        // Every consumer's inbox check of the batch in one query, in the batch's transaction (a concurrent
                        // handler that commits after it is stopped by the inbox key: the batch then rolls back).
                        var ids = deliveries.Select(d => d.envelope.Id).Distinct().ToList();
                        var handled = await serviceDb.InboxMessages.AsNoTracking().Where(m => ids.Contains(m.MessageId))
                            .Select(m => new { m.MessageId, m.Consumer }).ToListAsync(cancellationToken);
                        serviceDb.InboxBatch = new InboxBatch(ids, handled.Select(h => (h.MessageId, h.Consumer)));
                    }
                    foreach (var (subscription, envelope, _) in deliveries)
                    {
                        await subscription.Handle(scope.ServiceProvider, envelope, cancellationToken);
                        // Each delivery starts from what is in the database, as it would in a scope of its own.
                        db.ChangeTracker.Clear();
                    }
                    await transaction.CommitAsync(cancellationToken);
                }
                finally
                {
                    // The context goes back to the pool: nothing of the batch may outlive it.
                    if (serviceDb is not null) serviceDb.InboxBatch = null;
                    db.Database.AutoSavepointsEnabled = true;
                }
                return failures;
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // Out of time (the lease): not attempted, the outbox tries the batch again.
                var cancelled = new OperationCanceledException("The batch ran out of time.", null, cancellationToken);
                foreach (var (_, _, index) in deliveries) failures.Add((index, cancelled));
                return failures;
            }
            catch (Exception)
            {
                // Rolled back: one by one below.
            }
        }
        foreach (var (subscription, envelope, index) in deliveries)
            if (await Deliver(subscription, envelope, cancellationToken) is { } failure) failures.Add((index, failure));
        return failures;
    }

    async Task<Exception?> Deliver(EventSubscription subscription, EventEnvelope envelope, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var scope = services.CreateAsyncScope();
            await subscription.Handle(scope.ServiceProvider, envelope, cancellationToken);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
