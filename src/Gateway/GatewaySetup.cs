using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.BuildingBlocks.Web;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace TaskFlow.Gateway;

/// <summary>The API gateway: routes each module's path prefixes to the process that runs it (scaled out).</summary>
/// <remarks>
/// Configuration: <c>Gateway:Services:&lt;module&gt;</c> is the base address of the process running that module
/// (e.g. <c>Gateway:Services:identity=http://identity:8080</c>); a module without an address gets no route (404).
/// The gateway rejects requests whose bearer token does not validate (401) before they reach a service,
/// applies the rate limits and forwards <c>X-Correlation-Id</c> and <c>X-Forwarded-*</c>.
/// </remarks>
public static class GatewaySetup
{
    public const string ServicesSection = "Gateway:Services";
    const string KeysUnavailable = "taskflow.gateway.keys-unavailable";
    const string RealtimeHubPath = "/v1/realtime/hub";

    public static void AddGateway(this IHostApplicationBuilder builder, IReadOnlyList<IServiceModule> modules)
    {
        var (routes, clusters) = BuildRoutes(builder.Configuration, modules);
        builder.Services.AddReverseProxy()
            .LoadFromMemory(routes, clusters)
            .AddTransforms(context =>
            {
                context.AddResponseTransform(KeepOneCorrelationId);
                context.AddRequestTransform(HubTokenToHeader);
            });

        // JwtBearer rethrows what is not a validation failure (a 500). Make every failure a failed authentication,
        // and mark the ones caused by unreachable keys (identity down), which are not the caller's fault: 503, not 401.
        builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
        {
            var received = o.Events.OnMessageReceived;
            o.Events.OnMessageReceived = async context =>
            {
                await received(context);
                if (context.Token is null && HubAccessToken(context.HttpContext.Request) is { } token) context.Token = token;
            };
            var previous = o.Events.OnAuthenticationFailed;
            o.Events.OnAuthenticationFailed = async context =>
            {
                await previous(context);
                if (context.Result is not null) return;
                if (IsKeySourceFault(context.Exception)) context.HttpContext.Items[KeysUnavailable] = true;
                context.Fail(context.Exception);
            };
        });
    }

    public static void MapGateway(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TaskFlow.Gateway");
        var proxyConfig = app.Services.GetRequiredService<IProxyConfigProvider>().GetConfig();
        foreach (var route in proxyConfig.Routes)
            logger.LogInformation("Gateway route {Path} -> {Cluster}", route.Match.Path, route.ClusterId);
        app.MapReverseProxy(proxy => proxy.Use(RejectInvalidBearer));
    }

    /// <summary>
    /// One route per module prefix (<c>{prefix}/{**rest}</c>), one cluster per module that has an address.
    /// A prefix may contain route parameters; such a pattern takes precedence (Order -1) over plain prefixes.
    /// </summary>
    internal static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) BuildRoutes(IConfiguration configuration, IReadOnlyList<IServiceModule> modules)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var module in modules)
        {
            var address = configuration[$"{ServicesSection}:{module.Name}"];
            if (string.IsNullOrWhiteSpace(address)) continue;
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new InvalidOperationException($"{ServicesSection}:{module.Name} must be an absolute http(s) address, not '{address}'.");
            clusters.Add(new ClusterConfig
            {
                ClusterId = module.Name,
                Destinations = new Dictionary<string, DestinationConfig> { [module.Name] = new() { Address = uri.ToString() } },
            });
            for (var i = 0; i < module.RoutePrefixes.Count; i++)
            {
                var prefix = module.RoutePrefixes[i];
                routes.Add(new RouteConfig
                {
                    RouteId = $"{module.Name}-{i}",
                    ClusterId = module.Name,
                    Match = new RouteMatch { Path = prefix.TrimEnd('/') + "/{**rest}" },
                    // A prefix with route parameters (e.g. "/v1/workspaces/{workspaceId}/projects") is more specific than a
                    // plain prefix that also covers it ("/v1/workspaces"), so it is matched first.
                    Order = prefix.Contains('{', StringComparison.Ordinal) ? -1 : null,
                });
            }
        }
        return (routes, clusters);
    }

    /// <summary>
    /// Anonymous requests pass (each service decides per endpoint), but a bearer token that does not validate is refused
    /// here, so forged or expired tokens never reach a service.
    /// </summary>
    static async Task RejectInvalidBearer(HttpContext context, Func<Task> next)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var hasBearer = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || HubAccessToken(context.Request) is not null;
        if (!hasBearer || context.User.Identity?.IsAuthenticated == true)
        {
            await next();
            return;
        }

        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        ProblemDetails problem;
        if (context.Items.ContainsKey(KeysUnavailable))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Sign-in is temporarily unavailable.",
                Detail = "The access token could not be checked right now. Retry after the number of seconds in the Retry-After header.",
                Type = "https://taskflow.dev/problems/auth-unavailable",
            };
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "The access token is not valid.",
                Detail = "The bearer token is malformed, expired or not signed by TaskFlow. Sign in again, or send the request without a token.",
                Type = "https://taskflow.dev/problems/invalid-token",
            };
        }
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    /// <summary>The keys could not be fetched (identity unreachable or slow); anything else is the token's fault.</summary>
    static bool IsKeySourceFault(Exception? exception) => exception switch
    {
        null => false,
        HttpRequestException or TimeoutException or OperationCanceledException or IOException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsKeySourceFault),
        _ => IsKeySourceFault(exception.InnerException),
    };

    /// <summary>
    /// The realtime hub (SignalR) takes the access token from <c>?access_token=</c>, because browsers cannot set headers
    /// on WebSocket requests. Only on that path, and only when no Authorization header is sent.
    /// </summary>
    static string? HubAccessToken(HttpRequest request) =>
        request.Path.StartsWithSegments(RealtimeHubPath) && !request.Headers.ContainsKey("Authorization")
        && request.Query["access_token"] is [{ Length: > 0 } token]
            ? token
            : null;

    /// <summary>
    /// Moves the hub's query-string token into the Authorization header of the forwarded request, so the token is not in
    /// the URL the proxy logs ("Proxying to ...") and the service checks it like any bearer token.
    /// </summary>
    static ValueTask HubTokenToHeader(RequestTransformContext context)
    {
        if (HubAccessToken(context.HttpContext.Request) is { } token)
        {
            context.Query.Collection.Remove("access_token");
            context.ProxyRequest.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The gateway already put its correlation id on the response and the service echoes the same one;
    /// YARP would append the copy, so keep exactly one value.
    /// </summary>
    static ValueTask KeepOneCorrelationId(ResponseTransformContext context)
    {
        var id = context.HttpContext.Request.Headers[CorrelationMiddleware.Header].ToString();
        if (id.Length > 0) context.HttpContext.Response.Headers[CorrelationMiddleware.Header] = id;
        return ValueTask.CompletedTask;
    }
}
