using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Features;

/// <summary>
/// Project histories kept in memory under the project's <see cref="KnownProject.HistoryVersion"/>, which every projected
/// event and every rebuild raises in its own transaction; the version comes with the project row each report request
/// reads anyway, so a hit costs no query and a history is never older than what the request could see. Concurrent misses
/// of one project and version share one load. Bounded by the number of task states held
/// (<c>Reporting:HistoryCache:MaxStates</c>, default 500,000; 0 turns the cache off); the least recently used go first.
/// </summary>
internal sealed class HistoryCache(IServiceScopeFactory scopes, IConfiguration configuration) : IDisposable
{
    sealed record Cached(long Version, ProjectHistory History);

    readonly long maxStates = MaxStates(configuration);
    readonly ConcurrentDictionary<(Guid, long), Lazy<Task<ProjectHistory>>> loading = new();
    readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = Math.Max(0, MaxStates(configuration)), CompactionPercentage = 0.25 });

    public async Task<ProjectHistory> Get(ReportingDb db, KnownProject project, CancellationToken ct)
    {
        if (project.HistoryVersion < 0 || maxStates <= 0) return await ProjectHistory.Load(db, project.Id, ct);
        if (cache.TryGetValue(project.Id, out Cached? hit) && hit!.Version >= project.HistoryVersion) return hit.History;
        var key = (project.Id, project.HistoryVersion);
        var load = loading.GetOrAdd(key, k => new Lazy<Task<ProjectHistory>>(() => Load(k.Item1, k.Item2)));
        return await load.Value.WaitAsync(ct);
    }

    async Task<ProjectHistory> Load(Guid projectId, long version)
    {
        try
        {
            // Its own scope and no request's token: the waiters of other requests share this load.
            await using var scope = scopes.CreateAsyncScope();
            var history = await ProjectHistory.Load(scope.ServiceProvider.GetRequiredService<ReportingDb>(), projectId, CancellationToken.None);
            var states = Math.Max(1, history.Tasks.Sum(t => t.States.Count));
            if (states <= maxStates)
                cache.Set(projectId, new Cached(version, history), new MemoryCacheEntryOptions { Size = states });
            return history;
        }
        finally
        {
            loading.TryRemove((projectId, version), out _);
        }
    }

    static long MaxStates(IConfiguration configuration) => configuration.GetValue<long?>("Reporting:HistoryCache:MaxStates") ?? 500_000;

    public void Dispose() => cache.Dispose();
}
