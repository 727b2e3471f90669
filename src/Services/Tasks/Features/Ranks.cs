using System.Text;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>
/// Board ranks (see docs/adr/0006-board-ranks.md): base-36 fractions written as strings of 0-9a-z without the leading
/// "0.", never ending in '0', so ordinal string order is numeric order and there is always a string between two others.
/// </summary>
internal static class Ranks
{
    public const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>Longer ranks than this mean the column ran out of room: it is rebalanced.</summary>
    public const int MaxLength = 48;

    /// <summary>A rank strictly between <paramref name="low"/> (null: the start) and <paramref name="high"/> (null: the end).</summary>
    public static string Between(string? low, string? high)
    {
        if (high is null && !string.IsNullOrEmpty(low) && After(low) is { } next) return next;
        low ??= "";
        if (high is not null && string.CompareOrdinal(low, high) >= 0)
            throw new ArgumentException($"'{low}' is not below '{high}'.", nameof(low));
        var result = new StringBuilder();
        var highOpen = high is null;
        for (var i = 0; ; i++)
        {
            var l = i < low.Length ? Digits.IndexOf(low[i], StringComparison.Ordinal) : 0;
            var h = highOpen ? Digits.Length : i < high!.Length ? Digits.IndexOf(high[i], StringComparison.Ordinal) : 0;
            if (h - l > 1)
            {
                result.Append(Digits[(l + h) / 2]);
                return result.ToString();
            }
            result.Append(Digits[l]);
            // Once the prefix is below high's prefix, high no longer bounds the remaining digits.
            if (h - l == 1) highOpen = true;
        }
    }

