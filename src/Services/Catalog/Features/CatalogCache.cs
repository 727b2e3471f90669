using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary>Configuration section <c>Catalog:Cache</c>.</summary>
internal sealed class CatalogCacheOptions
{
    public const string Section = "Catalog:Cache";

    /// <summary><c>Catalog:Cache:Enabled</c>: cache product reads and list pages (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>Catalog:Cache:Expiration</c>: how long an entry lives (it can never be stale, only unused).</summary>
    public TimeSpan Expiration { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Product reads and list pages as JSON bytes in a HybridCache (memory in each instance; Redis as second level when
/// <c>Redis:Configuration</c> is set), keyed by the catalog version read first. Every change to products, categories
/// or stock raises that version in its own transaction (<see cref="CatalogDb"/>), so after a write is acknowledged no
/// reader finds an entry of an older version: entries are never invalidated, they are simply not asked for again.
/// HybridCache runs one factory for concurrent identical misses in an instance, so a burst costs one query.
/// </summary>
internal sealed class CatalogCache(HybridCache cache, IOptions<CatalogCacheOptions> options)
{
    static readonly byte[] NotFound = [];

    public static Task<long> Version(CatalogDb db, CancellationToken ct) =>
        db.State.AsNoTracking().Where(s => s.Id == 1).Select(s => s.Version).FirstAsync(ct);

    /// <summary>The JSON under <paramref name="key"/> at <paramref name="version"/>; null when the factory found nothing.</summary>
    public async Task<byte[]?> GetOrCreate(long version, string key, Func<CancellationToken, Task<byte[]?>> factory, CancellationToken ct)
    {
        if (!options.Value.Enabled) return await factory(ct);
        var entry = new HybridCacheEntryOptions { Expiration = options.Value.Expiration, LocalCacheExpiration = options.Value.Expiration };
        var bytes = await cache.GetOrCreateAsync($"catalog:v{version}:{key}", factory,
            static async (f, token) => await f(token) ?? NotFound, entry, cancellationToken: ct);
        return bytes.Length == 0 ? null : bytes;
    }
}

/// <summary>Cached JSON, sent as it is (the endpoint's OpenAPI shape comes from its Ok result).</summary>
internal sealed class CachedJson(byte[] json) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        httpContext.Response.ContentLength = json.Length;
        return httpContext.Response.Body.WriteAsync(json).AsTask();
    }
}
