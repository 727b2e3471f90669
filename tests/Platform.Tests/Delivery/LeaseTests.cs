using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Platform.Tests.Messaging;
using TaskFlow.TestKit;

namespace TaskFlow.Platform.Tests.Delivery;

/// <summary>Publishes one message at a time, each taking <c>delay</c>: a batch that outlasts its lease.</summary>
sealed class SlowTransport(ConcurrentDictionary<Guid, int> sends, TimeSpan delay) : IEventTransport
{
    public int Count;

    public async Task Publish(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, cancellationToken);
        sends.AddOrUpdate(envelope.Id, 1, (_, n) => n + 1);
        Interlocked.Increment(ref Count);
    }
}

/// <summary>
/// The lease of the durable-delivery loop (BuildingBlocks/Delivery), through the outbox dispatcher: short, renewed while
/// the holder works, and all a dead holder keeps.
/// </summary>
public abstract class LeaseTests(Provider provider)
{
    static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Rows_of_a_claimer_that_stopped_renewing_are_delivered_by_another_within_a_lease()
    {
        await using var database = await MessagingDatabase.Create(provider);
        database.Messaging.OutboxLease = Lease;
        var events = Enumerable.Range(0, 5).Select(i => (IntegrationEvent)new Pinged($"held{i}")).ToArray();
        await database.Publish(events);
        // What a claim by a process that was then killed leaves behind: its name and a lease nobody renews.
        var heldUntil = DateTime.UtcNow + Lease;
        await database.Query(db => db.OutboxMessages.ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedBy, "dead-host:4242:0").SetProperty(m => m.LockedUntil, heldUntil)));

        var sends = new ConcurrentDictionary<Guid, int>();
        var dispatcher = database.Dispatcher(new RecordingTransport(sends));
        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            await Wait.Until(() => database.Query(db => db.OutboxMessages.CountAsync(m => m.ProcessedAt == null)), n => n == 0, "the held rows to be sent", TimeSpan.FromSeconds(15));
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None);
        }
        var sentAt = await database.Query(db => db.OutboxMessages.AsNoTracking().Select(m => m.ProcessedAt!.Value).ToListAsync());
        // Not before the dead holder's lease ended, and within a lease and a few polls of it (not the minutes leases used to be).
        Assert.All(sentAt, at => Assert.InRange(at, heldUntil, heldUntil + TimeSpan.FromSeconds(5)));
        Assert.Equal(events.Length, sends.Count);
        Assert.All(sends.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task A_claimer_working_longer_than_its_lease_keeps_its_rows_by_renewing_it()
    {
        await using var database = await MessagingDatabase.Create(provider);
        database.Messaging.OutboxLease = Lease;
        var events = Enumerable.Range(0, 3).Select(i => (IntegrationEvent)new Pinged($"slow{i}")).ToArray();
        await database.Publish(events);

        var sends = new ConcurrentDictionary<Guid, int>();
        // Three sends of 1.5 s: the batch takes more than twice the lease.
        var slow = new SlowTransport(sends, TimeSpan.FromMilliseconds(1500));
        var working = database.Dispatcher(slow);
        var batch = Task.Run(() => working.DispatchBatch(CancellationToken.None));
        await Wait.Until(() => database.Query(db => db.OutboxMessages.CountAsync(m => m.LockedBy != null)), n => n == events.Length, "the first dispatcher's claim");

        var fast = new RecordingTransport(sends);
        var other = database.Dispatcher(fast);
        await other.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal(events.Length, await batch);
            await Wait.Until(() => database.Query(db => db.OutboxMessages.CountAsync(m => m.ProcessedAt == null)), n => n == 0, "the outbox to drain");
        }
        finally
        {
            await other.StopAsync(CancellationToken.None);
        }
        // The slow holder sent its whole batch; the other instance, polling all along, never took a row from it.
        Assert.Equal(events.Length, slow.Count);
        Assert.Equal(0, fast.Count);
        Assert.All(sends.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, await database.Query(db => db.OutboxMessages.CountAsync(m => m.LockedBy != null)));
    }
}

public sealed class SqliteLeaseTests() : LeaseTests(Provider.Sqlite);

public sealed class PostgresLeaseTests() : LeaseTests(Provider.Postgres);
