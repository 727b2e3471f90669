using Microsoft.Extensions.DependencyInjection;

namespace TaskFlow.BuildingBlocks.Messaging;

/// <summary>
/// All-in-one transport: hands each envelope to every local consumer and reports it sent only when all of them
/// succeeded, so the outbox row stays pending (and is retried) until every consumer has it. Consumers are idempotent,
/// so a retry after a partial failure re-applies nothing.
/// </summary>
/// <remarks>
/// A batch runs in lanes side by side: one lane takes the envelopes in outbox order and hands each to the consumers that
/// write (in registration order, as before: a service registered later sees an event only after the earlier ones have
/// applied it), and every standalone consumer (a SignalR push) has a lane of its own. A push then no longer waits
/// behind the database consumers of the same event, and a batch costs its slowest lane rather than the sum of all.
/// </remarks>
public sealed class InProcessTransport(IServiceProvider services, IEnumerable<EventSubscription> subscriptions, CommitRelay? relay = null) : IEventTransport
{
    readonly ILookup<string, EventSubscription> byType = subscriptions.ToLookup(s => s.EventType);

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
            foreach (var (subscription, envelope, index) in lane)
            {
                var failure = await Deliver(subscription, envelope, cancellationToken);
                if (failure is null) continue;
                lock (failures) (failures[index] ??= []).Add(failure);
            }
        }, CancellationToken.None)));

        return [.. failures.Select((failed, index) => failed switch
        {
            null => null,
            _ when failed.Any(f => f is OperationCanceledException) => new OperationCanceledException("Delivery was cancelled before every consumer had it.", null, cancellationToken),
            _ => (Exception)new AggregateException($"{failed.Count} consumer(s) of {envelopes[index].Type} failed", failed),
        })];
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
