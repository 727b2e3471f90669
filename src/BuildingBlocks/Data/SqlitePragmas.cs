using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TaskFlow.BuildingBlocks.Data;

/// <summary>
/// Per-connection SQLite settings, applied on every open (they do not stick to the file).
/// <c>busy_timeout</c>: a writer that finds the database locked waits inside SQLite, retrying within milliseconds;
/// without it Microsoft.Data.Sqlite retries on its own after sleeping 150 ms each time, which turned short lock
/// waits into second-long stalls under concurrent writes. <c>synchronous=NORMAL</c>: with WAL, commits no longer
/// wait for an fsync; a process crash loses nothing, a power cut can lose the last commits but never corrupts the file (ADR 0004).
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    const string Pragmas = "PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
