using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TaskFlow.BuildingBlocks.Web;

namespace TaskFlow.Identity.Security;

/// <summary>
/// Password hashing is the one deliberately slow thing the API does (about 0.1 s of CPU per hash), so a few clients that
/// loop on sign-in could take every core and slow everyone down. All hashing goes through here: at most
/// <c>Identity:Hashing:MaxConcurrent</c> at a time and at most <c>MaxQueued</c> waiting: a request past the queue is
/// answered 503 with <c>Retry-After</c> at once (<see cref="ServiceBusyException"/>), as is one that waited
/// <c>QueueTimeout</c> (a backstop for a starved machine, not the limit that sheds load).
/// </summary>
internal sealed class PasswordWork : IDisposable
{
    readonly ConcurrencyLimiter limiter;
    readonly TimeSpan queueTimeout;

    public PasswordWork(IOptions<IdentityOptions> options)
    {
        var hashing = options.Value.Hashing;
        queueTimeout = hashing.QueueTimeout;
        limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = hashing.MaxConcurrent > 0 ? hashing.MaxConcurrent : Environment.ProcessorCount,
            QueueLimit = hashing.MaxQueued,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public Task<string> Hash(string password, CancellationToken ct) => Run(() => PasswordHasher.Hash(password), ct);

    public Task<PasswordCheck> Verify(string stored, string password, CancellationToken ct) => Run(() => PasswordHasher.Verify(stored, password), ct);

    async Task<T> Run<T>(Func<T> work, CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(queueTimeout);
        RateLimitLease lease;
        try
        {
            lease = await limiter.AcquireAsync(1, wait.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Busy();
        }
        using (lease)
        {
            if (!lease.IsAcquired) throw Busy();
            return work();
        }
    }

    static ServiceBusyException Busy() => new("Too many password hashes at once.", TimeSpan.FromSeconds(1));

    public void Dispose() => limiter.Dispose();
}

/// <summary>
/// Sign-in attempts per client address and per account (<c>Identity:LoginLimits</c>), counted before any hashing, so one
/// client cannot spend the hashing capacity and nobody can try passwords on one account fast from many addresses.
/// Over the limit: 429 problem details with <c>Retry-After</c>. Counters live in this process (per identity instance).
/// </summary>
internal sealed class LoginThrottle : IDisposable
{
    readonly PartitionedRateLimiter<string>? limiter;

    public LoginThrottle(IOptions<IdentityOptions> options)
    {
        var limits = options.Value.LoginLimits;
        if (!limits.Enabled) return;
        limiter = PartitionedRateLimiter.Create<string, string>(key => key.StartsWith("ip:", StringComparison.Ordinal)
            ? Bucket(key, limits.PerAddressPerMinute)
            : Bucket(key, limits.PerAccountPerMinute));
    }

    static RateLimitPartition<string> Bucket(string key, int perMinute) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    /// <summary>Null when the attempt may go ahead, else how long to wait.</summary>
    public TimeSpan? Attempt(IPAddress? client, string normalizedEmail)
    {
        if (limiter is null) return null;
        foreach (var key in new[] { "ip:" + client, "account:" + normalizedEmail })
        {
            using var lease = limiter.AttemptAcquire(key);
            if (!lease.IsAcquired)
                return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
        }
        return null;
    }

    public void Dispose() => limiter?.Dispose();
}
