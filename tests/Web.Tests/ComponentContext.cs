using Bunit;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Web.Client;
using TaskFlow.Web.Client.Api;

namespace TaskFlow.Web.Tests;

/// <summary>A bUnit context with MudBlazor's services; MudBlazor's JavaScript calls are answered loosely (no browser here).</summary>
public abstract class ComponentContext : BunitContext
{
    protected ComponentContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddTaskFlowClient();
        // There is no API behind component tests: the panel's self-loading sections wait for ever (loading state), so nothing
        // re-renders behind a test's back. Tests that need data hand it to the presentational components directly.
        Services.AddScoped<IApiTransport>(_ => new HttpTransport(new HttpClient(new NoApi()) { BaseAddress = new Uri("http://api.invalid/"), Timeout = Timeout.InfiniteTimeSpan }));
        Render<MudBlazor.MudPopoverProvider>();
    }

    sealed class NoApi : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            new TaskCompletionSource<HttpResponseMessage>().Task;
    }
}
