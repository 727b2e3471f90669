using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace TaskFlow.BuildingBlocks.Hosting;

/// <summary>A service of the platform: registers itself and maps its endpoints, whoever hosts it.</summary>
public interface IServiceModule
{
    /// <summary>Short lowercase name used by <c>--services</c>, database names and queue names.</summary>
    string Name { get; }

    /// <summary>
    /// Path prefixes this service owns; the gateway routes them to it when scaled out. An entry may contain route
    /// parameters (e.g. <c>/v1/workspaces/{workspaceId}/projects</c>): the gateway matches such patterns before plain prefixes.
    /// </summary>
    IReadOnlyList<string> RoutePrefixes { get; }

    void AddServices(IHostApplicationBuilder builder);

    void MapEndpoints(IEndpointRouteBuilder app);
}
