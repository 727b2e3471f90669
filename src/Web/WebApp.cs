using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskFlow.Web.Client;
using TaskFlow.Web.Session;

namespace TaskFlow.Web;

/// <summary>
/// The browser app: Razor components prerendered here and interactive through WebAssembly, plus the small session
/// endpoint that keeps the refresh token in an HttpOnly cookie. The host adds it in the all-in-one and gateway shapes.
/// </summary>
public static class WebApp
{
    /// <summary>Paths the app must never answer; they belong to the API and the platform.</summary>
    public static readonly string[] ReservedPrefixes = ["/v1", "/docs", "/openapi", "/health", "/metrics", "/.well-known"];

    public static void AddWebApp(this WebApplicationBuilder builder)
    {
        // Run from a build output (tests, `dotnet run`) the assets live in obj/ and NuGet folders, listed by the runtime
        // manifest that only Development reads by default; a published app has no such manifest and this does nothing.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveWebAssemblyComponents();
        // Prerendering resolves the same services as the browser; it never calls the API (no token on the server).
        builder.Services.AddTaskFlowClient(new Uri("http://localhost/"));
        builder.AddSessionEndpoint();
    }

    public static void MapWebApp(this WebApplication app)
    {
        app.UseAntiforgery();
        // Test hosts built without the web app's assets (WebApplicationFactory in another output folder) have no manifest;
        // they still serve the API, and the pages then reference unfingerprinted asset paths.
        var manifest = Path.Combine(AppContext.BaseDirectory, app.Environment.ApplicationName + ".staticwebassets.endpoints.json");
        if (File.Exists(manifest)) app.MapStaticAssets();
        app.MapSessionEndpoint();
        app.MapRazorComponents<Components.App>()
            .AddInteractiveWebAssemblyRenderMode()
            .AddAdditionalAssemblies(typeof(ClientServices).Assembly)
            .AllowAnonymous();
    }
}
