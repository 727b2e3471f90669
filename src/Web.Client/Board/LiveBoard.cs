using System.Globalization;
using System.Text.Json;
using TaskFlow.Web.Client.Api;
using TaskFlow.Web.Client.Realtime;

namespace TaskFlow.Web.Client.Board;

/// <summary>What a live event of the project means for the cards on the board.</summary>
public enum LiveChange
{
    /// <summary>Nothing on the cards changes (comments, attachments).</summary>
    None,
    /// <summary>The event carries the card's new column and rank: apply it without a request.</summary>
    Move,
    /// <summary>One card changed or appeared: fetch that one task.</summary>
    Fetch,
    /// <summary>One card is gone.</summary>
    Remove,
    /// <summary>The board as a whole may have changed (workflow, archive, an event this client does not know): reload it.</summary>
    Reload,
}

/// <summary>
/// Applies live events to the board one card at a time, so a change by someone else costs one small request (or none)
/// instead of reloading every column.
/// </summary>
public static class LiveBoard
{
    public static LiveChange Classify(ProjectEvent e) => e.Type switch
    {
        "TaskMoved" when e.TaskId is not null => LiveChange.Move,
        "TaskCreated" or "TaskUpdated" or "TaskAssigned" or "TaskUnassigned" when e.TaskId is not null => LiveChange.Fetch,
        "TaskDeleted" when e.TaskId is not null => LiveChange.Remove,
        "CommentAdded" or "CommentEdited" or "CommentDeleted" or "AttachmentAdded" or "AttachmentDeleted" => LiveChange.None,
        _ => LiveChange.Reload,
    };

    /// <summary>The column and rank a <c>TaskMoved</c> event puts its task in.</summary>
    public static bool TryReadMove(JsonElement data, out Guid toStatusId, out string rank)
    {
        (toStatusId, rank) = (Guid.Empty, "");
        if (data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("toStatusId", out var to) || !to.TryGetGuid(out toStatusId)
            || !data.TryGetProperty("rank", out var r) || r.GetString() is not { Length: > 0 } value)
            return false;
        rank = value;
        return true;
    }

    /// <summary>
    /// The board list with <paramref name="card"/> (new or changed) in its column at the place its rank gives: ranks
    /// compare ordinally, ties by task number (docs/adr/0006-board-ranks.md). The other cards keep their order.
    /// </summary>
    public static List<TaskItem> PlaceByRank(IEnumerable<TaskItem> all, TaskItem card)
    {
        var list = all.Where(t => t.Id != card.Id).ToList();
        var lastInColumn = -1;
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].StatusId != card.StatusId) continue;
            if (Compare(list[i], card) > 0)
            {
                list.Insert(i, card);
                return list;
            }
            lastInColumn = i;
        }
        list.Insert(lastInColumn >= 0 ? lastInColumn + 1 : list.Count, card);
        return list;
    }

    /// <summary>Board order within a column.</summary>
    public static int Compare(TaskItem a, TaskItem b)
    {
        var byRank = string.CompareOrdinal(a.Rank, b.Rank);
        return byRank != 0 ? byRank : Number(a.Key).CompareTo(Number(b.Key));
    }

    static long Number(string key) =>
        long.TryParse(key.AsSpan(key.LastIndexOf('-') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
