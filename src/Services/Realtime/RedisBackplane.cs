using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace TaskFlow.Realtime;

/// <summary>
/// The one Redis connection of the SignalR backplane, shared with the readiness check (so <c>/health/ready</c> says
/// whether this instance can reach the others' clients) and with the access revocations between instances.
/// </summary>
internal sealed class RedisBackplane(ConfigurationOptions options) : IAsyncDisposable
{
    readonly Lazy<Task<ConnectionMultiplexer>> connection = new(() => ConnectionMultiplexer.ConnectAsync(options));

    /// <summary>For <c>RedisOptions.ConnectionFactory</c>: every call returns the same multiplexer.</summary>
    public async Task<IConnectionMultiplexer> Connect(TextWriter log) => await connection.Value;

    public async ValueTask DisposeAsync()
    {
        if (connection.IsValueCreated && connection.Value.IsCompletedSuccessfully) await (await connection.Value).DisposeAsync();
    }

    internal sealed class HealthCheck(RedisBackplane backplane, Hub.Revocations revocations) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var redis = await backplane.connection.Value.WaitAsync(cancellationToken);
                if (!redis.IsConnected) return HealthCheckResult.Unhealthy("The Redis backplane is not connected.");
                if (!revocations.Subscribed) return HealthCheckResult.Unhealthy("Not yet listening for access revocations.");
                await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("The Redis backplane is unreachable.", e);
            }
        }
    }
}
