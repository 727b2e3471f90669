using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Hosting;

namespace TaskFlow.TestKit;

/// <summary>
/// One route of the running app: an HTTP method (<c>*</c> when the endpoint takes any method, as a SignalR connection
/// does) and the pattern without route constraints (<c>/v1/projects/{projectId}</c>).
/// </summary>
public sealed record ServiceRoute(string Method, string Pattern, RouteEndpoint Endpoint)
{
    /// <summary>The endpoint lets a caller in without a token: no authorization metadata, or <c>AllowAnonymous</c>.</summary>
    public bool AllowsAnonymous =>
        Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null || Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0;

    public override string ToString() => $"{Method} {Pattern}";
}

/// <summary>
/// The routes a service module owns in the running app, read from its <see cref="EndpointDataSource"/>s, so an access
/// suite keyed by these strings fails when an endpoint is added without a case. A route belongs to the module the
/// gateway would send it to: among the prefixes of every module that cover it, a prefix with route parameters wins over
/// a plain one, then the longest (so <c>/v1/projects/{projectId}/tasks</c> is the tasks service's, not the projects service's).
/// </summary>
public static partial class RouteTable
{
    [GeneratedRegex(":[^}]+")]
    private static partial Regex Constraint();

    public static IReadOnlyList<ServiceRoute> Of<TModule>(IServiceProvider services) where TModule : IServiceModule, new()
    {
        var owner = new TModule().Name;
        var modules = Modules();
        if (!modules.Any(m => m.Name == owner)) throw new InvalidOperationException($"Module {owner} is not among the loaded modules.");
        return [.. All(services).Where(r => OwnerOf(r.Pattern, modules) == owner).OrderBy(r => r.ToString(), StringComparer.Ordinal)];
    }

    /// <summary>Every route endpoint of the app with a route pattern, one row per HTTP method.</summary>
    public static IEnumerable<ServiceRoute> All(IServiceProvider services) =>
        services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { Length: > 0 })
            .SelectMany(e =>
            {
                var pattern = Normalize(e.RoutePattern.RawText!);
                var methods = e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
                return methods.Count == 0 ? [new ServiceRoute("*", pattern, e)] : methods.Select(m => new ServiceRoute(m, pattern, e));
            })
            .DistinctBy(r => r.ToString());

    /// <summary><c>/v1/x/{id:guid}/</c> → <c>/v1/x/{id}</c>.</summary>
    public static string Normalize(string pattern)
    {
        var path = Constraint().Replace(pattern, "").TrimEnd('/');
        return path.StartsWith('/') ? path : "/" + path;
    }

    /// <summary>The name of the module whose prefix the gateway would route <paramref name="pattern"/> by, or null.</summary>
    public static string? OwnerOf(string pattern, IReadOnlyList<IServiceModule> modules)
    {
        var route = Segments(pattern);
        return modules
            .SelectMany(m => m.RoutePrefixes.Select(p => (Module: m.Name, Prefix: Segments(Normalize(p)))))
            .Where(c => Covers(c.Prefix, route))
            .OrderByDescending(c => c.Prefix.Any(IsParameter))
            .ThenByDescending(c => c.Prefix.Length)
            .Select(c => c.Module)
            .FirstOrDefault();
    }

    /// <summary>Every module type of the loaded TaskFlow assemblies (the host references them all).</summary>
    public static IReadOnlyList<IServiceModule> Modules()
    {
        return [.. AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name?.StartsWith("TaskFlow.", StringComparison.Ordinal) == true)
            .SelectMany(Types)
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IServiceModule).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IServiceModule)Activator.CreateInstance(t)!)
            .DistinctBy(m => m.Name)];
    }

    static IEnumerable<Type> Types(Assembly assembly)
    {
        try
        {
            return assembly.GetExportedTypes();
        }
        catch (Exception ex) when (ex is ReflectionTypeLoadException or NotSupportedException)
        {
            return [];
        }
    }

    static string[] Segments(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    static bool IsParameter(string segment) => segment.StartsWith('{');

    static bool Covers(string[] prefix, string[] route) =>
        prefix.Length <= route.Length
        && prefix.Select((segment, i) => IsParameter(segment) ? IsParameter(route[i]) : string.Equals(segment, route[i], StringComparison.Ordinal)).All(x => x);
}
