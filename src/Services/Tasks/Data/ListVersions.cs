using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TaskFlow.Tasks.Data;

/// <summary>
/// Raises <see cref="KnownProject.ListVersion"/> of the projects a transaction changed, as its last statement before
/// COMMIT. Last, so the project row, which every writer of the project updates, is locked only for the commit itself:
/// writers that lock task rows in different orders cannot deadlock on it, and a long import does not hold it.
/// </summary>
/// <remarks>
/// A writer whose last SaveChanges is the last statement before COMMIT (a move, a create) sets
/// <see cref="TasksDb.FoldListVersions"/>: on PostgreSQL the UPDATE then travels at the end of that SaveChanges' batch,
/// which saves a round trip (issue 19) and still locks the project row last.
/// </remarks>
internal sealed class ListVersions : DbTransactionInterceptor, IDbCommandInterceptor
{
    public static readonly ListVersions Instance = new();

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Fold(command, eventData);
        return result;
    }

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Fold(command, eventData);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Fold(command, eventData);
        return result;
    }

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Fold(command, eventData);
        return ValueTask.FromResult(result);
    }

    /// <summary>Appends the UPDATE to SaveChanges' batch when the writer asked for it (PostgreSQL only: one statement per command on SQLite).</summary>
    static void Fold(DbCommand command, CommandEventData eventData)
    {
        if (eventData.CommandSource != CommandSource.SaveChanges
            || eventData.Context is not TasksDb { FoldListVersions: true, ChangedListProjects.Count: > 0, IsPostgres: true } db) return;
        db.FoldListVersions = false;
        command.CommandText = command.CommandText.TrimEnd() + "\n" + Statement(command, db, "@lv", sqlite: false) + ";";
    }

    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        using var command = Command(transaction, eventData);
        command?.ExecuteNonQuery();
        return result;
    }

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        await using var command = Command(transaction, eventData);
        if (command is not null) await command.ExecuteNonQueryAsync(cancellationToken);
        return result;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Clear(eventData);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Clear(eventData);
        return Task.CompletedTask;
    }

    static void Clear(TransactionEventData eventData)
    {
        if (eventData.Context is not TasksDb db) return;
        db.ChangedListProjects.Clear();
        db.FoldListVersions = false;
    }

    /// <summary>The UPDATE for the noted projects (then forgotten), or null when there are none.</summary>
    static DbCommand? Command(DbTransaction transaction, TransactionEventData eventData)
    {
        if (eventData.Context is not TasksDb { ChangedListProjects.Count: > 0 } db) return null;
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Statement(command, db, "@p", db.Database.IsSqlite());
        return command;
    }

    /// <summary>The UPDATE of the noted projects, its parameters added to <paramref name="command"/>; forgets them.</summary>
    static string Statement(DbCommand command, TasksDb db, string prefix, bool sqlite)
    {
        var names = new List<string>(db.ChangedListProjects.Count);
        foreach (var id in db.ChangedListProjects)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = prefix + names.Count;
            // EF stores SQLite GUIDs as upper-case text; PostgreSQL has uuid.
            parameter.Value = sqlite ? id.ToString().ToUpperInvariant() : id;
            command.Parameters.Add(parameter);
            names.Add(parameter.ParameterName);
        }
        db.ChangedListProjects.Clear();
        return $"""UPDATE projects SET "ListVersion" = "ListVersion" + 1 WHERE "Id" IN ({string.Join(", ", names)})""";
    }
}
