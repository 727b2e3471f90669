using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using TaskFlow.BuildingBlocks.Hosting;

namespace TaskFlow.Notifications;

public sealed class NotificationsModule : IServiceModule
{
    public string Name => "notifications";

    public IReadOnlyList<string> RoutePrefixes => ["/v1/notifications"];

    public void AddServices(IHostApplicationBuilder builder)
    {
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
    }
}
