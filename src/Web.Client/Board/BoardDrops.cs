using Microsoft.JSInterop;

namespace TaskFlow.Web.Client.Board;

/// <summary>
/// Where js/app.js reports a card dropped on the board (the browser's own drag and drop, listened to once for the page):
/// the card, the column and the index among the column's other cards shown there.
/// </summary>
internal sealed class BoardDrops : IDisposable
{
    readonly Func<Guid, Guid, int, Task> dropped;

    public BoardDrops(Func<Guid, Guid, int, Task> dropped)
    {
        this.dropped = dropped;
        Reference = DotNetObjectReference.Create(this);
    }

    public DotNetObjectReference<BoardDrops> Reference { get; }

    [JSInvokable]
    public Task Drop(string taskId, string statusId, int indexInZone) =>
        Guid.TryParse(taskId, out var task) && Guid.TryParse(statusId, out var status)
            ? dropped(task, status, Math.Max(0, indexInZone))
            : Task.CompletedTask;

    public void Dispose() => Reference.Dispose();
}
