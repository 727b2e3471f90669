using System.Diagnostics.Metrics;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TaskFlow.BuildingBlocks.Web;

/// <summary>
/// Configuration section <c>Shedding</c>: how many API requests this process serves at once and how many may wait for
/// a turn; past that a request is answered 503 with <c>Retry-After</c> at once (docs/adr/0044). Independent of
/// <c>RateLimits</c> (per client), which benchmarks and tests turn off.
/// </summary>
public sealed class SheddingOptions
{
    public const string Section = "Shedding";
    public bool Enabled { get; set; } = true;

    /// <summary>API requests served at once by this process.</summary>
    public int MaxConcurrent { get; set; } = 16;

    /// <summary>API requests waiting for a turn, oldest first; one more is answered 503 at once.</summary>
    public int MaxQueued { get; set; } = 32;

    /// <summary>The longest a request waits for its turn; then it is answered 503 instead of being served late.</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Sent in <c>Retry-After</c> (whole seconds, at least 1).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}

public static class LoadShedding
{
    /// <summary>Bounds the API requests of this process (<see cref="SheddingOptions"/>); applied by <see cref="WebDefaults.UseWebDefaults"/>.</summary>
    public static void AddLoadShedding(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SheddingOptions>().BindConfiguration(SheddingOptions.Section)
            .Validate(o => o.MaxConcurrent > 0, "Shedding:MaxConcurrent must be positive.")
            .Validate(o => o.MaxQueued >= 0, "Shedding:MaxQueued must not be negative.")
            .Validate(o => o.QueueTimeout >= TimeSpan.Zero, "Shedding:QueueTimeout must not be negative.")
            .Validate(o => o.RetryAfter > TimeSpan.Zero, "Shedding:RetryAfter must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<RequestShedder>();
    }

    internal static void UseLoadShedding(this WebApplication app)
    {
        if (app.Services.GetService<RequestShedder>() is not { Enabled: true } shedder) return;
        app.Use((context, next) => shedder.Invoke(context, next));
    }
}

/// <summary>
/// One <see cref="ConcurrencyLimiter"/> for the API requests of the process. A request that finds no free permit waits
/// in its queue (at most <c>QueueTimeout</c>); a full queue or a timed-out wait is answered 503 problem details with
/// <c>Retry-After</c>, without authentication or any work, so an overloaded process spends its CPU on the requests it
/// can answer in time instead of on a queue that only grows (docs/adr/0044).
/// </summary>
internal sealed class RequestShedder : IDisposable
{
    static readonly Meter Meter = new("TaskFlow.Web");
    static readonly Counter<long> Shed = Meter.CreateCounter<long>("taskflow.http.shed", description: "API requests answered 503 at once because the process was at its concurrency bound, by reason (queue-full, queue-timeout)");

    readonly ConcurrencyLimiter limiter;
    readonly TimeSpan queueTimeout;
    readonly string retryAfter;

    public RequestShedder(IOptions<SheddingOptions> options)
    {
        var o = options.Value;
        Enabled = o.Enabled;
        queueTimeout = o.QueueTimeout;
        retryAfter = Math.Max(1, (int)Math.Ceiling(o.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = o.MaxConcurrent,
            QueueLimit = o.MaxQueued,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public bool Enabled { get; }

    /// <summary>
    /// The API only: health, metrics, documentation, pages and static files are never shed (a load balancer must still
    /// hear from an overloaded process, and a page load costs no database work); nor are SignalR connections (they live
    /// for hours and would hold a permit each), nor this process's calls to itself (their outer request holds one).
    /// </summary>
    static bool Applies(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/v1")
        && !InnerCallKey.IsInnerCall(context)
        && context.GetEndpoint()?.Metadata.GetMetadata<HubMetadata>() is null;

    public async Task Invoke(HttpContext context, RequestDelegate next)
    {
        if (!Applies(context))
        {
            await next(context);
            return;
        }
        var lease = limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            lease = await WaitForTurn(context);
            if (lease is null) return;
        }
        using (lease) await next(context);
    }

    async Task<RateLimitLease?> WaitForTurn(HttpContext context)
    {
        var aborted = context.RequestAborted;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        wait.CancelAfter(queueTimeout);
        string reason;
        try
        {
            var lease = await limiter.AcquireAsync(1, wait.Token);
            if (lease.IsAcquired) return lease;
            lease.Dispose();
            reason = "queue-full";
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            reason = "queue-timeout";
        }
        Shed.Add(1, new KeyValuePair<string, object?>("reason", reason));
        await Reject(context);
        return null;
    }

    async Task Reject(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = retryAfter;
        context.Response.Headers.CacheControl = "no-store";
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = "https://taskflow.dev/problems/busy",
                Title = "The server is busy.",
                Detail = "Nothing was changed. Retry after the number of seconds in the Retry-After header.",
            },
        });
    }

    public void Dispose() => limiter.Dispose();
}
