using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;
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
        await commands.Run(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            await subscription.Handle(scope.ServiceProvider, envelope, ct);
        });

        TestContext.Current.TestOutputHelper?.WriteLine(commands.Describe());
        // The inbox read (BEGIN travels with it), the inbox row and the COMMIT. Before (2026-12-08) the handler read the
        // actor's display name first, for a notification nobody was to get: 4.
        Assert.Equal(3, commands.Count);
        Assert.Equal(1, await app.Query(db => db.InboxMessages.CountAsync(m => m.MessageId == envelope.Id, ct)));
        Assert.Equal(0, await app.Query(db => db.Notifications.CountAsync(n => n.TaskId == moved.TaskId, ct)));
    }
}

public sealed class SqliteStatusChangeRoundTripTests(SqliteNotificationsApp app) : StatusChangeRoundTripTests(app), IClassFixture<SqliteNotificationsApp>;

public sealed class PostgresStatusChangeRoundTripTests(PostgresNotificationsApp app) : StatusChangeRoundTripTests(app), IClassFixture<PostgresNotificationsApp>;

/// <summary>EF Core's commands and commits under one activity (each a round trip on PostgreSQL).</summary>
sealed class EfCommands : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    readonly IDisposable allListeners;
    readonly List<IDisposable> subscriptions = [];
    readonly Lock gate = new();
    readonly List<string> trips = [];
    ActivityTraceId trace;

    public EfCommands() => allListeners = DiagnosticListener.AllListeners.Subscribe(this);

    public int Count
    {
        get
        {
            lock (gate) return trips.Count;
        }
    }

    public async Task Run(Func<Task> work)
    {
        using var activity = new Activity("notification-round-trips").Start();
        trace = activity.TraceId;
        await work();
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
