namespace TaskFlow.BuildingBlocks.Messaging;

/// <summary>Moves envelopes from an outbox to the consumers. In-process all-in-one, RabbitMQ scaled out; SQS can follow.</summary>
public interface IEventTransport
{
    /// <summary>Returns once the transport has taken responsibility for the message (a broker confirm, or every local consumer done).</summary>
    Task Publish(EventEnvelope envelope, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes a batch in order and reports, per envelope, null when the transport has taken it or the failure.
    /// An <see cref="OperationCanceledException"/> means "not attempted" (the batch ran out of time): retry it without
    /// counting an attempt. Transports that can overlap work override this.
    /// </summary>
    async Task<Exception?[]> PublishAll(IReadOnlyList<EventEnvelope> envelopes, CancellationToken cancellationToken)
    {
        var results = new Exception?[envelopes.Count];
        for (var i = 0; i < envelopes.Count; i++)
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                await Publish(envelopes[i], cancellationToken);
            }
            catch (Exception ex)
            {
                results[i] = ex;
            }
        }
        return results;
    }
}

public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary><c>InProcess</c> (all-in-one) or <c>RabbitMQ</c>.</summary>
    public string Transport { get; set; } = "InProcess";

    public string RabbitMQ { get; set; } = "amqp://guest:guest@127.0.0.1:5672/";

    public string Exchange { get; set; } = "taskflow.events";

    /// <summary>Start of every service's queue name (<c>{QueuePrefix}.{service}</c>); one per installation sharing a broker (the shop uses <c>shop</c>).</summary>
    public string QueuePrefix { get; set; } = "taskflow";

    /// <summary>Deliveries of one service's queue handled at the same time by one instance (RabbitMQ).</summary>
    public int ConsumerConcurrency { get; set; } = 4;

    /// <summary>Deliveries of one message to a failing consumer before the broker moves it to the dead-letter queue.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Failed sends of one outbox row before it is marked dead. Backoff is capped at a minute, so the default
    /// rides out a broker outage of well over an hour without losing an event.
    /// </summary>
    public int OutboxMaxAttempts { get; set; } = 100;

    /// <summary>
    /// Wire names of events whose outbox row keeps no payload once sent (it stays, empty, for inspection): an event that
    /// carries a deleted user's address to the services that erase it (UserDeleted) must not keep it for the retention.
    /// </summary>
    public HashSet<string> ScrubbedOnceSent { get; } = new(StringComparer.Ordinal);

    /// <summary>How long sent outbox rows are kept (for inspection) before they are deleted.</summary>
    public TimeSpan OutboxRetention { get; set; } = TimeSpan.FromDays(1);

    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a claimed outbox batch belongs to one dispatcher without renewal (renewed while it works): what a killed process holds at most.</summary>
    public TimeSpan OutboxLease { get; set; } = Delivery.DeliveryPolicy.DefaultLease;

    /// <summary>
    /// All-in-one: longest a membership write (workspaces) waits for the in-process consumers to apply its events before
    /// it answers (<see cref="LocalDeliveries"/>); past it the write answers anyway and the copies follow.
    /// </summary>
    public TimeSpan LocalConsumerWait { get; set; } = TimeSpan.FromSeconds(3);
}
