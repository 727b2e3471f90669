using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace TaskFlow.BuildingBlocks.Messaging;

/// <summary>One connection per process, recovered automatically by the client after a broker restart.</summary>
public sealed class RabbitMqConnection(IOptions<MessagingOptions> options) : IAsyncDisposable
{
    readonly SemaphoreSlim gate = new(1, 1);
    IConnection? connection;

    public bool IsOpen => connection?.IsOpen == true;

    public async Task<IConnection> Get(CancellationToken ct)
    {
        // Once created, the connection recovers itself (and its consumers' channels) after a broker restart:
        // replacing it while it is recovering would drop every consumer, so it is created once and kept.
        if (connection is not null) return connection;
        await gate.WaitAsync(ct);
        try
        {
            if (connection is not null) return connection;
            var factory = new ConnectionFactory
            {
                Uri = new Uri(options.Value.RabbitMQ),
                AutomaticRecoveryEnabled = true,
                TopologyRecoveryEnabled = true,
                ClientProvidedName = $"taskflow:{Environment.ProcessId}",
            };
            connection = await factory.CreateConnectionAsync(ct);
            return connection;
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is not null) await connection.DisposeAsync();
        gate.Dispose();
    }
}

/// <summary>Publishes to a durable topic exchange with publisher confirms: Publish returns once the broker has the message.</summary>
public sealed class RabbitMqTransport(RabbitMqConnection connection, IOptions<MessagingOptions> options) : IEventTransport, IAsyncDisposable
{
    readonly SemaphoreSlim gate = new(1, 1);
    IChannel? channel;

    public async Task Publish(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        var result = (await PublishAll([envelope], cancellationToken))[0];
        if (result is not null) throw result;
    }

    /// <summary>Sends the whole batch before waiting for the broker's confirms, so a batch costs about one round trip, not one per message.</summary>
    public async Task<Exception?[]> PublishAll(IReadOnlyList<EventEnvelope> envelopes, CancellationToken cancellationToken)
    {
        var results = new Exception?[envelopes.Count];
        IChannel open;
        try
        {
            await gate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException ex)
        {
            Array.Fill(results, ex);
            return results;
        }
        try
        {
            try
            {
                open = await Channel(cancellationToken);
            }
            catch (Exception ex)
            {
                // The broker is unreachable: every message failed this attempt (and is retried with backoff).
                Array.Fill(results, ex);
                return results;
            }
            var confirms = new Task?[envelopes.Count];
            for (var i = 0; i < envelopes.Count; i++)
            {
                try
                {
                    // With confirmation tracking on, the task completes when the broker confirms and throws on a nack.
                    confirms[i] = open.BasicPublishAsync(options.Value.Exchange, envelopes[i].Type, mandatory: false, Properties(envelopes[i]),
                        Encoding.UTF8.GetBytes(envelopes[i].Payload), cancellationToken).AsTask();
                }
                catch (Exception ex)
                {
                    results[i] = ex;
                }
            }
            for (var i = 0; i < envelopes.Count; i++)
            {
                if (confirms[i] is not { } confirm) continue;
                try
                {
                    await confirm;
                }
                catch (Exception ex)
                {
                    results[i] = ex;
                }
            }
        }
        finally
        {
            gate.Release();
        }
        return results;
    }

    async Task<IChannel> Channel(CancellationToken cancellationToken)
    {
        if (channel is { IsOpen: true }) return channel;
        // A closed channel would otherwise be recovered alongside its replacement.
        if (channel is not null) await channel.DisposeAsync();
        channel = null;
        var conn = await connection.Get(cancellationToken);
        var created = await conn.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        await created.ExchangeDeclareAsync(options.Value.Exchange, ExchangeType.Topic, durable: true, cancellationToken: cancellationToken);
        return channel = created;
    }

    static BasicProperties Properties(EventEnvelope envelope) => new()
    {
        MessageId = envelope.Id.ToString(),
        Type = envelope.Type,
        CorrelationId = envelope.CorrelationId,
        ContentType = "application/json",
        DeliveryMode = DeliveryModes.Persistent,
        Timestamp = new AmqpTimestamp(new DateTimeOffset(envelope.OccurredAt).ToUnixTimeSeconds()),
    };

    public async ValueTask DisposeAsync()
    {
        if (channel is not null) await channel.DisposeAsync();
        gate.Dispose();
    }
}

