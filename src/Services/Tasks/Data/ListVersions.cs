using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TaskFlow.Tasks.Data;

/// <summary>
/// Raises <see cref="KnownProject.ListVersion"/> of the projects a transaction changed, as its last statement before
/// COMMIT. Last, so the project row, which every writer of the project updates, is locked only for the commit itself:
/// writers that lock task rows in different orders cannot deadlock on it, and a long import does not hold it.
/// </summary>
internal sealed class ListVersions : DbTransactionInterceptor
{
    public static readonly ListVersions Instance = new();

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
        if (eventData.Context is TasksDb db) db.ChangedListProjects.Clear();
    }

    /// <summary>The UPDATE for the noted projects (then forgotten), or null when there are none.</summary>
    static DbCommand? Command(DbTransaction transaction, TransactionEventData eventData)
    {
        if (eventData.Context is not TasksDb { ChangedListProjects.Count: > 0 } db) return null;
        var sqlite = db.Database.IsSqlite();
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        var names = new List<string>(db.ChangedListProjects.Count);
        foreach (var id in db.ChangedListProjects)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + names.Count;
            // EF stores SQLite GUIDs as upper-case text; PostgreSQL has uuid.
            parameter.Value = sqlite ? id.ToString().ToUpperInvariant() : id;
            command.Parameters.Add(parameter);
            names.Add(parameter.ParameterName);
        }
        command.CommandText = $"""UPDATE projects SET "ListVersion" = "ListVersion" + 1 WHERE "Id" IN ({string.Join(", ", names)})""";
        db.ChangedListProjects.Clear();
        return command;
    }
}
