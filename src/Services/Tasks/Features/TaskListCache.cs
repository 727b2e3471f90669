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
/// Pages of a project's task list (board columns, filtered lists), kept per instance under the project's
/// <see cref="Data.KnownProject.ListVersion"/> as read by the request's access check. Every change to a row of the
/// project raises that version in its own transaction, so a page is served only while nothing it shows has changed;
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

    public bool TryGet(string key, out Page<TaskResponse>? page)
    {
        page = null;
        return cache is not null && cache.TryGetValue(key, out page);
    }

    public void Set(string key, Page<TaskResponse> page)
    {
        if (cache is null) return;
        long size = 256;
        foreach (var task in page.Data) size += 600 + 2L * (task.Title.Length + (task.Description?.Length ?? 0));
        cache.Set(key, page, new MemoryCacheEntryOptions { Size = size, SlidingExpiration = Idle });
    }

    public void Dispose() => cache?.Dispose();
}
