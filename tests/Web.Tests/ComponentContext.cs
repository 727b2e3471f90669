using Bunit;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Web.Client;

namespace TaskFlow.Web.Tests;

/// <summary>A bUnit context with MudBlazor's services; MudBlazor's JavaScript calls are answered loosely (no browser here).</summary>
public abstract class ComponentContext : BunitContext
{
    protected ComponentContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        // The panel's sections load their own data: give them the real clients, pointed at a port nothing listens on
        // (their calls end in a network problem at once; tests that need data pass it to the presentational parts).
        Services.AddTaskFlowClient(new Uri("http://127.0.0.1:9/"));
        Render<MudBlazor.MudPopoverProvider>();
    }
}
