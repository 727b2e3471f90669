using Microsoft.JSInterop;

namespace TaskFlow.Web.Client.Layout;

/// <summary>
/// The projects a user starred, kept in this browser's localStorage under the user's id (js/team.js): the Projects API has no
/// per-user favourites, and a favourite is a navigation shortcut, so losing it with the browser's storage costs little
/// (docs/adr/0026-team-screens.md).
/// </summary>
public sealed class Favourites(IJSRuntime js)
{
    IJSObjectReference? module;
    Guid? loadedFor;
    HashSet<Guid> ids = [];

    public event Action? Changed;

    public bool Contains(Guid projectId) => ids.Contains(projectId);

    public async Task Load(Guid userId)
    {
        if (loadedFor == userId) return;
        loadedFor = userId;
        ids = [];
        var text = await (await Module()).InvokeAsync<string?>("load", Key(userId));
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            if (Guid.TryParse(part, out var id)) ids.Add(id);
        Changed?.Invoke();
    }

    public async Task Toggle(Guid projectId)
    {
        if (loadedFor is not { } user) return;
        if (!ids.Remove(projectId)) ids.Add(projectId);
        Changed?.Invoke();
        await (await Module()).InvokeVoidAsync("save", Key(user), string.Join(',', ids));
    }

    async Task<IJSObjectReference> Module() => module ??= await js.InvokeAsync<IJSObjectReference>("import", "./js/team.js");

    static string Key(Guid userId) => $"taskflow.favourites.{userId:n}";
}
