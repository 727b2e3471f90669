using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.TestKit;

namespace TaskFlow.Platform.Tests.Messaging;

/// <summary>A transport that is down for its first <c>failures</c> publishes, then takes everything.</summary>
sealed class FlakyTransport(int failures) : IEventTransport
{
    int calls;

    public int Calls => Volatile.Read(ref calls);
    public ConcurrentQueue<EventEnvelope> Delivered { get; } = new();

    public Task Publish(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref calls) <= failures) throw new InvalidOperationException("broker unreachable");
        Delivered.Enqueue(envelope);
        return Task.CompletedTask;
    }
}

/// <summary>Records what one dispatcher sent, taking a little time per message so that concurrent dispatchers overlap.</summary>
sealed class RecordingTransport(ConcurrentDictionary<Guid, int> sends) : IEventTransport
{
    public int Count;

    public async Task Publish(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        await Task.Delay(1, cancellationToken);
        sends.AddOrUpdate(envelope.Id, 1, (_, n) => n + 1);
        Interlocked.Increment(ref Count);
    }
}

public abstract class OutboxInboxTests(Provider provider)
{
    [Fact]
    public async Task Outbox_retries_with_backoff_while_the_transport_fails_and_delivers_once_when_it_recovers()
    {
        await using var database = await MessagingDatabase.Create(provider);
        var transport = new FlakyTransport(failures: 3);
        var dispatcher = database.Dispatcher(transport);
        var pinged = new Pinged("hello");
        await database.Publish(pinged);

        // First attempt fails: the message stays, with the error and a retry time ~250 ms (±20 %) later.
        var before = DateTime.UtcNow;
        Assert.Equal(1, await dispatcher.DispatchBatch(CancellationToken.None));
        var after = DateTime.UtcNow;
        var row = await database.Query(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == pinged.EventId));
        Assert.Null(row.ProcessedAt);
        Assert.Equal(1, row.Attempts);
        Assert.Contains("broker unreachable", row.LastError, StringComparison.Ordinal);
        Assert.Null(row.LockedBy);
        Assert.InRange(row.NextAttemptAt!.Value, before.AddMilliseconds(199), after.AddMilliseconds(301));

        // Not due yet: a dispatcher pass right after the failure leaves it alone (unless this machine stalled past the retry time).
        if (DateTime.UtcNow < row.NextAttemptAt.Value.AddMilliseconds(-100))
            Assert.Equal(0, await dispatcher.DispatchBatch(CancellationToken.None));

