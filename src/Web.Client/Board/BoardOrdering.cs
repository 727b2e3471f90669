using TaskFlow.Web.Client.Api;

namespace TaskFlow.Web.Client.Board;

/// <summary>Where a dropped card goes, in terms the move endpoint understands.</summary>
public static class BoardOrdering
{
    /// <summary>
    /// The neighbours of a card dropped at <paramref name="indexInZone"/> among the cards the user sees in the target
    /// column (a filter may hide some). <paramref name="column"/> is the whole column in rank order, both without the moved card.
    /// Returns <c>After</c> (directly above) and <c>Before</c> (directly below) as neighbours in the whole column, so the
    /// server's "must be neighbours" rule holds even when hidden cards sit between visible ones.
    /// </summary>
    public static (TaskItem? After, TaskItem? Before) Neighbours(IReadOnlyList<TaskItem> column, IReadOnlyList<TaskItem> visible, int indexInZone)
    {
        if (visible.Count == 0) return (column.Count > 0 ? column[^1] : null, null);
        if (indexInZone >= visible.Count)
        {
            var above = visible[^1];
            var at = IndexOf(column, above);
            return (above, at + 1 < column.Count ? column[at + 1] : null);
        }
        var below = visible[Math.Max(0, indexInZone)];
        var index = IndexOf(column, below);
        return (index > 0 ? column[index - 1] : null, below);
    }

    /// <summary>The board list with <paramref name="moved"/> placed between its new neighbours.</summary>
    public static List<TaskItem> Place(IEnumerable<TaskItem> all, TaskItem moved, TaskItem? after, TaskItem? before)
    {
        var list = all.Where(t => t.Id != moved.Id).ToList();
        int index;
        if (after is not null) index = list.FindIndex(t => t.Id == after.Id) + 1;
        else if (before is not null) index = list.FindIndex(t => t.Id == before.Id);
        else
        {
            var last = list.FindLastIndex(t => t.StatusId == moved.StatusId);
            index = last >= 0 ? last + 1 : list.Count;
        }
        list.Insert(Math.Clamp(index, 0, list.Count), moved);
        return list;
    }

    static int IndexOf(IReadOnlyList<TaskItem> column, TaskItem item)
    {
        for (var i = 0; i < column.Count; i++)
            if (column[i].Id == item.Id) return i;
        return -1;
    }
}
