using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.BuildingBlocks.Web;

/// <summary>
/// Sign-in sessions (the access token's <c>sid</c> claim, one per refresh-token family) that were ended by logout, password
/// reset or refresh-token reuse. Every process rejects an access token of such a session (401) although it has not expired.
/// Fed in process by identity at once, and in other processes by the <c>SessionsRevoked</c> event. An entry is kept
/// <see cref="Remember"/> (longer than any access token lives), so the set stays small.
/// </summary>
public sealed class RevokedSessions
{
    readonly ConcurrentDictionary<string, DateTime> revoked = new(StringComparer.OrdinalIgnoreCase);
    long nextSweep;

    /// <summary>Longer than <c>Identity:Tokens:AccessLifetime</c> plus clock skew.</summary>
    public static TimeSpan Remember { get; set; } = TimeSpan.FromHours(1);

    public void Revoke(IEnumerable<Guid> sessionIds)
    {
        var forgetAt = DateTime.UtcNow + Remember;
        foreach (var id in sessionIds) revoked[id.ToString()] = forgetAt;
        var now = Environment.TickCount64;
        if (now < Interlocked.Read(ref nextSweep)) return;
        Interlocked.Exchange(ref nextSweep, now + 60_000);
        var utcNow = DateTime.UtcNow;
        foreach (var (id, until) in revoked)
            if (until < utcNow) revoked.TryRemove(id, out _);
    }

    public bool IsRevoked(string? sessionId) => sessionId is not null && revoked.ContainsKey(sessionId);
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
                sp.GetRequiredService<RevokedSessions>().Revoke(ids);
            return Task.CompletedTask;
        }, Standalone: true));
}