        // Second failure: the delay doubles.
        await Wait.Until(() => dispatcher.DispatchBatch(CancellationToken.None), n => n == 1, "the retry to be due");
        var second = await database.Query(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == pinged.EventId));
        Assert.Equal(2, second.Attempts);
        Assert.Null(second.ProcessedAt);

        // The running dispatcher fails once more, then the transport is back and the message goes exactly once.
        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            var sent = await Wait.Until(
                () => database.Query(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == pinged.EventId)),
                m => m.ProcessedAt is not null, "the message to be sent");
            Assert.Equal(3, sent.Attempts);
            Assert.Null(sent.LastError);
            Assert.Null(sent.DeadLetteredAt);
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None);
        }
        var delivered = Assert.Single(transport.Delivered);
        Assert.Equal(pinged.EventId, delivered.Id);
        Assert.Equal(nameof(Pinged), delivered.Type);
        Assert.Equal(4, transport.Calls);
    }

    [Fact]
    public async Task Sent_rows_are_purged_after_the_retention_and_pending_ones_never()
    {
        await using var database = await MessagingDatabase.Create(provider);
        var dispatcher = database.Dispatcher(new FlakyTransport(failures: 0));
        var old = new Pinged("old");
        var recent = new Pinged("recent");
        await database.Publish(old);
        await database.Publish(recent);
        Assert.Equal(2, await dispatcher.DispatchBatch(CancellationToken.None));
        var pending = new Pinged("pending");
        await database.Publish(pending);

        var longAgo = DateTime.UtcNow.AddDays(-2);
        await database.Query(db => db.OutboxMessages.Where(m => m.Id == old.EventId)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.ProcessedAt, longAgo).SetProperty(m => m.OccurredAt, longAgo)));

        Assert.Equal(1, await dispatcher.PurgeSent(CancellationToken.None));
        var left = await database.Query(db => db.OutboxMessages.AsNoTracking().Select(m => m.Id).ToListAsync());
        Assert.Equal(2, left.Count);
        Assert.Contains(pending.EventId, left);
        Assert.Contains(recent.EventId, left);
        Assert.DoesNotContain(old.EventId, left);
    }

    [Fact]
    public async Task Backoff_grows_between_failed_attempts()
    {
        await using var database = await MessagingDatabase.Create(provider);
        var dispatcher = database.Dispatcher(new FlakyTransport(failures: int.MaxValue));
        var pinged = new Pinged("down");
        await database.Publish(pinged);

        var delays = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var before = DateTime.UtcNow;
            await Wait.Until(() => dispatcher.DispatchBatch(CancellationToken.None), n => n == 1, $"attempt {attempt}");
            var row = await database.Query(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == pinged.EventId));
            Assert.Equal(attempt, row.Attempts);
            delays.Add(row.NextAttemptAt!.Value - before);
        }
        // 250 ms, 500 ms, 1 s, each ±20 %: every delay at least 200 ms, and each one longer than the previous.
        Assert.True(delays[0] >= TimeSpan.FromMilliseconds(199), $"first delay {delays[0]}");
        Assert.True(delays[1] >= TimeSpan.FromMilliseconds(399), $"second delay {delays[1]}");
        Assert.True(delays[2] >= TimeSpan.FromMilliseconds(799), $"third delay {delays[2]}");
    }

    [Fact]
    public async Task Inbox_applies_a_message_delivered_twice_once()
    {
        await using var database = await MessagingDatabase.Create(provider);
        var transport = new InProcessTransport(database.Services, database.Services.GetServices<EventSubscription>());
        var pinged = new Pinged("once");
        var envelope = OutboxMessage.From(pinged, "corr-1").ToEnvelope();

        await transport.Publish(envelope, CancellationToken.None);
        await transport.Publish(envelope, CancellationToken.None);
        await Task.WhenAll(transport.Publish(envelope, CancellationToken.None), transport.Publish(envelope, CancellationToken.None));

        Assert.Equal(1, await database.Query(db => db.Applied.CountAsync(a => a.EventId == pinged.EventId)));
        var inbox = Assert.Single(await database.Query(db => db.InboxMessages.AsNoTracking().ToListAsync()));
        Assert.Equal(pinged.EventId, inbox.MessageId);
        Assert.Equal($"{MessagingDatabase.Service}.{nameof(PingedHandler)}", inbox.Consumer);
    }

    [Fact]
    public async Task Two_copies_of_a_message_arriving_at_once_are_applied_once()
    {
        await using var database = await MessagingDatabase.Create(provider);
        var subscription = database.Services.GetServices<EventSubscription>().Single();
        var pinged = new Pinged("race");
        var envelope = OutboxMessage.From(pinged, null).ToEnvelope();

        async Task Deliver()
        {
            await using var scope = database.Services.CreateAsyncScope();
            await subscription.Handle(scope.ServiceProvider, envelope, CancellationToken.None);
        }
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(Deliver)));

        Assert.Equal(1, await database.Query(db => db.Applied.CountAsync(a => a.EventId == pinged.EventId)));
    }

    [Fact]
    public async Task A_batch_with_a_failing_message_applies_the_others_once_and_reports_only_that_one()
    {
        await using var database = await MessagingDatabase.Create(provider);
        var transport = new InProcessTransport(database.Services, database.Services.GetServices<EventSubscription>());
        var first = new Pinged("first");
        var poison = new Pinged("poison");
        var last = new Pinged("last");
        Pinged[] batch = [first, poison, last];

        var results = await transport.PublishAll([.. batch.Select(e => OutboxMessage.From(e, null).ToEnvelope())], CancellationToken.None);

        Assert.Null(results[0]);
        Assert.NotNull(results[1]);
        Assert.Null(results[2]);
        var applied = await database.Query(db => db.Applied.AsNoTracking().Select(a => a.EventId).ToListAsync());
        Assert.Equal(new[] { first.EventId, last.EventId }.Order(), applied.Order());
        var inbox = await database.Query(db => db.InboxMessages.AsNoTracking().Select(m => m.MessageId).ToListAsync());
        Assert.Equal(new[] { first.EventId, last.EventId }.Order(), inbox.Order());

        // The outbox retries the batch: nothing applied twice.
        results = await transport.PublishAll([.. batch.Select(e => OutboxMessage.From(e, null).ToEnvelope())], CancellationToken.None);
        Assert.NotNull(results[1]);
        Assert.Equal(2, await database.Query(db => db.Applied.CountAsync()));
    }

    [Fact]
    public async Task Outbox_through_the_in_process_transport_applies_each_event_once()
    {
        await using var database = await MessagingDatabase.Create(provider);
        var dispatcher = database.Dispatcher(new InProcessTransport(database.Services, database.Services.GetServices<EventSubscription>()));
        var events = Enumerable.Range(0, 20).Select(i => new Pinged($"n{i}")).ToArray();
        await database.Publish(events);

        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            await Wait.Until(() => database.Query(db => db.OutboxMessages.CountAsync(m => m.ProcessedAt == null)), n => n == 0, "the outbox to drain");
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None);
        }
        var applied = await database.Query(db => db.Applied.AsNoTracking().ToListAsync());
        Assert.Equal(events.Select(e => e.EventId).Order(), applied.Select(a => a.EventId).Order());
    }
}

public sealed class SqliteOutboxInboxTests() : OutboxInboxTests(Provider.Sqlite);

public sealed class PostgresOutboxInboxTests() : OutboxInboxTests(Provider.Postgres)
{
    [Fact]
    public async Task Two_dispatchers_on_one_database_never_send_a_message_twice()
    {
        await using var database = await MessagingDatabase.Create(Provider.Postgres);
        var events = Enumerable.Range(0, 300).Select(i => (IntegrationEvent)new Pinged($"m{i}")).ToArray();
        foreach (var chunk in events.Chunk(100)) await database.Publish(chunk);

        var sends = new ConcurrentDictionary<Guid, int>();
        var first = new RecordingTransport(sends);
        var second = new RecordingTransport(sends);
        var dispatchers = new[] { database.Dispatcher(first), database.Dispatcher(second) };
        await Task.WhenAll(dispatchers.Select(d => d.StartAsync(CancellationToken.None)));
        try
        {
            await Wait.Until(() => database.Query(db => db.OutboxMessages.CountAsync(m => m.ProcessedAt == null)), n => n == 0, "the outbox to drain");
        }
        finally
        {
            await Task.WhenAll(dispatchers.Select(d => d.StopAsync(CancellationToken.None)));
        }

        Assert.Equal(events.Length, sends.Count);
        Assert.All(sends, s => Assert.Equal(1, s.Value));
        Assert.Equal(events.Length, first.Count + second.Count);
    }
}
