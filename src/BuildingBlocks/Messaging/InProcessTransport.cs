using Microsoft.Extensions.DependencyInjection;

namespace TaskFlow.BuildingBlocks.Messaging;

/// <summary>
/// All-in-one transport: hands the envelope to every local consumer and returns only when all succeeded,
/// so the outbox row stays pending (and is retried) until every consumer has it. Consumers are idempotent,
/// so a retry after a partial failure re-applies nothing.
/// </summary>
public sealed class InProcessTransport(IServiceProvider services, IEnumerable<EventSubscription> subscriptions) : IEventTransport
{
    readonly ILookup<string, EventSubscription> byType = subscriptions.ToLookup(s => s.EventType);

    public async Task Publish(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        List<Exception>? failures = null;
        foreach (var subscription in byType[envelope.Type])
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                await subscription.Handle(scope.ServiceProvider, envelope, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                (failures ??= []).Add(ex);
            }
        }
        if (failures is not null) throw new AggregateException($"{failures.Count} consumer(s) of {envelope.Type} failed", failures);
    }
}
