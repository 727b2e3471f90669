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
    /// The bottom of a column: one step after <paramref name="low"/> at its own length ("5k" → "5l", "5z" → "6"), or one
    /// more character when it is all 'z' ("zz" → "zz1"). Halving the room to the end instead (the midpoint) added a
    /// character every five or so appends, so a busy column (creations and moves go to the bottom) needed a rebalance
    /// of every row every few hundred appends; stepping adds one every 35.
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
                // The digits after i carry over to 0 and are dropped: a rank never ends in '0'.
                chars[i] = Digits[digit + 1];
                return new string(chars, 0, i + 1);
            }
        }
        return low + "1";
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