    /// <summary>
    /// The bottom of a column: the next value after <paramref name="low"/> at its own length ("5k" → "5l", "5z" → "61":
    /// a value ending in '0' is skipped so the length stays and every slot of it is used), or two more characters when it
    /// is all 'z' ("zz" → "zz01"). Halving the room to the end instead (the midpoint) added a character every five or so
    /// appends; stepping at the rank's own length with one more character at a time (the first version) added one every
    /// 35, so a column where every move and creation lands at the bottom was rebalanced every ~1,500 appends. Two more
    /// characters give 1,260 appends each: ~28,000 from a spread column before its ranks reach <see cref="MaxLength"/>.
    /// </summary>
    static string? After(string low)
    {
        var chars = low.ToCharArray();
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            var digit = Digits.IndexOf(chars[i], StringComparison.Ordinal);
            if (digit < 0) return null;
            if (digit < Digits.Length - 1)
            {
                chars[i] = Digits[digit + 1];
                // The digits after i carry over to 0; the last one becomes 1 so the rank does not end in '0'.
                for (var j = i + 1; j < chars.Length; j++) chars[j] = '0';
                if (chars[^1] == '0') chars[^1] = '1';
                return new string(chars);
            }
        }
        return low + "01";
    }

    /// <summary><paramref name="count"/> evenly spaced ranks, short and with room between them.</summary>
    public static List<string> Spread(int count)
    {
        var width = 1;
        long space = Digits.Length;
        while (space < (count + 1L) * Digits.Length && width < 12)
        {
            width++;
            space *= Digits.Length;
        }
        var step = space / (count + 1L);
        var ranks = new List<string>(count);
        for (var i = 1; i <= count; i++)
        {
            var value = step * i;
            var chars = new char[width];
            for (var d = width - 1; d >= 0; d--)
            {
                chars[d] = Digits[(int)(value % Digits.Length)];
                value /= Digits.Length;
            }
            ranks.Add(new string(chars).TrimEnd('0'));
        }
        return ranks;
    }

    /// <summary>
    /// Makes the open transaction the only writer of ranks in the project until it ends. Every path that reads
    /// neighbours or the bottom of a column and writes a rank takes it first, so a rebalance (which rewrites a whole
    /// column) never races a move: without it, under concurrent moves the rebalance's version checks failed on the rows
    /// others had moved meanwhile, it rolled back, and every following append to that column tried again (2026-12-05:
    /// 45 ms of CPU and a 409 for most moves). PostgreSQL: a transaction-scoped advisory lock keyed by the project.
    /// SQLite: nothing to do, its transactions begin IMMEDIATE, so a writer is alone from its first statement.
    /// <paramref name="shared"/>: a single move, which writes one row, takes the lock shared, so moves run side by side
    /// (the exclusive lock halved move throughput in one project: 47 vs 104 moves/s) and only exclude a rebalance. A
    /// move that finds no room throws <see cref="RankRoomNeeded"/>: the caller rolls back and moves again with the lock
    /// exclusive, because upgrading a lock that two movers hold would deadlock them.
    /// Lock order for writers that take several: the project's task counter, then this, then a list-version slot at commit
    /// (taken with SKIP LOCKED: never waited for, docs/adr/0045).
    /// </summary>
    public static async Task LockAsync(TasksDb db, Guid projectId, CancellationToken ct, bool shared = false)
    {
        if (!NoteLock(db, projectId, shared)) return;
        var key = LockKey(projectId);
        await (shared
            ? db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock_shared({key})", ct)
            : db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({key})", ct));
    }

    /// <summary>
    /// Notes that the open transaction takes the project's rank lock; true when the caller must now run the lock statement
    /// (<see cref="LockSql"/>), false when the transaction holds it already or the provider needs none (SQLite). For
    /// callers that send the lock in one batch with the reads it guards (issue 19: one round trip instead of two or three).
    /// </summary>
    internal static bool NoteLock(TasksDb db, Guid projectId, bool shared)
    {
        if (!db.IsPostgres) return false;
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("The rank lock is held by a transaction; begin one first.");
        if (!ReferenceEquals(db.RankLockTransaction, transaction))
        {
            db.RankLockTransaction = transaction;
            db.RankLocks.Clear();
        }
        if (db.RankLocks.TryGetValue(projectId, out var heldShared))
        {
            if (heldShared && !shared) throw new InvalidOperationException("A shared rank lock cannot be made exclusive: roll back and begin again.");
            return false;
        }
        db.RankLocks[projectId] = shared;
        return true;
    }

    /// <summary>The PostgreSQL statement that takes the lock, with its key as parameter <paramref name="keyParameter"/>.</summary>
    internal static string LockSql(bool shared, string keyParameter) =>
        shared ? $"SELECT pg_advisory_xact_lock_shared({keyParameter})" : $"SELECT pg_advisory_xact_lock({keyParameter})";

    /// <summary>Whether the open transaction holds the project's rank lock only shared (so it may not rebalance).</summary>
    internal static bool HoldsShared(TasksDb db, Guid projectId) =>
        ReferenceEquals(db.RankLockTransaction, db.Database.CurrentTransaction) && db.RankLocks.TryGetValue(projectId, out var shared) && shared;

    /// <summary>The advisory lock key of a project: the last eight bytes of its id (random in a UUIDv7).</summary>
    internal static long LockKey(Guid projectId)
    {
        Span<byte> bytes = stackalloc byte[16];
        projectId.TryWriteBytes(bytes, bigEndian: true, out _);
        return BitConverter.ToInt64(bytes[8..]);
    }

    /// <summary>Rewrites the ranks of one column evenly, keeping its order, and saves them. Returns the last rank.</summary>
    public static async Task<string?> Rebalance(TasksDb db, Guid projectId, Guid statusId, CancellationToken ct)
    {
        var column = await db.Tasks.Where(t => t.ProjectId == projectId && t.StatusId == statusId)
            .OrderBy(t => t.Rank).ThenBy(t => t.Number).ToListAsync(ct);
        var ranks = Spread(column.Count);
        for (var i = 0; i < column.Count; i++) column[i].Rank = ranks[i];
        return ranks.Count == 0 ? null : ranks[^1];
    }
}

/// <summary>A column needs a rebalance but the transaction holds the rank lock shared: roll back, retry exclusive.</summary>
internal sealed class RankRoomNeeded() : Exception("The column needs a rebalance, which takes the rank lock exclusive.");

/// <summary>Writes activity rows: one per changed field, in the change's transaction.</summary>
internal static class TaskLog
{
    public static void Record(TasksDb db, WorkItem task, Guid? actorId, DateTime at, string field, string? oldValue, string? newValue) =>
        Record(db, task.ProjectId, task.Id, actorId, at, field, oldValue, newValue);

    public static void Record(TasksDb db, Guid projectId, Guid taskId, Guid? actorId, DateTime at, string field, string? oldValue, string? newValue) =>
        db.Activities.Add(new Activity
        {
            ProjectId = projectId,
            TaskId = taskId,
            ActorId = actorId,
            At = at,
            Field = field,
            OldValue = oldValue,
            NewValue = newValue,
        });
}
