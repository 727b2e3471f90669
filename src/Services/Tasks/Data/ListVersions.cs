using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TaskFlow.Tasks.Data;

/// <summary>
/// Raises the list version of the projects a transaction changed, as its last statement before COMMIT, by raising one
/// of each project's <see cref="ListVersionSlot"/>s (docs/adr/0045). On PostgreSQL the statement takes a slot that no
/// open transaction holds (<c>FOR UPDATE SKIP LOCKED</c>), or adds a slot when every one is held, so it never waits for
/// another writer of the project: before, every writer updated the project row and held it until its COMMIT, and under
/// load the writers of a busy project queued on it (ADR 0043). Readers add the slots up (<see cref="KnownProject.ListVersionBase"/>
/// + sum) in the statement that reads the project: each commit raises that sum by one, so a sum names exactly one set of
/// committed writes, whatever order the writers commit in (unlike a number taken from a sequence, whose larger value can
/// commit first). SQLite has one writer at a time and raises slot 0.
/// </summary>
/// <remarks>
/// A writer whose last SaveChanges is the last statement before COMMIT (a move, a create) sets
/// <see cref="TasksDb.FoldListVersions"/>: on PostgreSQL the statement then travels at the end of that SaveChanges' batch,
/// which saves a round trip (issue 19). Last, still: the slot is held until COMMIT, by this transaction only.
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

    /// <summary>Appends the version statement to SaveChanges' batch when the writer asked for it (PostgreSQL only: one statement per command on SQLite).</summary>
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

    /// <summary>The version statement for the noted projects (then forgotten), or null when there are none.</summary>
    static DbCommand? Command(DbTransaction transaction, TransactionEventData eventData)
    {
        if (eventData.Context is not TasksDb { ChangedListProjects.Count: > 0 } db) return null;
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Statement(command, db, "@p", db.Database.IsSqlite());
        return command;
    }

    /// <summary>The statement that raises the noted projects' versions, its parameters added to <paramref name="command"/>; forgets them.</summary>
    static string Statement(DbCommand command, TasksDb db, string prefix, bool sqlite)
    {
        var sql = new StringBuilder();
        if (sqlite) sql.Append("""INSERT INTO list_version_slots ("ProjectId", "Slot", "Version") VALUES """);
        var n = 0;
        foreach (var id in db.ChangedListProjects)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = prefix + n;
            // EF stores SQLite GUIDs as upper-case text; PostgreSQL has uuid.
            parameter.Value = sqlite ? id.ToString().ToUpperInvariant() : id;
            command.Parameters.Add(parameter);
            var p = parameter.ParameterName;
            if (sqlite)
                sql.Append(n > 0 ? ", " : "").Append('(').Append(p).Append(", 0, 1)");
            else
                // A free slot of the project (a held one is skipped, not waited for), else a new slot at a random number:
                // two writers adding at once pick different numbers (a clash only makes the second raise the first's).
                // The slot is joined from a CTE, not compared with a subquery in the UPDATE's WHERE: when the row changed
                // since the statement's snapshot, PostgreSQL re-checks the WHERE on its newest version, and a subquery
                // evaluated again there can pick another slot, so the UPDATE raised nothing and a slot was added for
                // nothing (pgbench, 16 clients for 5 s: 58 slots instead of 16).
                sql.Append(n > 0 ? ";\n" : "").Append($"""
                    WITH free AS (
                        SELECT "Slot" FROM list_version_slots WHERE "ProjectId" = {p} LIMIT 1 FOR UPDATE SKIP LOCKED),
                    raised AS (
                        UPDATE list_version_slots s SET "Version" = s."Version" + 1 FROM free
                        WHERE s."ProjectId" = {p} AND s."Slot" = free."Slot"
                        RETURNING 1)
                    INSERT INTO list_version_slots ("ProjectId", "Slot", "Version")
                    SELECT {p}, floor(random() * 2147483647)::int, 1 WHERE NOT EXISTS (SELECT FROM raised)
                    ON CONFLICT ("ProjectId", "Slot") DO UPDATE SET "Version" = list_version_slots."Version" + 1
                    """);
            n++;
        }
        if (sqlite) sql.Append(""" ON CONFLICT ("ProjectId", "Slot") DO UPDATE SET "Version" = "Version" + 1""");
        db.ChangedListProjects.Clear();
        return sql.ToString();
    }
}
