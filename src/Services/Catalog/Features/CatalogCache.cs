using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
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
internal sealed class CatalogCache(HybridCache cache, IOptions<CatalogCacheOptions> options, IServiceScopeFactory scopes)
{
    static readonly byte[] NotFound = [];
    static readonly ConditionalWeakTable<IModel, Func<CatalogDb, CancellationToken, Task<long>>> CompiledVersion = [];

    readonly CoalescedRead<long> versions = new(async ct =>
    {
        await using var scope = scopes.CreateAsyncScope();
        return await ReadVersion(scope.ServiceProvider.GetRequiredService<CatalogDb>(), ct);
    });

    sealed record TreeAt(long Version, CategoryTree Tree);

    volatile TreeAt? tree;

    public bool Enabled => options.Value.Enabled;

    /// <summary>
    /// The catalog version, read after this call began (so it includes every write acknowledged before), shared with the
    /// requests that arrive while the previous read is running (docs/adr/0041-shop-catalog-read-path.md). Without the
    /// cache nothing is keyed by it, so it is not read.
    /// </summary>
    public Task<long> Version(CancellationToken ct) => Enabled ? versions.Read(ct) : Task.FromResult(0L);

    /// <summary>The version as one compiled primary-key query (it runs for every read).</summary>
    internal static Task<long> ReadVersion(CatalogDb db, CancellationToken ct) =>
        CompiledVersion.GetValue(db.Model, _ => EF.CompileAsyncQuery((CatalogDb d, CancellationToken t) => d.State.AsNoTracking().Where(s => s.Id == 1).Select(s => s.Version).First()))(db, ct);

    /// <summary>
    /// The category tree as of <paramref name="version"/> or newer: kept in memory until the version moves (every
    /// category change raises it), loaded from <paramref name="db"/> otherwise and when the cache is off.
    /// </summary>
    public async Task<CategoryTree> Tree(CatalogDb db, long version, CancellationToken ct)
    {
        if (Enabled && tree is { } known && known.Version == version) return known.Tree;
        // Loaded after the version was read, so it is at least as new as that version.
        var loaded = await CategoryTree.Load(db, ct);
        if (Enabled) tree = new TreeAt(version, loaded);
        return loaded;
    }

    /// <summary>The JSON under <paramref name="key"/> at <paramref name="version"/>; null when the factory found nothing.</summary>
    public async Task<byte[]?> GetOrCreate(long version, string key, Func<CancellationToken, Task<byte[]?>> factory, CancellationToken ct)
    {
        if (!Enabled) return await factory(ct);
        var entry = new HybridCacheEntryOptions { Expiration = options.Value.Expiration, LocalCacheExpiration = options.Value.Expiration };
        var bytes = await cache.GetOrCreateAsync($"catalog:v{version}:{key}", factory,
            static async (f, token) => await f(token) ?? NotFound, entry, cancellationToken: ct);
        return bytes.Length == 0 ? null : bytes;
    }
}

/// <summary>
/// One read shared by the callers that arrive while the previous read runs: each caller gets the result of a read that
/// started after it called, so the result is as fresh as one read of its own, and a burst of N callers costs about two
/// reads instead of N.
/// </summary>
internal sealed class CoalescedRead<T>(Func<CancellationToken, Task<T>> read)
{
    readonly Lock gate = new();
    TaskCompletionSource<T>? waiting;
    bool running;

    public Task<T> Read(CancellationToken ct)
    {
        TaskCompletionSource<T> mine;
        var start = false;
        lock (gate)
        {
            mine = waiting ??= new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!running)
            {
                running = true;
                waiting = null;
                start = true;
            }
        }
        if (start) _ = Run(mine);
        return mine.Task.WaitAsync(ct);
    }

    async Task Run(TaskCompletionSource<T> batch)
    {
        while (true)
        {
            try
            {
                // Not the caller's token: other callers share this read.
                batch.TrySetResult(await read(CancellationToken.None));
            }
            catch (Exception e)
            {
                batch.TrySetException(e);
            }
            lock (gate)
            {
                // Everyone in the next batch called while this read ran, so a read starting now is newer than each call.
                if (waiting is null)
                {
                    running = false;
                    return;
                }
                batch = waiting;
                waiting = null;
            }
        }
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
