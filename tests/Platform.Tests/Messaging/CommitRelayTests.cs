using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.TestKit;

namespace TaskFlow.Platform.Tests.Messaging;

/// <summary>An event only pushes want (like NotificationCreated all-in-one).</summary>
public sealed record Shown(string Note) : IntegrationEvent;

/// <summary>
/// CommitRelay (all-in-one): standalone consumers get an event when its transaction commits, never for a transaction
/// that rolled back, and not a second time when the outbox delivers it; an event that only they want is stored as sent.
/// </summary>
public abstract class CommitRelayTests(Provider provider)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    readonly ConcurrentQueue<EventEnvelope> pushed = new();

    Task<MessagingDatabase> Create() => MessagingDatabase.Create(provider, services =>
    {
        foreach (var type in new[] { nameof(Pinged), nameof(Shown) })
            services.AddSingleton(new EventSubscription("pushes", $"pushes.{type}", type, (_, envelope, _) =>
            {
                pushed.Enqueue(envelope);
                return Task.CompletedTask;
            }, Standalone: true));
        services.AddSingleton<CommitRelay>();
        services.AddSingleton<CommitRelayInterceptor>();
    });

    int Pushes(IntegrationEvent e) => pushed.Count(p => p.Id == e.EventId);

    [Fact]
    public async Task A_committed_event_is_pushed_at_commit_and_not_again_by_the_outbox()
    {
        await using var database = await Create();
        var relay = database.Services.GetRequiredService<CommitRelay>();
        await relay.StartAsync(CancellationToken.None);
        var pinged = new Pinged("commit");
        await database.Publish(pinged);

        await Wait.Until(() => Task.FromResult(Pushes(pinged)), n => n == 1, "the push at commit");
        Assert.True(relay.WasRelayed(pinged.EventId));
        Assert.Equal(0, await database.Query(db => db.Applied.CountAsync(a => a.EventId == pinged.EventId)));

        var dispatcher = database.Dispatcher(new InProcessTransport(database.Services, database.Services.GetServices<EventSubscription>(), relay));
        await Wait.Until(() => dispatcher.DispatchBatch(CancellationToken.None), n => n == 1, "the outbox to send the event");
        Assert.Equal(1, await database.Query(db => db.Applied.CountAsync(a => a.EventId == pinged.EventId)));
        Assert.Equal(1, Pushes(pinged));
        await relay.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_rolled_back_transaction_pushes_nothing_and_a_committed_one_pushes_once()
    {
        await using var database = await Create();
        var relay = database.Services.GetRequiredService<CommitRelay>();
        await relay.StartAsync(CancellationToken.None);
        var rolledBack = new Pinged("rolled back");
        var abandoned = new Pinged("never committed");
        var committed = new Pinged("committed");
        await using (var scope = database.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MessagingTestDb>();
            await using (var transaction = await db.Database.BeginTransactionAsync(Ct))
            {
                db.Publish(rolledBack);
                await db.SaveChangesAsync(Ct);
                await transaction.RollbackAsync(Ct);
            }
            db.ChangeTracker.Clear();
            await using (var transaction = await db.Database.BeginTransactionAsync(Ct))
            {
                db.Publish(abandoned);
                await db.SaveChangesAsync(Ct);
            }
            db.ChangeTracker.Clear();
            await using (var transaction = await db.Database.BeginTransactionAsync(Ct))
            {
                db.Publish(committed);
                await db.SaveChangesAsync(Ct);
                Assert.Equal(0, Pushes(committed));
                await transaction.CommitAsync(Ct);
            }
        }

        // One lane in commit order: once the committed event is out, nothing earlier can still come.
        await Wait.Until(() => Task.FromResult(Pushes(committed)), n => n == 1, "the committed push");
        Assert.Equal(0, Pushes(rolledBack));
        Assert.Equal(0, Pushes(abandoned));
        Assert.Equal(0, await database.Query(db => db.OutboxMessages.CountAsync(m => m.Id == rolledBack.EventId || m.Id == abandoned.EventId)));
        await relay.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task An_event_only_pushes_want_is_stored_as_sent_and_pushed()
    {
        await using var database = await Create();
        var relay = database.Services.GetRequiredService<CommitRelay>();
        await relay.StartAsync(CancellationToken.None);
        var shown = new Shown("push only");
        var pinged = new Pinged("also written");
        await database.Publish(shown, pinged);

        await Wait.Until(() => Task.FromResult(Pushes(shown) + Pushes(pinged)), n => n == 2, "both pushes");
        var rows = await database.Query(db => db.OutboxMessages.AsNoTracking().ToListAsync());
        Assert.NotNull(rows.Single(m => m.Id == shown.EventId).ProcessedAt);
        Assert.Null(rows.Single(m => m.Id == pinged.EventId).ProcessedAt);
        await relay.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Without_the_relay_the_outbox_delivers_pushes_as_before()
    {
        await using var database = await MessagingDatabase.Create(provider, services =>
            services.AddSingleton(new EventSubscription("pushes", "pushes.Pinged", nameof(Pinged), (_, envelope, _) =>
            {
                pushed.Enqueue(envelope);
                return Task.CompletedTask;
            }, Standalone: true)));
        var pinged = new Pinged("outbox");
        await database.Publish(pinged);
        Assert.Equal(0, Pushes(pinged));

        var dispatcher = database.Dispatcher(new InProcessTransport(database.Services, database.Services.GetServices<EventSubscription>()));
        await Wait.Until(() => dispatcher.DispatchBatch(CancellationToken.None), n => n == 1, "the outbox to send the event");
        Assert.Equal(1, Pushes(pinged));
        Assert.Equal(1, await database.Query(db => db.Applied.CountAsync(a => a.EventId == pinged.EventId)));
    }
}

public sealed class SqliteCommitRelayTests() : CommitRelayTests(Provider.Sqlite);

public sealed class PostgresCommitRelayTests() : CommitRelayTests(Provider.Postgres);
