using Microsoft.JSInterop;

namespace TaskFlow.Web.Client.Board;

internal static class BrowserFrames
{
    /// <summary>Completes once the browser painted the current page (js/app.js); at once where there is no browser.</summary>
    public static async Task AfterNextPaint(this IJSRuntime js)
    {
        try
        {
            await js.InvokeVoidAsync("taskflowAfterPaint");
        }
        catch (JSException)
        {
            // The helper is missing (a page without app.js): carry on without waiting.
        }
        catch (InvalidOperationException)
        {
            // No JavaScript runtime (prerendering).
        }
    }
}
