using Microsoft.JSInterop;

namespace TaskFlow.Web.Client.Board;

/// <summary>
/// Where js/app.js reports a card dropped on the board (the browser's own drag and drop, listened to once for the page):
/// the card, the column and the index among the column's other cards shown there; also cards moved with the keyboard and
/// the server answering again after a time offline.
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

    /// <summary>A card moved with the keyboard: the task, columns to the right (negative: left), places down (negative: up).</summary>
    public Func<Guid, int, int, Task>? MovedBy { get; init; }

    /// <summary>The server answers again after a time offline.</summary>
    public Func<Task>? ServerBack { get; init; }

    [JSInvokable]
    public Task MoveBy(string taskId, int columns, int places) =>
        MovedBy is not null && Guid.TryParse(taskId, out var task) ? MovedBy(task, columns, places) : Task.CompletedTask;

    [JSInvokable]
    public Task Online() => ServerBack?.Invoke() ?? Task.CompletedTask;

    public void Dispose() => Reference.Dispose();
}
