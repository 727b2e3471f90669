using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Platform.Tests.Messaging;

/// <summary>
/// The RabbitMQ transport and consumer against a real broker (TASKFLOW_TEST_RABBITMQ). Each test has its own exchange
/// and service name, hence its own queues, and deletes them afterwards.
/// </summary>
public sealed class RabbitMqTests : IAsyncLifetime
{
    static string Uri => Environment.GetEnvironmentVariable("TASKFLOW_TEST_RABBITMQ") is { Length: > 0 } uri ? uri : "amqp://guest:guest@127.0.0.1:5672/";

    readonly string id = Guid.NewGuid().ToString("N")[..12];
    readonly MessagingOptions options;
    readonly RabbitMqConnection connection;
    readonly ServiceProvider services = new ServiceCollection().BuildServiceProvider();
    RabbitMqConsumer? consumer;

    public RabbitMqTests()
    {
        options = new MessagingOptions { Transport = "RabbitMQ", RabbitMQ = Uri, Exchange = $"taskflow.test.{id}", MaxAttempts = 3 };
        connection = new RabbitMqConnection(Options.Create(options));
    }

    string Service => $"test{id}";
    string Queue => $"taskflow.{Service}";

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Transport_publishes_with_confirms_and_the_consumer_delivers_to_the_subscription()
    {
        var received = new TaskCompletionSource<EventEnvelope>(TaskCreationOptions.RunContinuationsAsynchronously);
        await StartConsumer(new EventSubscription(Service, $"{Service}.Recorder", nameof(Pinged), (_, envelope, _) =>
        {
            received.TrySetResult(envelope);
            return Task.CompletedTask;
        }));

        await using var transport = new RabbitMqTransport(connection, Options.Create(options));
        var pinged = new Pinged("over the wire");
        var sent = OutboxMessage.From(pinged, "corr-42").ToEnvelope();
        await transport.Publish(sent, TestContext.Current.CancellationToken);

        var envelope = await received.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(pinged.EventId, envelope.Id);
        Assert.Equal(nameof(Pinged), envelope.Type);
        Assert.Equal("corr-42", envelope.CorrelationId);
        Assert.Equal(sent.Payload, envelope.Payload);
        Assert.Equal(new DateTimeOffset(pinged.OccurredAt).ToUnixTimeSeconds(), new DateTimeOffset(envelope.OccurredAt).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_message_whose_handler_always_fails_is_dead_lettered_after_MaxAttempts_deliveries()
    {
        var deliveries = new ConcurrentQueue<Guid>();
        await StartConsumer(new EventSubscription(Service, $"{Service}.Broken", nameof(Pinged), (_, envelope, _) =>
        {
            deliveries.Enqueue(envelope.Id);
            throw new InvalidOperationException("handler bug");
        }));

        await using var transport = new RabbitMqTransport(connection, Options.Create(options));
        var pinged = new Pinged("poison");
        await transport.Publish(OutboxMessage.From(pinged, null).ToEnvelope(), TestContext.Current.CancellationToken);

        var dead = await Wait.Until(() => Get(Queue + ".dead"), m => m is not null, "the dead-lettered message");
        Assert.Equal(pinged.EventId.ToString(), dead!.BasicProperties.MessageId);
        Assert.Equal(nameof(Pinged), dead.BasicProperties.Type);
        Assert.Contains("poison", Encoding.UTF8.GetString(dead.Body.Span), StringComparison.Ordinal);
        // Once the broker has moved it, the consumer cannot see it again: the count is final.
        Assert.Equal(options.MaxAttempts, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(pinged.EventId, d));
        Assert.Equal(0u, await QueueDepth(Queue));
    }

    [Fact]
    public async Task Messages_of_types_nobody_subscribed_to_are_not_delivered()
    {
        var received = new ConcurrentQueue<string>();
        await StartConsumer(new EventSubscription(Service, $"{Service}.Recorder", nameof(Pinged), (_, envelope, _) =>
        {
            received.Enqueue(envelope.Type);
            return Task.CompletedTask;
        }));
        await using var transport = new RabbitMqTransport(connection, Options.Create(options));
        await transport.Publish(new EventEnvelope(Guid.NewGuid(), "SomethingElse", "{}", DateTime.UtcNow, null), TestContext.Current.CancellationToken);
        await transport.Publish(OutboxMessage.From(new Pinged("after"), null).ToEnvelope(), TestContext.Current.CancellationToken);

        // Published first, SomethingElse would have arrived before the Pinged had the queue been bound to it.
        await Wait.Until(() => Task.FromResult(received.Count), n => n >= 1, "the Pinged message");
        Assert.Equal([nameof(Pinged)], received);
    }

    async Task StartConsumer(params EventSubscription[] subscriptions)
    {
        consumer = new RabbitMqConsumer(connection, services, subscriptions, Options.Create(options), NullLogger<RabbitMqConsumer>.Instance);
        await consumer.StartAsync(TestContext.Current.CancellationToken);
        // Subscribing happens in the background: publish only once the queue exists, is bound and has its consumer.
        await Wait.Until(() => ConsumerCount(Queue), n => n > 0, "the consumer to subscribe");
    }

    async Task<uint> ConsumerCount(string queue)
    {
        var conn = await connection.Get(CancellationToken.None);
        await using var channel = await conn.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount;
        }
        catch (OperationInterruptedException)
        {
            return 0;
        }
    }

    async Task<uint> QueueDepth(string queue)
    {
        var conn = await connection.Get(CancellationToken.None);
        await using var channel = await conn.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    async Task<BasicGetResult?> Get(string queue)
    {
        var conn = await connection.Get(CancellationToken.None);
        await using var channel = await conn.CreateChannelAsync();
        return await channel.BasicGetAsync(queue, autoAck: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (consumer is not null)
        {
            await consumer.StopAsync(CancellationToken.None);
            consumer.Dispose();
        }
        var conn = await connection.Get(CancellationToken.None);
        await using (var channel = await conn.CreateChannelAsync())
        {
            await channel.QueueDeleteAsync(Queue);
            await channel.QueueDeleteAsync(Queue + ".dead");
            await channel.ExchangeDeleteAsync(options.Exchange);
        }
        await connection.DisposeAsync();
        await services.DisposeAsync();
    }
}
