using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TaskFlow.Realtime.Hub;

/// <summary>
/// An access change to apply to every instance's connections: <c>Id</c> is the workspace (member, workspace) or the
/// project (project, project-member, private); <c>Keep</c> (private) lists the users who may still read the project.
/// </summary>
internal sealed record Revocation(string Kind, Guid Id, Guid UserId, Guid[]? Keep = null)
{
    public const string Member = "member";
    public const string Workspace = "workspace";
    public const string Project = "project";
    public const string ProjectMember = "project-member";
    public const string Private = "private";
}

/// <summary>
/// Scaled out: access changes travel to every realtime instance over a Redis channel of the backplane's connection
/// (the backplane's channel prefix keeps deployments sharing a Redis apart). Pub/sub delivers at most once, which is
/// enough here: token expiry closes whatever a disconnected instance missed.
/// </summary>
internal sealed class Revocations(RedisBackplane backplane, IServiceProvider services, ILogger<Revocations> logger) : BackgroundService
{
    static readonly RedisChannel Channel = RedisChannel.Literal("realtime:revoke");
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task Publish(Revocation revocation)
    {
        var redis = await backplane.Connect(TextWriter.Null);
        await redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.Serialize(revocation, Json));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var groups = services.GetRequiredService<ProjectGroups>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var redis = await backplane.Connect(TextWriter.Null);
                // StackExchange.Redis subscribes again by itself after a reconnect, once this first subscription succeeded.
                var queue = await redis.GetSubscriber().SubscribeAsync(Channel);
                queue.OnMessage(async message =>
                {
                    try
                    {
                        if (JsonSerializer.Deserialize<Revocation>(message.Message.ToString(), Json) is { } revocation) await groups.Apply(revocation);
                    }
                    catch (Exception ex) when (ex is JsonException or InvalidOperationException)
                    {
                        logger.LogWarning(ex, "Ignored a malformed revocation message");
                    }
                });
                Subscribed = true;
                stoppingToken.Register(() => queue.Unsubscribe());
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Redis is down at start-up: readiness stays red (the backplane check) while this keeps trying.
                logger.LogWarning(ex, "Could not subscribe to access revocations; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    /// <summary>True once this instance listens; readiness waits for it, so no revocation is published before every ready instance hears it.</summary>
    public bool Subscribed { get; private set; }
}
