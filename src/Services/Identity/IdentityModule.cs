using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using TaskFlow.BuildingBlocks.Hosting;

namespace TaskFlow.Identity;

public sealed class IdentityModule : IServiceModule
{
    public string Name => "identity";

    public IReadOnlyList<string> RoutePrefixes => ["/v1/identity"];

    public void AddServices(IHostApplicationBuilder builder)
    {
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
    }
}
