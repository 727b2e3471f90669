using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using TaskFlow.BuildingBlocks.Hosting;

namespace TaskFlow.Gateway;

/// <summary>The API gateway: routes each module's path prefixes to the process that runs it (scaled out).</summary>
public static class GatewaySetup
{
    public static void AddGateway(this IHostApplicationBuilder builder, IReadOnlyList<IServiceModule> modules)
    {
    }

    public static void MapGateway(this WebApplication app)
    {
    }
}
