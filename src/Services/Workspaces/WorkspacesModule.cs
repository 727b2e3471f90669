using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using TaskFlow.BuildingBlocks.Hosting;

namespace TaskFlow.Workspaces;

public sealed class WorkspacesModule : IServiceModule
{
    public string Name => "workspaces";

    public IReadOnlyList<string> RoutePrefixes => ["/v1/workspaces"];

    public void AddServices(IHostApplicationBuilder builder)
    {
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
    }
}
