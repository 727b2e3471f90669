using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.BuildingBlocks.Web;

/// <summary>
/// Sign-in sessions (the access token's <c>sid</c> claim, one per refresh-token family) that were ended by logout, password
/// reset or refresh-token reuse. Every process rejects an access token of such a session (401) although it has not expired.
/// Fed in process by identity at once, and in other processes by the <c>SessionsRevoked</c> event; scaled out with Redis
/// (<see cref="SharedRevocations"/>) identity also stores the session there before it answers, and a process that does not
/// know the session yet asks Redis, so the next request anywhere is refused. An entry is kept <see cref="Remember"/>
/// (longer than any access token lives), so the set stays small.
/// </summary>
public sealed class RevokedSessions
{
    readonly ConcurrentDictionary<string, DateTime> revoked = new(StringComparer.OrdinalIgnoreCase);
    readonly SharedRevocations? shared;
    long nextSweep;

    public RevokedSessions(SharedRevocations? shared = null)
    {
        this.shared = shared;
        if (shared is not null)
            shared.Heard += key =>
            {
                if (key.StartsWith("session:", StringComparison.Ordinal)) RevokeLocally([key["session:".Length..]]);
            };
    }

    /// <summary>Longer than <c>Identity:Tokens:AccessLifetime</c> plus clock skew.</summary>
    public static TimeSpan Remember { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Sessions this process learned are revoked (the realtime hub closes their connections).</summary>
    public event Action<IReadOnlyList<string>>? Added;

    /// <summary>Identity, once the revocation is committed: this process at once, and every process through Redis when configured.</summary>
    public async Task Revoke(IReadOnlyCollection<Guid> sessionIds)
    {
        var ids = sessionIds.Select(id => id.ToString()).ToList();
        RevokeLocally(ids);
        if (shared is not null && ids.Count > 0) await shared.Add(ids.Select(SharedRevocations.SessionKey).ToList(), Remember);
    }

    /// <summary>What this process heard (the event, the Redis channel).</summary>
    public void RevokeLocally(IEnumerable<string> sessionIds)
    {
        var forgetAt = DateTime.UtcNow + Remember;
        var added = new List<string>();
        foreach (var id in sessionIds)
            if (revoked.TryAdd(id, forgetAt)) added.Add(id);
        if (added.Count > 0) Added?.Invoke(added);
        var now = Environment.TickCount64;
        if (now < Interlocked.Read(ref nextSweep)) return;
        Interlocked.Exchange(ref nextSweep, now + 60_000);
        var utcNow = DateTime.UtcNow;
        foreach (var (id, until) in revoked)
            if (until < utcNow) revoked.TryRemove(id, out _);
    }

    public bool IsKnownRevoked(string? sessionId) => sessionId is not null && revoked.ContainsKey(sessionId);

    /// <summary>From this process's memory, else (scaled out) from Redis.</summary>
    public async ValueTask<bool> IsRevoked(string? sessionId)
    {
        if (sessionId is null) return false;
        if (revoked.ContainsKey(sessionId)) return true;
        if (shared is null || !await shared.Contains(SharedRevocations.SessionKey(sessionId))) return false;
        RevokeLocally([sessionId]);
        return true;
    }
}

/// <summary>The consumers' view of identity's <c>SessionsRevoked</c> event.</summary>
public sealed record SessionsRevokedView(Guid UserId, IReadOnlyList<Guid> SessionIds)
{
    public const string EventType = "SessionsRevoked";
}

public static class RevokedSessionsSetup
{
    /// <summary>
    /// Subscribes <paramref name="service"/> to <c>SessionsRevoked</c>, so this process learns of sessions ended elsewhere.
    /// Scaled out each service's queue gets the event once, so with several instances of one service only one of them
    /// hears it (a Redis channel, as the realtime hub's revocations use, is the step when that matters).
    /// </summary>
    public static IServiceCollection AddRevokedSessionsConsumer(this IServiceCollection services, string service) =>
        services.AddSingleton(new EventSubscription(service, $"{service}.RevokedSessions", SessionsRevokedView.EventType, (sp, envelope, _) =>
        {
            if (JsonSerializer.Deserialize<SessionsRevokedView>(envelope.Payload, EventEnvelope.Json) is { SessionIds: { } ids })
                sp.GetRequiredService<RevokedSessions>().RevokeLocally(ids.Select(id => id.ToString()));
            return Task.CompletedTask;
        }, Standalone: true));
}
