using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskFlow.Web.Client;
using TaskFlow.Web.Client.Api;
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
        builder.Services.AddTaskFlowClient();
        builder.Services.AddScoped<IApiTransport>(_ => new HttpTransport(new HttpClient { BaseAddress = new Uri("http://localhost/") }));
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
            .AllowAnonymous()
            .Finally(endpoint =>
            {
                WithoutResourceCollectionUrl(endpoint.Metadata);
                WithSmallerImportMap(endpoint.Metadata);
            });
    }

    /// <summary>
    /// MapRazorComponents hands WebAssembly the address of <c>_framework/resource-collection.js</c> (every static asset
    /// with its integrity hash: 68 KB, 10 KB gzipped) so that <c>Assets[…]</c> works in the browser, and WebAssemblyHost
    /// imports and deserialises it before it creates the renderer. Only the server's <c>App.razor</c> uses
    /// <c>Assets[…]</c>; without the address the browser's collection is empty and nothing is fetched
    /// (docs/adr/0015-web-first-load-second-pass.md). The metadata type is internal, hence the name.
    /// </summary>
    internal static void WithoutResourceCollectionUrl(IList<object> metadata)
    {
        for (var i = metadata.Count - 1; i >= 0; i--)
            if (metadata[i].GetType().Name == "ResourceCollectionUrlMetadata") metadata.RemoveAt(i);
    }

    /// <summary>
    /// The import map goes into every (uncompressed) page. It keeps the module addresses the browser imports, each with
    /// the integrity of the file it maps to; it drops the Blazor Server script and the resource collection (neither is
    /// loaded) and the integrity entries of the unfingerprinted addresses (the browser checks the address it maps to).
    /// </summary>
    internal static void WithSmallerImportMap(IList<object> metadata)
    {
        for (var i = 0; i < metadata.Count; i++)
        {
            if (metadata[i] is not ImportMapDefinition { Imports: { } imports } map) continue;
            var kept = imports.Where(e => !e.Key.Contains("blazor.server", StringComparison.Ordinal)
                    && !e.Key.Contains("resource-collection", StringComparison.Ordinal))
                .ToDictionary(e => e.Key, e => e.Value);
            var targets = kept.Values.ToHashSet(StringComparer.Ordinal);
            var integrity = map.Integrity?.Where(e => targets.Contains(e.Key)).ToDictionary(e => e.Key, e => e.Value);
            metadata[i] = new ImportMapDefinition(kept, map.Scopes, integrity);
        }
    }
}
