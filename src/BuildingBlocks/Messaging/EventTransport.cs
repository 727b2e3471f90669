namespace TaskFlow.BuildingBlocks.Messaging;

/// <summary>Moves envelopes from an outbox to the consumers. In-process all-in-one, RabbitMQ scaled out; SQS can follow.</summary>
public interface IEventTransport
{
    /// <summary>Returns once the transport has taken responsibility for the message (a broker confirm, or every local consumer done).</summary>
    Task Publish(EventEnvelope envelope, CancellationToken cancellationToken);
}

public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary><c>InProcess</c> (all-in-one) or <c>RabbitMQ</c>.</summary>
    public string Transport { get; set; } = "InProcess";

    public string RabbitMQ { get; set; } = "amqp://guest:guest@127.0.0.1:5672/";

    public string Exchange { get; set; } = "taskflow.events";

    /// <summary>Deliveries of one message to a failing consumer before the broker moves it to the dead-letter queue.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Failed sends of one outbox row before it is marked dead. Backoff is capped at a minute, so the default
    /// rides out a broker outage of well over an hour without losing an event.
    /// </summary>
    public int OutboxMaxAttempts { get; set; } = 100;

    /// <summary>How long sent outbox rows are kept (for inspection) before they are deleted.</summary>
    public TimeSpan OutboxRetention { get; set; } = TimeSpan.FromDays(1);

    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
