using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Text.Json;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.BuildingBlocks.Messaging;

/// <summary>Handles one integration event inside the consumer's DbContext transaction.</summary>
public interface IIntegrationEventHandler<in TEvent>
{
    Task Handle(TEvent integrationEvent, CancellationToken cancellationToken);
}

/// <summary>A consumer of one event type in one service; the transport calls it for every matching envelope.</summary>
/// <param name="Service">The service (module) name; scaled out, its queue is <c>taskflow.{Service}</c>.</param>
/// <param name="Consumer">Unique consumer name, also the inbox key.</param>
/// <param name="EventType">The event's wire name.</param>
/// <param name="Handle">Handles one envelope in the given scope.</param>
/// <param name="Database">The consumer's DbContext type, when it writes to one (the in-process transport applies a batch in one transaction of it).</param>
/// <param name="Standalone">
/// Writes nothing and needs no other consumer to have run first (a SignalR push): the in-process transport runs it
/// beside the others instead of after them.
/// </param>
public sealed record EventSubscription(string Service, string Consumer, string EventType, Func<IServiceProvider, EventEnvelope, CancellationToken, Task> Handle, bool Standalone = false, Type? Database = null);

/// <summary>Which consumers have handled which of a batch's messages, read in one query at the start of the batch's transaction.</summary>
internal sealed class InboxBatch(IEnumerable<Guid> messages, IEnumerable<(Guid MessageId, string Consumer)> handled)
{
    readonly HashSet<Guid> messages = [.. messages];
    readonly HashSet<(Guid, string)> handled = [.. handled];

    /// <summary>Whether <paramref name="consumer"/> has handled the message; null when the message is not in the batch.</summary>
    public bool? Handled(Guid messageId, string consumer) => messages.Contains(messageId) ? handled.Contains((messageId, consumer)) : null;
}

public static class EventHandlerRegistration
{
    /// <summary>
    /// Subscribes <typeparamref name="THandler"/> to <typeparamref name="TEvent"/> for <paramref name="service"/>.
    /// The handler's changes and the inbox row that marks the message handled are saved in one transaction,
    /// so a message delivered twice is applied once. <paramref name="handlerName"/> (default: the handler's type name) names
    /// the consumer <c>{service}.{handlerName}</c>, the inbox key: a generic handler shared by services gives its old name.
    /// </summary>
    public static IServiceCollection AddEventHandler<TDb, TEvent, THandler>(this IServiceCollection services, string service, string? handlerName = null)
        where TDb : ServiceDb
        where TEvent : class
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        services.AddScoped<THandler>();
        var consumer = $"{service}.{handlerName ?? typeof(THandler).Name}";
        services.AddSingleton(new EventSubscription(service, consumer, typeof(TEvent).Name, async (sp, envelope, ct) =>
        {
            var db = sp.GetRequiredService<TDb>();
            // In a batch the transport read the batch's inbox rows in one query (null: not in a batch, or not in this one).
            var handledInBatch = db.InboxBatch?.Handled(envelope.Id, consumer);
            if (handledInBatch == true) return;

            var integrationEvent = JsonSerializer.Deserialize<TEvent>(envelope.Payload, EventEnvelope.Json)
                ?? throw new InvalidOperationException($"Message {envelope.Id} has an empty payload.");
            var previous = CorrelationContext.Current;
            CorrelationContext.Current = envelope.CorrelationId;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(consumer);
            using var _ = logger.BeginScope(new Dictionary<string, object?> { ["CorrelationId"] = envelope.CorrelationId, ["MessageId"] = envelope.Id });
            var ownTransaction = db.Database.CurrentTransaction is null;
            try
            {
                // One transaction from the handler's first read (the in-process transport opens one per batch), so a
                // handler can lock rows or take locks that hold until its changes commit.
                await using var transaction = ownTransaction ? await db.Database.BeginTransactionAsync(ct) : null;
                // No savepoint around the save (two round trips on PostgreSQL): a failure rolls the whole delivery back.
                if (ownTransaction) db.Database.AutoSavepointsEnabled = false;
                // Alone: the inbox check is the transaction's first statement (BEGIN travels with it), on its connection.
                if (handledInBatch is null && await db.InboxMessages.AnyAsync(m => m.MessageId == envelope.Id && m.Consumer == consumer, ct)) return;
                await sp.GetRequiredService<THandler>().Handle(integrationEvent, ct);
                db.InboxMessages.Add(new InboxMessage { MessageId = envelope.Id, Consumer = consumer, HandledAt = DateTime.UtcNow });
                try
                {
                    await db.SaveChangesAsync(ct);
                    if (transaction is not null) await transaction.CommitAsync(ct);
                }
                catch (DbUpdateException) when (transaction is not null)
                {
                    // Another instance may have handled the same message concurrently; then its transaction won (and this
                    // one rolls back). In the transport's batch transaction (not ours) the error goes up instead: the batch
                    // rolls back and is applied one by one, each delivery in a transaction of its own (it runs without
                    // savepoints, so a failed statement cannot be undone alone).
                    if (!await AlreadyHandled<TDb>(sp, envelope.Id, consumer, ct)) throw;
                }
            }
            finally
            {
                // The context goes back to the pool (in a batch, the transport restores it when the batch ends).
                if (ownTransaction) db.Database.AutoSavepointsEnabled = true;
                CorrelationContext.Current = previous;
            }
        }, Database: typeof(TDb)));
        return services;
    }

    static async Task<bool> AlreadyHandled<TDb>(IServiceProvider sp, Guid messageId, string consumer, CancellationToken ct)
        where TDb : ServiceDb
    {
        await using var scope = sp.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        return await db.InboxMessages.AnyAsync(m => m.MessageId == messageId && m.Consumer == consumer, ct);
    }
}
