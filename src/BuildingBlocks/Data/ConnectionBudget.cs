using Microsoft.Extensions.Hosting;
using Npgsql;

namespace TaskFlow.BuildingBlocks.Data;

/// <summary>
/// The PostgreSQL connections of one process, shared out among its services (<c>Data:ConnectionBudget</c>): each
/// service's Npgsql pool is capped at its share, so the process never asks the server for more than the budget, and a
/// request that finds its pool full waits for a connection (at most <c>Data:ConnectionTimeout</c>) instead of opening
/// one the server refuses (<c>53300 too many clients</c>) (docs/adr/0044).
/// </summary>
public sealed class ConnectionBudget(DataOptions options)
{
    readonly List<string> services = [];
    readonly Lock gate = new();
    IReadOnlyDictionary<string, int>? shares;

    /// <summary>The process's budget, made on the first service's registration and kept in the builder's properties.</summary>
    internal static ConnectionBudget Of(IHostApplicationBuilder builder, DataOptions options)
    {
        if (builder.Properties.TryGetValue(typeof(ConnectionBudget), out var existing)) return (ConnectionBudget)existing;
        var budget = new ConnectionBudget(options);
        builder.Properties[typeof(ConnectionBudget)] = budget;
        return budget;
    }

    /// <summary>Adds a service; shares are fixed at the first <see cref="PoolSize"/>, after every module has registered.</summary>
    internal void Add(string service)
    {
        lock (gate)
        {
            if (shares is not null) throw new InvalidOperationException($"Service '{service}' registered its database after the connection budget was shared out.");
            services.Add(service);
        }
    }

    /// <summary>The most connections <paramref name="service"/>'s pool may hold.</summary>
    public int PoolSize(string service)
    {
        lock (gate)
        {
            shares ??= Split(options.ConnectionBudget, services, options.MaxPoolSize);
            return shares[service];
        }
    }

    /// <summary>The service's connection string with its pool size, wait bound and a name that shows in <c>pg_stat_activity</c>.</summary>
    public string ConnectionString(string baseConnectionString, string service)
    {
        var size = PoolSize(service);
        var csb = new NpgsqlConnectionStringBuilder(baseConnectionString)
        {
            MaxPoolSize = size,
            Timeout = Math.Max(1, (int)Math.Ceiling(options.ConnectionTimeout.TotalSeconds)),
        };
        if (csb.MinPoolSize > size) csb.MinPoolSize = size;
        if (string.IsNullOrEmpty(csb.ApplicationName)) csb.ApplicationName = "taskflow-" + service;
        return csb.ConnectionString;
    }

    /// <summary>
    /// Each service's pool size: its own <c>Data:MaxPoolSize:{service}</c> when set, else an equal share (rounded down)
    /// of what the set ones leave of <paramref name="budget"/>. The sizes never add up to more than the budget.
    /// </summary>
    public static IReadOnlyDictionary<string, int> Split(int budget, IReadOnlyCollection<string> services, IReadOnlyDictionary<string, int> fixedSizes)
    {
        var result = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var rest = budget;
        foreach (var service in services)
        {
            if (!fixedSizes.TryGetValue(service, out var size)) continue;
            if (size < 1) throw new InvalidOperationException($"Data:MaxPoolSize:{service} must be at least 1.");
            result[service] = size;
            rest -= size;
        }
        if (rest < 0)
            throw new InvalidOperationException($"Data:MaxPoolSize gives this process's services {budget - rest} connections, more than Data:ConnectionBudget ({budget}).");
        var others = services.Where(s => !result.ContainsKey(s)).ToList();
        if (others.Count == 0) return result;
        var share = rest / others.Count;
        if (share < 1)
            throw new InvalidOperationException($"Data:ConnectionBudget ({budget}) leaves less than one connection for each of {string.Join(", ", others)}; raise it or lower Data:MaxPoolSize.");
        foreach (var service in others) result[service] = share;
        return result;
    }
}
