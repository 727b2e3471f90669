using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.TestKit;

namespace TaskFlow.Platform.Tests.Messaging;

/// <summary>
/// What an event costs its consumer's database in the in-process transport's batch (issue 19): round trips per delivery,
/// counted from EF Core's events (every command, savepoint created or released, commit and rollback), and that the batch
/// still applies each event once.
/// </summary>
public sealed class ConsumerRoundTripTests
{
    const int Events = 20;

    [Theory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_batch_costs_one_round_trip_per_event_plus_the_inbox_read_and_the_commit(Provider provider)
    {
        await using var database = await MessagingDatabase.Create(provider);
        var transport = new InProcessTransport(database.Services, database.Services.GetServices<EventSubscription>());
        // One event already handled (a redelivery): the batch's inbox read skips it without a query of its own.
        var redelivered = new Pinged("before");
        await transport.Publish(OutboxMessage.From(redelivered, null).ToEnvelope(), CancellationToken.None);
        var events = Enumerable.Range(0, Events).Select(i => new Pinged($"n{i}")).Append(redelivered).ToArray();

        using var trips = new EfTrips();
        var results = await trips.Run(() => transport.PublishAll([.. events.Select(e => OutboxMessage.From(e, null).ToEnvelope())], CancellationToken.None));

        Assert.All(results, Assert.Null);
        TestContext.Current.TestOutputHelper?.WriteLine(trips.Describe());
        // Each new event: its consumer's SaveChanges (PostgreSQL: the side effect and the inbox row in one command; SQLite:
        // one command per statement, in process). Then one read of the batch's inbox rows and one COMMIT. Before
        // (2026-12-07; derived from the code, not run) each new event also had its own inbox query, a SAVEPOINT and a
        // RELEASE, and the redelivered one its inbox query: 4 × 20 + 1 + 1 = 82 on PostgreSQL, 5 × 20 + 1 + 1 = 102 on SQLite.
        Assert.Equal(provider == Provider.Postgres ? Events + 2 : 2 * Events + 2, trips.Count);
        Assert.Equal(0, trips.Savepoints);
        var applied = await database.Query(db => db.Applied.AsNoTracking().Select(a => a.EventId).ToListAsync());
        Assert.Equal(events.Select(e => e.EventId).Order(), applied.Order());
    }

    [Theory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_delivery_alone_costs_its_inbox_read_its_save_and_the_commit_without_savepoints(Provider provider)
    {
        // A delivery in a transaction of its own: RabbitMQ's consumers, and the in-process transport's one-by-one path.
        await using var database = await MessagingDatabase.Create(provider);
        var subscription = database.Services.GetServices<EventSubscription>().Single();
        var pinged = new Pinged("alone");
        var envelope = OutboxMessage.From(pinged, null).ToEnvelope();

        using var trips = new EfTrips();
        await trips.Run(async () =>
        {
            await using var scope = database.Services.CreateAsyncScope();
            await subscription.Handle(scope.ServiceProvider, envelope, CancellationToken.None);
            return true;
        });

        TestContext.Current.TestOutputHelper?.WriteLine(trips.Describe());
        // The inbox read (BEGIN travels with it), the save (PostgreSQL: one command; SQLite: one per row) and the COMMIT.
        // Before (2026-12-07): the inbox read ran before the transaction, and a SAVEPOINT and its RELEASE wrapped the save:
        // 5 on PostgreSQL, 6 on SQLite.
        Assert.Equal(0, trips.Savepoints);
        Assert.Equal(provider == Provider.Postgres ? 3 : 4, trips.Count);
        Assert.Equal(1, await database.Query(db => db.Applied.CountAsync(a => a.EventId == pinged.EventId)));

        // Delivered again: the inbox read finds it, nothing is written.
        await using (var scope = database.Services.CreateAsyncScope())
            await subscription.Handle(scope.ServiceProvider, envelope, CancellationToken.None);
        Assert.Equal(1, await database.Query(db => db.Applied.CountAsync(a => a.EventId == pinged.EventId)));
    }

    [Theory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task An_outbox_batch_costs_four_round_trips_of_its_own_on_postgresql(Provider provider)
    {
        await using var database = await MessagingDatabase.Create(provider);
        var transport = new InProcessTransport(database.Services, database.Services.GetServices<EventSubscription>());
        var dispatcher = database.Dispatcher(transport);
        var events = Enumerable.Range(0, 5).Select(i => new Pinged($"o{i}")).ToArray();
        await database.Publish(events);

        using var trips = new EfTrips();
        var claimed = await trips.Run(() => dispatcher.DispatchBatch(TestContext.Current.CancellationToken));

        TestContext.Current.TestOutputHelper?.WriteLine(trips.Describe());
        Assert.Equal(events.Length, claimed);
        Assert.Equal(0, trips.Savepoints);
        // The dispatcher on PostgreSQL: one UPDATE … RETURNING that polls, claims and reads the rows, then one transaction
        // that locks the rows still held, writes the outcomes and commits (4; before 2026-12-08 the due rows' ids, the
        // claim and the claimed rows were three statements: 6; before 2026-12-07 a SAVEPOINT and RELEASE made it 8).
        // SQLite keeps the read first (an idle poll must not take its write lock): 6 of its own.
        // The consumers' batch: its inbox read, one save per event and the commit (7). SQLite runs one command per row
        // written: the outcomes are 5 commands, and each event's save 2 (its side effect and its inbox row).
        Assert.Equal(provider == Provider.Postgres ? 4 + 7 : (5 + events.Length) + (2 + 2 * events.Length), trips.Count);
        var applied = await database.Query(db => db.Applied.AsNoTracking().Select(a => a.EventId).ToListAsync());
        Assert.Equal(events.Select(e => e.EventId).Order(), applied.Order());
    }

    [Theory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Only_a_committed_save_that_wrote_events_wakes_the_outbox_dispatcher(Provider provider)
    {
        var ct = TestContext.Current.CancellationToken;
        // Each wake is an outbox query; a consumer's save (its copy and inbox row) has nothing to send.
        await using var database = await MessagingDatabase.Create(provider);
        var signal = database.Services.GetRequiredService<OutboxSignal<MessagingTestDb>>();
        await using var scope = database.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingTestDb>();

        db.Applied.Add(new Applied { EventId = Guid.NewGuid(), Note = "no event" });
        await db.SaveChangesAsync(ct);
        Assert.Equal(0, signal.Wakes);

        db.Publish(new Pinged("sent"));
        await db.SaveChangesAsync(ct);
        Assert.Equal(1, signal.Wakes);

        // In a caller's transaction: at the commit (before it the rows are not visible to the dispatcher).
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.Publish(new Pinged("in a transaction"));
            await db.SaveChangesAsync(ct);
            Assert.Equal(1, signal.Wakes);
            await transaction.CommitAsync(ct);
        }
        Assert.Equal(2, signal.Wakes);

        // Rolled back: nothing to send, and the next commit without events wakes nothing either.
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.Publish(new Pinged("rolled back"));
            await db.SaveChangesAsync(ct);
            await transaction.RollbackAsync(ct);
        }
        db.ChangeTracker.Clear();
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.Applied.Add(new Applied { EventId = Guid.NewGuid(), Note = "no event either" });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        Assert.Equal(2, signal.Wakes);
    }
}

/// <summary>EF Core's database work under one activity: commands, savepoints, commits and rollbacks (each a round trip).</summary>
sealed class EfTrips : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    readonly IDisposable allListeners;
    readonly List<IDisposable> subscriptions = [];
    readonly Lock gate = new();
    readonly List<string> trips = [];
    ActivityTraceId trace;

    public EfTrips() => allListeners = DiagnosticListener.AllListeners.Subscribe(this);

    public int Count
    {
        get
        {
            lock (gate) return trips.Count;
        }
    }

    public int Savepoints
    {
        get
        {
            lock (gate) return trips.Count(t => t.StartsWith("SAVEPOINT", StringComparison.Ordinal) || t.StartsWith("RELEASE", StringComparison.Ordinal));
        }
    }

    public async Task<T> Run<T>(Func<Task<T>> work)
    {
        using var activity = new Activity("consumer-round-trips").Start();
        trace = activity.TraceId;
        return await work();
    }

    public string Describe()
    {
        lock (gate) return $"{trips.Count} round trips:\n{string.Join("\n", trips.Select((t, i) => $"-- {i + 1}\n{t}"))}";
    }

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name) lock (gate) subscriptions.Add(value.Subscribe(this));
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (trace == default || Activity.Current?.TraceId != trace) return;
        string? trip = value.Key switch
        {
            _ when value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandExecutedEventData c => c.Command.CommandText,
            _ when value.Key == RelationalEventId.CreatedTransactionSavepoint.Name => "SAVEPOINT",
            _ when value.Key == RelationalEventId.ReleasedTransactionSavepoint.Name => "RELEASE SAVEPOINT",
            _ when value.Key == RelationalEventId.TransactionCommitted.Name => "COMMIT",
            _ when value.Key == RelationalEventId.TransactionRolledBack.Name => "ROLLBACK",
            _ => null,
        };
        if (trip is not null) lock (gate) trips.Add(trip);
    }

    public void OnCompleted() { }

    public void OnError(Exception error) { }

    public void Dispose()
    {
        allListeners.Dispose();
        lock (gate)
            foreach (var subscription in subscriptions) subscription.Dispose();
    }
}
