using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>
/// PostgreSQL only: what a move or a create reads under the project's rank lock, sent with the lock as one command of
/// several statements, so it costs one round trip (issue 19). Npgsql sends the statements together and PostgreSQL runs
/// them in order; in READ COMMITTED each statement takes its snapshot when it starts, so the reads after the lock see
/// every rank that a writer holding the lock before committed (one statement with the lock inside would not: its
/// snapshot predates the wait). The SQL mirrors the LINQ of <see cref="MoveTask"/>'s Place and <see cref="CreateTask"/>:
/// ranks compare bytewise (collation "C"), ties broken by number.
/// </summary>
internal static class ColumnReads
{
    /// <summary>A neighbour's position.</summary>
    internal sealed record Position(string Rank, long Number);

    /// <summary>What a move found: the target status's category (null: not a live status of the project), the neighbours named (null: not in the column), and the column next to them.</summary>
    internal sealed record MoveColumn(string? StatusCategory, Position? After, Position? Before, string? Low, string? High, bool Between)
    {
        /// <summary>The new rank, or null when there is no room (or after and before are not neighbours in that order): as Place.</summary>
        public string? Rank()
        {
            if (After is not null && Before is not null)
            {
                var ordered = string.CompareOrdinal(After.Rank, Before.Rank) < 0 || (After.Rank == Before.Rank && After.Number < Before.Number);
                if (Between || !ordered) return null;
            }
            if (High is not null && string.CompareOrdinal(Low ?? "", High) >= 0) return null;
            var rank = Ranks.Between(Low, High);
            return rank.Length > Ranks.MaxLength ? null : rank;
        }
    }

