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
}
