namespace TaskFlow.Web.Client.Components;

/// <summary>One action of the command palette: what it says, its group, and what it does.</summary>
public sealed record PaletteCommand(string Title, string Group, Func<Task> Run, string? Keys = null);

/// <summary>
/// What the page on screen adds to the command palette (Ctrl+K): actions on a task the keyboard is on (a focused card or
/// row: S, P, A, L open the palette on one kind of them) and how to create a task there. A page registers itself when it
/// starts and leaves when it is disposed; the palette asks at the moment it opens.
/// </summary>
public sealed class PaletteContext
{
    object? owner;

    /// <summary>The kinds of task actions the palette opens with a key.</summary>
    public static readonly string[] TaskKinds = ["status", "priority", "assignee", "labels"];

    /// <summary>The actions of one kind (<see cref="TaskKinds"/>, or null for all) on a task of the page, or none when it is not there.</summary>
    public Func<Guid, string?, Task<IReadOnlyList<PaletteCommand>>>? TaskCommands { get; private set; }

    /// <summary>Starts creating a task on this page (null: the page cannot).</summary>
    public Func<Task>? CreateTask { get; private set; }

    /// <summary>The task the keyboard was on when the palette opened.</summary>
    public Guid? FocusedTask { get; set; }

    public void Register(object page, Func<Guid, string?, Task<IReadOnlyList<PaletteCommand>>>? taskCommands, Func<Task>? createTask)
    {
        owner = page;
        TaskCommands = taskCommands;
        CreateTask = createTask;
    }

    public void Unregister(object page)
    {
        if (!ReferenceEquals(owner, page)) return;
        (owner, TaskCommands, CreateTask, FocusedTask) = (null, null, null, null);
    }
}