/// <summary>
/// Consumes one durable quorum queue per hosted service (<c>{QueuePrefix}.{service}</c>, default <c>taskflow.{service}</c>), bound to the event types its handlers want.
/// Manual acks; a failed message is requeued with a growing delay, and after <see cref="MessagingOptions.MaxAttempts"/>
/// deliveries the broker moves it to <c>taskflow.{service}.dead</c>.
/// </summary>
public sealed class RabbitMqConsumer(
    RabbitMqConnection connection,
    IServiceProvider services,
    IEnumerable<EventSubscription> subscriptions,
    IOptions<MessagingOptions> options,
    ILogger<RabbitMqConsumer> logger) : BackgroundService
{
    public const string DeadLetterExchange = "taskflow.dead";
    readonly List<IChannel> channels = [];

    /// <summary>True once every queue is declared, bound and consumed; readiness waits for it so no event is published into an unbound exchange.</summary>
    public bool Subscribed { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Subscribe(stoppingToken);
                Subscribed = true;
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Channels of a half-done attempt would keep consuming next to the ones the retry opens.
                foreach (var channel in channels) await channel.DisposeAsync();
                channels.Clear();
                logger.LogWarning(ex, "Could not subscribe to RabbitMQ; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    async Task Subscribe(CancellationToken ct)
    {
        var conn = await connection.Get(ct);
        foreach (var service in subscriptions.GroupBy(s => s.Service))
        {
            var queue = $"{options.Value.QueuePrefix}.{service.Key}";
            // Several deliveries of a queue are handled at once: consumers are idempotent and do not rely on order (ADR 0002).
            var channel = await conn.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false,
                consumerDispatchConcurrency: (ushort)Math.Clamp(options.Value.ConsumerConcurrency, 1, 64)), ct);
            channels.Add(channel);
            await channel.ExchangeDeclareAsync(options.Value.Exchange, ExchangeType.Topic, durable: true, cancellationToken: ct);
            await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Direct, durable: true, cancellationToken: ct);
            await channel.QueueDeclareAsync(queue + ".dead", durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: ct);
            await channel.QueueBindAsync(queue + ".dead", DeadLetterExchange, queue, cancellationToken: ct);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                // The broker dead-letters a message once it has been returned more than the limit, i.e. delivered limit + 1 times.
                ["x-delivery-limit"] = Math.Max(0, options.Value.MaxAttempts - 1),
                ["x-dead-letter-exchange"] = DeadLetterExchange,
                ["x-dead-letter-routing-key"] = queue,
            }, cancellationToken: ct);
            foreach (var eventType in service.Select(s => s.EventType).Distinct())
                await channel.QueueBindAsync(queue, options.Value.Exchange, eventType, cancellationToken: ct);
            await channel.BasicQosAsync(0, 16, false, ct);

            var handlers = service.ToLookup(s => s.EventType);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                var envelope = new EventEnvelope(
                    Guid.TryParse(delivery.BasicProperties.MessageId, out var id) ? id : Guid.Empty,
                    delivery.BasicProperties.Type ?? delivery.RoutingKey,
                    Encoding.UTF8.GetString(delivery.Body.Span),
                    DateTimeOffset.FromUnixTimeSeconds(delivery.BasicProperties.Timestamp.UnixTime).UtcDateTime,
                    delivery.BasicProperties.CorrelationId);
                try
                {
                    foreach (var subscription in handlers[envelope.Type])
                    {
                        await using var scope = services.CreateAsyncScope();
                        await subscription.Handle(scope.ServiceProvider, envelope, ct);
                    }
                    await channel.BasicAckAsync(delivery.DeliveryTag, false, ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    var deliveries = delivery.BasicProperties.Headers?.TryGetValue("x-delivery-count", out var c) == true ? Convert.ToInt32(c, System.Globalization.CultureInfo.InvariantCulture) : 0;
                    logger.LogWarning(ex, "Handling {Type} {MessageId} failed (delivery {Delivery}); requeueing", envelope.Type, envelope.Id, deliveries + 1);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 200 * Math.Pow(2, deliveries))), ct);
                    await channel.BasicNackAsync(delivery.DeliveryTag, false, requeue: true, ct);
                }
            };
            await channel.BasicConsumeAsync(queue, autoAck: false, consumer, ct);
            logger.LogInformation("Consuming {Queue} for {EventTypes}", queue, string.Join(", ", handlers.Select(h => h.Key)));
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var channel in channels) await channel.DisposeAsync();
    }
}

public sealed class RabbitMqHealthCheck(RabbitMqConnection connection, RabbitMqConsumer consumer) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var conn = await connection.Get(cancellationToken);
            if (!conn.IsOpen) return HealthCheckResult.Unhealthy("RabbitMQ connection is closed");
            return !consumer.Subscribed ? HealthCheckResult.Unhealthy("RabbitMQ queues are not subscribed yet") : HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("RabbitMQ is unreachable", ex);
        }
    }
}

public static class MessagingSetup
{
    /// <summary>Call after every module is added, so consumers start after the databases are migrated.</summary>
    public static void AddMessaging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.Section);
        var transport = builder.Configuration[$"{MessagingOptions.Section}:Transport"] ?? "InProcess";
        if (transport.Equals("RabbitMQ", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddSingleton<RabbitMqConnection>();
            builder.Services.AddSingleton<IEventTransport, RabbitMqTransport>();
            builder.Services.AddSingleton<RabbitMqConsumer>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<RabbitMqConsumer>());
            builder.Services.AddHealthChecks().AddCheck<RabbitMqHealthCheck>("rabbitmq", tags: ["ready"]);
        }
        else
        {
            builder.Services.AddSingleton<IEventTransport, InProcessTransport>();
            builder.Services.AddSingleton<LocalDeliveries>();
            builder.Services.AddSingleton<CommitRelay>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<CommitRelay>());
            builder.Services.AddSingleton<CommitRelayInterceptor>();
        }
    }
}
