using System.Diagnostics.CodeAnalysis;
using Microsoft.JSInterop;

namespace TaskFlow.Web.Client.Diagnostics;

/// <summary>
/// Start-up timing marks for diagnosis (bench/web.sh): <c>performance.mark("tf:…")</c> in the browser, only when the page
/// was opened with <c>?perf</c> in its address (js/session.js decides). Otherwise, on the prerendering server and in
/// tests, every call is a no-op.
/// </summary>
internal static class Perf
{
    static IJSInProcessRuntime? js;

    /// <summary>Called once by Program.cs in the browser.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The result is a bool, which System.Text.Json reads without metadata.")]
    public static void Start(IJSRuntime runtime)
    {
        if (runtime is not IJSInProcessRuntime inProcess) return;
        try
        {
            if (inProcess.Invoke<bool>("taskflowPerf.enabled")) js = inProcess;
        }
        catch (JSException)
        {
            // session.js not on the page: no marks.
        }
    }

    public static bool Enabled => js is not null;

    public static void Mark(string name) => js?.InvokeVoid("taskflowPerf.mark", name);
}
