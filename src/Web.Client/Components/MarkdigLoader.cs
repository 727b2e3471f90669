using Microsoft.AspNetCore.Components.WebAssembly.Services;

namespace TaskFlow.Web.Client.Components;

/// <summary>
/// Loads the lazy Markdig assembly once per app, however many MarkdownViews ask at the same time: the runtime's lazy
/// loader reads the download's body each time it is called for the same asset, and a second concurrent call failed
/// with "Failed to execute 'arrayBuffer' on 'Response': body stream already read" (a page with several comments).
/// </summary>
static class MarkdigLoader
{
    static Task? loading;

    public static bool IsLoaded { get; private set; }

    /// <summary>The last attempt failed (offline); the next view asks again.</summary>
    public static bool Failed { get; private set; }

    public static Task Load(LazyAssemblyLoader assemblies)
    {
        if (IsLoaded) return Task.CompletedTask;
        return loading ??= LoadOnce(assemblies);
    }

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Markdig is trimmed with the app: its code the app calls is kept.")]
    static async Task LoadOnce(LazyAssemblyLoader assemblies)
    {
        try
        {
            // Outside the browser (prerendering, tests) this completes at once: the assembly is already there.
            await assemblies.LoadAssembliesAsync(["Markdig.wasm"]);
            (IsLoaded, Failed) = (true, false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Failed = true;
            loading = null;
            Console.WriteLine($"Markdown renderer could not be loaded: {e.Message}");
        }
    }
}
