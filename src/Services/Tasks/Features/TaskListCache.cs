using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace TaskFlow.Tasks.Features;

internal sealed class TaskListCacheOptions
{
    public const string Section = "Tasks:ListCache";

    /// <summary>Memory for cached pages of project task lists, in MiB (default 64); 0 turns the cache off.</summary>
    public int MaxMegabytes { get; set; } = 64;
}

/// <summary>
/// Pages of a project's task list (board columns, filtered lists), kept per instance under the project's list version
/// (<see cref="CurrentAccess.ListVersion"/>: the base plus the sum of its <see cref="Data.ListVersionSlot"/>s) as read
/// by the request's access check. Every change to a row of the project raises that version in its own transaction
/// (docs/adr/0045), so a page is served only while nothing it shows has changed;
/// no invalidation message is needed, and instances scaled out stay exact without sharing the cache. Access is still
/// checked on every request before the cache is consulted.
/// </summary>
internal sealed class TaskListCache(IOptions<TaskListCacheOptions> options) : IDisposable
{
    /// <summary>Entries are sized in approximate bytes; a page's size is its text plus a fixed share per task.</summary>
    readonly MemoryCache? cache = options.Value.MaxMegabytes > 0
        ? new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.MaxMegabytes * 1024L * 1024L, CompactionPercentage = 0.25 })
        : null;

    static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);

    /// <summary>The key of a page: the project at its list version, the query string, and the caller when the query says "me".</summary>
    public static string Key(Guid projectId, long version, string query, Guid userId, bool personal) =>
        personal ? $"{projectId:N}:{version}:{userId:N}{query}" : $"{projectId:N}:{version}:{query}";

    public bool Enabled => cache is not null;

    /// <summary>The page as the JSON it was sent as (serialising it again was an eighth of a cached read).</summary>
    public bool TryGet(string key, out byte[]? json)
    {
        json = null;
        return cache is not null && cache.TryGetValue(key, out json);
    }

    public void Set(string key, byte[] json) =>
        cache?.Set(key, json, new MemoryCacheEntryOptions { Size = json.Length + 200, SlidingExpiration = Idle });

    public void Dispose() => cache?.Dispose();
}

/// <summary>A cached page's JSON, sent as it is (the endpoint's OpenAPI shape comes from its Ok result).</summary>
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