    /// <summary>Takes the rank lock shared and reads a move's column, in the open transaction.</summary>
    public static async Task<MoveColumn> Read(TasksDb db, WorkItem task, Guid statusId, Guid? after, Guid? before, CancellationToken ct)
    {
        await using var command = Command(db);
        Add(command, "p", task.ProjectId);
        Add(command, "s", statusId);
        Add(command, "t", task.Id);
        var sql = new List<string>();
        if (Ranks.NoteLock(db, task.ProjectId, shared: true))
        {
            Add(command, "key", Ranks.LockKey(task.ProjectId));
            sql.Add(Ranks.LockSql(shared: true, "@key"));
        }
        sql.Add("""SELECT "Category" FROM statuses WHERE "Id" = @s AND "ProjectId" = @p AND NOT "Removed" """);
        const string Column = """t."ProjectId" = @p AND t."StatusId" = @s AND t."Id" <> @t""";
        static string Neighbour(string id) => $"""SELECT "Rank", "Number" FROM tasks WHERE "Id" = {id} AND "ProjectId" = @p AND "StatusId" = @s""";
        if (after is { } a)
        {
            Add(command, "a", a);
            sql.Add(Neighbour("@a"));
        }
        if (before is { } b)
        {
            Add(command, "b", b);
            sql.Add(Neighbour("@b"));
        }
        sql.Add((after, before) switch
        {
            (not null, not null) => $"""
                SELECT EXISTS (SELECT 1 FROM tasks t, tasks a, tasks b WHERE a."Id" = @a AND b."Id" = @b AND {Column}
                  AND (t."Rank", t."Number") > (a."Rank", a."Number") AND (t."Rank", t."Number") < (b."Rank", b."Number"))
                """,
            (not null, null) => $"""
                SELECT t."Rank" FROM tasks t, tasks a WHERE a."Id" = @a AND {Column} AND (t."Rank", t."Number") > (a."Rank", a."Number")
                ORDER BY t."Rank", t."Number" LIMIT 1
                """,
            (null, not null) => $"""
                SELECT t."Rank" FROM tasks t, tasks b WHERE b."Id" = @b AND {Column} AND (t."Rank", t."Number") < (b."Rank", b."Number")
                ORDER BY t."Rank" DESC, t."Number" DESC LIMIT 1
                """,
            _ => $"""SELECT t."Rank" FROM tasks t WHERE {Column} ORDER BY t."Rank" DESC, t."Number" DESC LIMIT 1""",
        });
        command.CommandText = string.Join(";\n", sql);

        await using var reader = await command.ExecuteReaderAsync(ct);
        if (sql.Count > 0 && sql[0].StartsWith("SELECT pg_advisory", StringComparison.Ordinal)) await reader.NextResultAsync(ct);
        var category = await reader.ReadAsync(ct) ? reader.GetString(0) : null;
        Position? afterRow = null, beforeRow = null;
        if (after is not null)
        {
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct)) afterRow = new Position(reader.GetString(0), reader.GetInt64(1));
        }
        if (before is not null)
        {
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct)) beforeRow = new Position(reader.GetString(0), reader.GetInt64(1));
        }
        await reader.NextResultAsync(ct);
        var found = await reader.ReadAsync(ct);
        string? low = null, high = null;
        var between = false;
        switch (after, before)
        {
            case (not null, not null):
                between = found && reader.GetBoolean(0);
                (low, high) = (afterRow?.Rank, beforeRow?.Rank);
                break;
            case (not null, null):
                (low, high) = (afterRow?.Rank, found ? reader.GetString(0) : null);
                break;
            case (null, not null):
                (low, high) = (found ? reader.GetString(0) : null, beforeRow?.Rank);
                break;
            default:
                low = found ? reader.GetString(0) : null;
                break;
        }
        return new MoveColumn(category, afterRow, beforeRow, low, high, between);
    }

    /// <summary>What a create found: its number (null: the project has no counter row yet), and its status (null: none) with the category and the column's last rank.</summary>
    internal sealed record CreateColumn(long? Number, Guid? StatusId, string? StatusCategory, string? LastRank);

    /// <summary>
    /// Raises the project's task counter (its row stays locked until commit, so concurrent creations get distinct numbers),
    /// takes the rank lock exclusive, and reads the status (<paramref name="statusId"/>, else the first of category todo,
    /// else the first) with the last rank of its column: in that order, which is the lock order of ADR 0006.
    /// </summary>
    public static async Task<CreateColumn> ReadForCreate(TasksDb db, Guid projectId, Guid? statusId, CancellationToken ct)
    {
        await using var command = Command(db);
        Add(command, "p", projectId);
        var sql = new List<string> { """UPDATE task_counters SET "LastNumber" = "LastNumber" + 1 WHERE "ProjectId" = @p RETURNING "LastNumber" """ };
        var locked = Ranks.NoteLock(db, projectId, shared: false);
        if (locked)
        {
            Add(command, "key", Ranks.LockKey(projectId));
            sql.Add(Ranks.LockSql(shared: false, "@key"));
        }
        if (statusId is { } sid) Add(command, "s", sid);
        sql.Add($"""
            SELECT s."Id", s."Category",
              (SELECT t."Rank" FROM tasks t WHERE t."ProjectId" = @p AND t."StatusId" = s."Id" ORDER BY t."Rank" DESC, t."Number" DESC LIMIT 1)
            FROM statuses s WHERE s."ProjectId" = @p AND NOT s."Removed"{(statusId is null ? "" : """ AND s."Id" = @s""")}
            ORDER BY CASE WHEN s."Category" = 'todo' THEN 0 ELSE 1 END, s."Position" LIMIT 1
            """);
        command.CommandText = string.Join(";\n", sql);

        await using var reader = await command.ExecuteReaderAsync(ct);
        long? number = await reader.ReadAsync(ct) ? reader.GetInt64(0) : null;
        if (locked) await reader.NextResultAsync(ct);
        await reader.NextResultAsync(ct);
        if (!await reader.ReadAsync(ct)) return new CreateColumn(number, null, null, null);
        return new CreateColumn(number, reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    static DbCommand Command(TasksDb db)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Column reads run in the writer's transaction; begin one first.");
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        return command;
    }

    static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
