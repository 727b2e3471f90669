using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Notifications.Data;
using TaskFlow.Tasks.Contracts;

namespace TaskFlow.Notifications.Tests;

/// <summary>
/// What a status change costs the notifications service when nobody is to be told (issue 19: most moves are made by the
/// task's only watcher): the delivery's own round trips and nothing else.
/// </summary>
public abstract class StatusChangeRoundTripTests(NotificationsApp app)
{
    [Fact]
    public async Task A_move_by_its_only_watcher_costs_only_the_deliverys_own_round_trips()
    {
        var ct = TestContext.Current.CancellationToken;
        var subscription = app.Services.GetServices<EventSubscription>()
            .Single(s => s.EventType == nameof(TaskMoved) && s.Consumer.EndsWith(".StatusChangedHandler", StringComparison.Ordinal));
        var actor = Guid.NewGuid();
        var moved = new TaskMoved(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "a0", actor, Guid.NewGuid(), "RT-1", "Round trips", [actor]);
        var envelope = OutboxMessage.From(moved, null).ToEnvelope();

        using var commands = new EfCommands();
        await using (var probe = app.Services.CreateAsyncScope())
        {
            var probeDb = probe.ServiceProvider.GetRequiredService<NotificationsDb>();
            await commands.Ready(probeDb, () => probeDb.InboxMessages.AnyAsync(ct));
        }
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // The handler's context: the scope's one (commands of the host's background work are not counted).
            commands.Count(scope.ServiceProvider.GetRequiredService<NotificationsDb>());
            await subscription.Handle(scope.ServiceProvider, envelope, ct);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(commands.Describe());
        // The inbox read (BEGIN travels with it), the inbox row and the COMMIT. Before (2026-12-08) the handler read the
        // actor's display name first, for a notification nobody was to get: 4.
        Assert.Equal(3, commands.Seen);
        Assert.Equal(1, await app.Query(db => db.InboxMessages.CountAsync(m => m.MessageId == envelope.Id, ct)));
        Assert.Equal(0, await app.Query(db => db.Notifications.CountAsync(n => n.TaskId == moved.TaskId, ct)));
    }
}

public sealed class SqliteStatusChangeRoundTripTests(SqliteNotificationsApp app) : StatusChangeRoundTripTests(app), IClassFixture<SqliteNotificationsApp>;

// Not on PostgreSQL yet: in the shared host the handler's commands were not seen by the listener there (only its COMMIT),
// though the probe's were; not understood yet (2026-12-08). The drained bench counts the same cut on PostgreSQL.

/// <summary>EF Core's commands, savepoints, commits and rollbacks of one DbContext (each a round trip on PostgreSQL).</summary>
sealed class EfCommands : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    readonly IDisposable allListeners;
    readonly List<IDisposable> subscriptions = [];
    readonly Lock gate = new();
    readonly List<string> trips = [];
    DbContext? target;

    public EfCommands() => allListeners = DiagnosticListener.AllListeners.Subscribe(this);

    public int Seen
    {
        get
        {
            lock (gate) return trips.Count;
        }
    }

    /// <summary>Counts from now on what <paramref name="context"/> sends.</summary>
    public void Count(DbContext context)
    {
        lock (gate)
        {
            trips.Clear();
            target = context;
        }
    }

    /// <summary>
    /// EF Core caches for a while whether an event is logged (its logging cache time): in a host that has run without this
    /// listener, commands go unseen until then. Runs <paramref name="probe"/> on <paramref name="context"/> until one of its
    /// commands is seen.
    /// </summary>
    public async Task Ready(DbContext context, Func<Task> probe)
    {
        Count(context);
        for (var i = 0; i < 400 && Seen == 0; i++)
        {
            await probe();
            if (Seen == 0) await Task.Delay(25);
        }
        if (Seen == 0) throw new InvalidOperationException("EF Core's commands were never seen.");
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
        if (value.Value is not DbContextEventData data || data.Context is null) return;
        string? trip = value.Key switch
        {
            _ when value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandExecutedEventData c => c.Command.CommandText,
            _ when value.Key == RelationalEventId.CreatedTransactionSavepoint.Name => "SAVEPOINT",
            _ when value.Key == RelationalEventId.ReleasedTransactionSavepoint.Name => "RELEASE SAVEPOINT",
            _ when value.Key == RelationalEventId.TransactionCommitted.Name => "COMMIT",
            _ when value.Key == RelationalEventId.TransactionRolledBack.Name => "ROLLBACK",
            _ => null,
        };
        if (trip is null) return;
        lock (gate)
            if (ReferenceEquals(data.Context, target)) trips.Add(trip);
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
