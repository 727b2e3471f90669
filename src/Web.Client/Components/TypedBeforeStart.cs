using System.Text.Json;
using Microsoft.JSInterop;

namespace TaskFlow.Web.Client.Components;

/// <summary>
/// What a person typed into a prerendered form (marked <c>data-keep-typed</c>) before WebAssembly started and rendered it
/// anew (js/app.js keeps it): the page adopts it on its first interactive render, so nothing typed is lost.
/// </summary>
public static class TypedBeforeStart
{
    /// <summary>The typed values by input id, and the id of the field that had the focus (to give it back).</summary>
    public static async Task<(Dictionary<string, string> Values, string? Focused)> Take(IJSRuntime js)
    {
        try
        {
            var taken = await js.InvokeAsync<JsonElement>("taskflowTyped.take");
            var values = new Dictionary<string, string>();
            if (taken.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.Object)
                foreach (var field in v.EnumerateObject())
                    if (field.Value.ValueKind == JsonValueKind.String) values[field.Name] = field.Value.GetString()!;
            var focused = taken.TryGetProperty("focused", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            return (values, focused);
        }
        catch (JSException)
        {
            return (new Dictionary<string, string>(), null);
        }
    }

    /// <summary>Gives the focus back to <paramref name="id"/> (caret at the end) once the page shows the adopted values.</summary>
    public static async Task Refocus(IJSRuntime js, string? id)
    {
        if (id is null) return;
        try
        {
            await js.InvokeVoidAsync("taskflowTyped.refocus", id);
        }
        catch (JSException)
        {
        }
    }
}
