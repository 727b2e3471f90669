using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.BuildingBlocks.Messaging;

/// <summary>
/// All-in-one (in-process transport): lets a write answer only once every local consumer has applied the events it
/// published, so its 2xx means the other services' copies already have the change: a member removed is out everywhere,
/// a workspace created is known everywhere (docs/adr/0005). The outbox dispatcher reports each delivered row here after
/// saving it. Scaled out there is nothing local to wait for, and a write answers as soon as it commits.
/// </summary>
public sealed class LocalDeliveries
{
    readonly ConcurrentDictionary<Guid, TaskCompletionSource> waiting = new();

    internal void Delivered(IEnumerable<Guid> messageIds)
    {
        foreach (var id in messageIds)
            if (waiting.TryRemove(id, out var done)) done.TrySetResult();
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) until the outbox rows <paramref name="messageIds"/> of <paramref name="db"/> are delivered.</summary>
    public async Task WaitFor(ServiceDb db, IReadOnlyList<Guid> messageIds, TimeSpan timeout, CancellationToken ct)
    {
        var signals = messageIds.Select(id => waiting.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task).ToList();
        try
        {
            // Delivered before we listened? The dispatcher reports only after it saved ProcessedAt, so the table tells.
            var pending = await db.OutboxMessages.AsNoTracking()
                .CountAsync(m => messageIds.Contains(m.Id) && m.ProcessedAt == null && m.DeadLetteredAt == null, ct);
            if (pending == 0) return;
            await Task.WhenAll(signals).WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            // A slow or failing consumer: the write stands; its copies follow when the outbox delivers (eventual, as scaled out).
        }
        finally
        {
            foreach (var id in messageIds) waiting.TryRemove(id, out _);
        }
    }
}

public static class LocalDeliveriesSetup
{
    /// <summary>
    /// After the endpoint ran, waits until the in-process consumers applied the events it published through
    /// <typeparamref name="TDb"/> (at most <c>Messaging:LocalConsumerWait</c>). No effect with a broker transport.
    /// </summary>
    public static TBuilder WaitForLocalConsumers<TDb, TBuilder>(this TBuilder builder) where TDb : ServiceDb where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var services = context.HttpContext.RequestServices;
            if (services.GetService<LocalDeliveries>() is not { } deliveries || services.GetService<IEventTransport>() is not InProcessTransport) return result;
            var db = services.GetRequiredService<TDb>();
            var published = db.ChangeTracker.Entries<OutboxMessage>().Where(e => e.State == EntityState.Unchanged).Select(e => e.Entity.Id).ToList();
            if (published.Count == 0) return result;
            var timeout = services.GetRequiredService<IOptions<MessagingOptions>>().Value.LocalConsumerWait;
            await deliveries.WaitFor(db, published, timeout, context.HttpContext.RequestAborted);
            return result;
        });
}
