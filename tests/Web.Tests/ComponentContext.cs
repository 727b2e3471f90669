using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace TaskFlow.Web.Tests;

/// <summary>A bUnit context with MudBlazor's services; MudBlazor's JavaScript calls are answered loosely (no browser here).</summary>
public abstract class ComponentContext : BunitContext
{
    protected ComponentContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Render<MudBlazor.MudPopoverProvider>();
    }
}
