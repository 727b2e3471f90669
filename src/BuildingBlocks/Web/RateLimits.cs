using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TaskFlow.BuildingBlocks.Web;

/// <summary>Configuration section <c>RateLimits</c>; applied by the gateway, or by the all-in-one host that is its own gateway.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";
    public bool Enabled { get; set; } = true;
    /// <summary>Requests per minute for one signed-in user.</summary>
    public int PerUserPerMinute { get; set; } = 1200;
    /// <summary>Requests per minute from one IP address without a valid token.</summary>
    public int PerIpPerMinute { get; set; } = 300;
}

public static class RateLimits
{
    /// <summary>
    /// The web app's immutable static files: one WebAssembly start fetches well over a hundred of them, so counting them
    /// would lock a user out after a few page loads. They cost a file read (or a CDN hit), not a request to a service.
    /// </summary>
    static readonly string[] StaticAssetPrefixes = ["/_framework", "/_content", "/js", "/app.css", "/favicon.ico"];

    public static void AddGatewayRateLimits(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        if (!options.Enabled) return;
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var path = context.Request.Path;
                if (path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics"))
                    return RateLimitPartition.GetNoLimiter("infrastructure");
                if (HttpMethods.IsGet(context.Request.Method) && StaticAssetPrefixes.Any(p => path.StartsWithSegments(p)))
                    return RateLimitPartition.GetNoLimiter("static");
                // Counted once already, as the outer request of the client it is made for (the web session endpoint).
                if (InnerCallKey.IsInnerCall(context)) return RateLimitPartition.GetNoLimiter("inner");
                var user = context.User.FindFirst("sub")?.Value;
                var (key, limit) = user is not null
                    ? ("user:" + user, options.PerUserPerMinute)
                    : ("ip:" + context.Connection.RemoteIpAddress, options.PerIpPerMinute);
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limit,
                    TokensPerPeriod = Math.Max(1, limit / 60),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests.",
                        Detail = "Slow down and retry after the number of seconds in the Retry-After header.",
                        Type = "https://taskflow.dev/problems/rate-limited",
                    },
                });
            };
        });
    }
}
