using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TaskFlow.BuildingBlocks.Web;

/// <summary>
/// Scaled out (<c>Redis:Configuration</c> set): access revocations every process sees at once, without waiting for an
/// integration event (docs/adr/0003, 0005, 0028). The writer (identity for sessions, workspaces for memberships) stores a
/// key with a lifetime in Redis <em>before</em> it answers, and announces it on a channel; a reader that finds nothing in
/// its own memory asks Redis (<see cref="Contains"/>), so the very next request after the answer is refused in every
/// service and instance. The channel feeds the processes' memory and lets the realtime hub close connections.
/// Keys: <c>session:{sid}</c>, <c>member:{workspaceId}:{userId}</c>, <c>workspace:{workspaceId}</c>.
/// If Redis cannot be reached the answer is "not revoked" (logged): the integration events still revoke, later.
/// </summary>
public sealed class SharedRevocations : IAsyncDisposable
{
    readonly Lazy<Task<ConnectionMultiplexer>> connection;
    readonly string prefix;
    readonly RedisChannel channel;
    readonly ILogger<SharedRevocations> logger;
    long nextWarning;

    public SharedRevocations(IConfiguration configuration, ILogger<SharedRevocations> logger)
    {
        var options = ConfigurationOptions.Parse(configuration["Redis:Configuration"]!);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        options.AsyncTimeout = 2000;
        connection = new(() => ConnectionMultiplexer.ConnectAsync(options));
        prefix = (configuration["Redis:KeyPrefix"] is { Length: > 0 } p ? p : "taskflow") + ":revoked:";
        channel = RedisChannel.Literal(prefix + "channel");
        this.logger = logger;
    }

    /// <summary>A key announced by any process (including this one), e.g. <c>session:…</c>.</summary>
    public event Action<string>? Heard;

    /// <summary>How long a removal or deletion is kept: far longer than its event can be held up (then the copies say it).</summary>
    public static TimeSpan MembershipLifetime { get; set; } = TimeSpan.FromDays(7);

    public static string SessionKey(string sessionId) => "session:" + sessionId.ToLowerInvariant();

    public static string MemberKey(Guid workspaceId, Guid userId) => $"member:{workspaceId}:{userId}";

    public static string WorkspaceKey(Guid workspaceId) => $"workspace:{workspaceId}";

    /// <summary>Stores the keys for <paramref name="lifetime"/> and announces them. Returns false if Redis could not be reached.</summary>
    public async Task<bool> Add(IReadOnlyCollection<string> keys, TimeSpan lifetime)
    {
        try
        {
            var redis = await connection.Value;
            var db = redis.GetDatabase();
            await Task.WhenAll(keys.Select(k => db.StringSetAsync(prefix + k, "1", lifetime)));
            foreach (var key in keys) await redis.GetSubscriber().PublishAsync(channel, key);
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogError(e, "Could not share {Count} access revocation(s) through Redis; the integration events still carry them", keys.Count);
            return false;
        }
    }

    /// <summary>Forgets a key (a removed member who joins again).</summary>
    public async Task Remove(string key)
    {
        try
        {
            await (await connection.Value).GetDatabase().KeyDeleteAsync(prefix + key);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogError(e, "Could not forget the access revocation {Key} in Redis", key);
        }
    }

    /// <summary>True if any of the keys is revoked; false when none is or Redis cannot be asked.</summary>
    public async Task<bool> Contains(params string[] keys)
    {
        try
        {
            var db = (await connection.Value).GetDatabase();
            return await db.KeyExistsAsync(keys.Select(k => (RedisKey)(prefix + k)).ToArray()) > 0;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            var now = Environment.TickCount64;
            if (now >= Interlocked.Read(ref nextWarning))
            {
                Interlocked.Exchange(ref nextWarning, now + 10_000);
                logger.LogWarning(e, "Could not check access revocations in Redis; answering from this process's memory");
            }
            return false;
        }
    }

    internal async Task Listen(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var queue = await (await connection.Value).GetSubscriber().SubscribeAsync(channel);
                queue.OnMessage(message =>
                {
                    try
                    {
                        Heard?.Invoke(message.Message.ToString());
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        logger.LogWarning(ex, "A listener failed on the access revocation {Key}", message.Message.ToString());
                    }
                });
                stoppingToken.Register(() => queue.Unsubscribe());
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "Could not subscribe to access revocations; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (connection.IsValueCreated && connection.Value.IsCompletedSuccessfully) await (await connection.Value).DisposeAsync();
    }

    /// <summary>
    /// Scaled out: whether the caller was removed from the workspace, or it was deleted, although this service's copy does
    /// not know yet. All-in-one (no Redis) the copies are written before workspaces answers, so this is always false.
    /// </summary>
    public static async Task<bool> AccessRevoked(Microsoft.AspNetCore.Http.HttpContext http, Guid workspaceId, Guid userId) =>
        http.RequestServices.GetService<SharedRevocations>() is { } shared
        && await shared.Contains(MemberKey(workspaceId, userId), WorkspaceKey(workspaceId));

    sealed class Listener(SharedRevocations revocations) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => revocations.Listen(stoppingToken);
    }

    internal static void AddTo(IServiceCollection services, IConfiguration configuration)
    {
        if (configuration["Redis:Configuration"] is not { Length: > 0 }) return;
        services.AddSingleton<SharedRevocations>();
        services.AddHostedService(sp => new Listener(sp.GetRequiredService<SharedRevocations>()));
    }
}
