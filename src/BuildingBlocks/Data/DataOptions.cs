namespace TaskFlow.BuildingBlocks.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Configuration section <c>Data</c>: where every service keeps its database.</summary>
public sealed class DataOptions
{
    public const string Section = "Data";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Base PostgreSQL connection string; each service gets its own database <c>{DatabasePrefix}_{service}</c>.</summary>
    public string? Postgres { get; set; }

    public string DatabasePrefix { get; set; } = "taskflow";

    /// <summary>
    /// The most PostgreSQL connections this process opens, all its services together: each service's pool gets
    /// <c>MaxPoolSize:{service}</c> when set, the others an equal share of the rest (docs/adr/0044). The default fits
    /// PostgreSQL's default <c>max_connections</c> (100) with room for other clients; a scaled-out deployment sets it per
    /// process so that all processes together fit.
    /// </summary>
    public int ConnectionBudget { get; set; } = 48;

    /// <summary>Pool sizes of single services (e.g. <c>Data:MaxPoolSize:tasks</c>), taken from <see cref="ConnectionBudget"/>.</summary>
    public Dictionary<string, int> MaxPoolSize { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The longest a request waits for a PostgreSQL connection: a free one of its pool when the pool is at its size, or a
    /// new one. Past it the request is answered 503 (<c>database-unavailable</c>) instead of waiting on.
    /// </summary>
    public TimeSpan ConnectionTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
