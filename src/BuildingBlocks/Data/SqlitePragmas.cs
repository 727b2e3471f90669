using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace TaskFlow.BuildingBlocks.Data;

/// <summary>
/// Per-connection SQLite settings, applied once to each pooled native connection when EF Core opens it:
/// <list type="bullet">
/// <item><c>busy_timeout</c>: a writer that finds the database locked waits inside SQLite (retrying within a millisecond
/// or so) instead of failing to Microsoft.Data.Sqlite's own retry loop, which sleeps 150 ms between attempts.</item>
/// <item><c>synchronous=NORMAL</c>: in WAL mode a commit no longer waits for an fsync of the log (checkpoints still
/// sync); a power loss can drop the last commits, never corrupt the file. The usual setting for WAL.</item>
/// </list>
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    /// <summary>Native connections (pooled across <see cref="SqliteConnection"/> objects) already configured.</summary>
    static readonly ConditionalWeakTable<sqlite3, object> Configured = [];

    const string Pragmas = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    static void Apply(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } sqlite || Configured.TryGetValue(handle, out _)) return;
        using var command = sqlite.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
        Configured.AddOrUpdate(handle, Pragmas);
    }
}
