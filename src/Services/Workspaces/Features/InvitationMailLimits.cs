using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TaskFlow.Workspaces.Data;

namespace TaskFlow.Workspaces.Features;

/// <summary>
/// Invitation emails (new and resent) are limited per sender and per invited address in a fixed one-hour window
/// (<c>Workspaces:InvitationLimits</c>), so one account cannot flood mailboxes (docs/adr/0029). Counted in this process:
/// scaled out with several workspaces instances each keeps its own count, which bounds a flood all the same.
/// </summary>
internal sealed class InvitationMailLimits(IOptions<WorkspacesOptions> options)
{
    readonly ConcurrentDictionary<string, Window> windows = new(StringComparer.Ordinal);

    sealed class Window(DateTime start)
    {
        public DateTime Start { get; } = start;
        public int Count;
    }

    /// <summary>Counts one email from <paramref name="sender"/> to <paramref name="normalizedEmail"/>, or says how long to wait.</summary>
    public ProblemHttpResult? Take(HttpContext context, Guid sender, string normalizedEmail)
    {
        var limits = options.Value.InvitationLimits;
        var now = Clock.UtcNow();
        if (Wait($"sender:{sender}", limits.PerSenderPerHour, now) is { } senderWait) return Problems.TooManyInvitations(context, senderWait, "you sent");
        if (Wait($"to:{normalizedEmail}", limits.PerAddressPerHour, now) is { } addressWait) return Problems.TooManyInvitations(context, addressWait, "this address received");
        Count($"sender:{sender}", now);
        Count($"to:{normalizedEmail}", now);
        if (windows.Count > 10_000)
            foreach (var (key, window) in windows)
                if (window.Start.AddHours(1) <= now) windows.TryRemove(key, out _);
        return null;
    }

    TimeSpan? Wait(string key, int limit, DateTime now) =>
        windows.TryGetValue(key, out var w) && w.Start.AddHours(1) > now && Volatile.Read(ref w.Count) >= limit ? w.Start.AddHours(1) - now : null;

    void Count(string key, DateTime now)
    {
        var window = windows.AddOrUpdate(key, _ => new Window(now), (_, w) => w.Start.AddHours(1) > now ? w : new Window(now));
        Interlocked.Increment(ref window.Count);
    }
}
