using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;

namespace TaskFlow.BuildingBlocks.Web;

/// <summary>What every process of the platform has: JSON logs, telemetry, problem details, token validation, OpenAPI and health.</summary>
public static class WebDefaults
{
    public static void AddWebDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });

        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            o.SerializerOptions.Converters.Add(new TextWithoutControlCharacters());
        });
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDetailsDefaults.Customize);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();

        builder.AddTokenValidation();
        builder.Services.AddInnerCalls();

        builder.Services.AddHealthChecks();
        builder.Services.AddApiCompression();

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("taskflow-" + serviceName))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter("TaskFlow.*")
                .AddPrometheusExporter());
        // Traces only when something receives them: with no exporter, recording every request's and every database
        // command's activity was ~7 % of a cheap read and went nowhere (docs/adr/0046-cheaper-read-by-id.md). The request's activity
        // (trace id in log scopes, problem details and correlation ids) exists either way: ASP.NET Core starts it for logging.
        if (TracesExported(builder.Configuration))
            otel.WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/health") && !c.Request.Path.StartsWithSegments("/metrics"))
                .AddHttpClientInstrumentation()
                .AddSource("Npgsql")
                .AddSource("TaskFlow.*"));
        if (builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 })
            otel.UseOtlpExporter();
    }

    /// <summary>
    /// Whether this process records traces: when an OTLP endpoint is configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>), or
    /// <c>Telemetry:Traces</c> says so (true: record them, e.g. for a listener attached another way; false: never).
    /// </summary>
    public static bool TracesExported(IConfiguration configuration) =>
        configuration.GetValue<bool?>("Telemetry:Traces") ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 };

    /// <summary>The request pipeline, outermost first.</summary>
    public static void UseWebDefaults(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseResponseCompression();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<CorrelationMiddleware>();
        app.UseInnerCalls();
        // Before authentication: a shed request costs the process next to nothing (docs/adr/0044).
        app.UseLoadShedding();
        app.UseAuthentication();
        if (HasRateLimiter(app)) app.UseRateLimiter();
        app.UseAuthorization();
    }

    static bool HasRateLimiter(WebApplication app) =>
        app.Services.GetService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>>()?.Value.GlobalLimiter is not null;

    /// <summary>
    /// Health is always public (load balancers, orchestrators). <c>/metrics</c>, <c>/openapi</c> and <c>/docs</c> follow
    /// <c>Platform:Diagnostics</c> (docs/adr/0029-abuse-resistance.md): with <c>Port</c> set they answer only on
    /// that extra listener (for Prometheus and operators on the internal network); else <c>Public</c> decides whether they
    /// are on the ordinary listener — by default yes, except on the gateway, the public edge of the scaled-out shape.
    /// </summary>
    public static void MapPlatformEndpoints(this WebApplication app, bool isGateway = false)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        var port = DiagnosticsPort(app.Configuration);
        var isPublic = app.Configuration.GetValue<bool?>("Platform:Diagnostics:Public") ?? !isGateway;
        if (port is null && !isPublic) return;
        var diagnostics = MapDiagnostics(app);
        if (port is { } p) diagnostics.RequireHost($"*:{p}");
    }

    /// <summary><c>Platform:Diagnostics:Port</c>: the extra listener of <c>/metrics</c>, <c>/openapi</c> and <c>/docs</c>.</summary>
    public static int? DiagnosticsPort(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        configuration.GetValue<int?>("Platform:Diagnostics:Port");

    /// <summary>Adds the diagnostics listener (<c>Platform:Diagnostics:Port</c>, on every interface) to the configured URLs.</summary>
    public static void AddDiagnosticsListener(this WebApplicationBuilder builder)
    {
        if (DiagnosticsPort(builder.Configuration) is not { } port) return;
        var urls = builder.Configuration[Microsoft.AspNetCore.Hosting.WebHostDefaults.ServerUrlsKey] is { Length: > 0 } u ? u : "http://localhost:5000";
        builder.WebHost.UseSetting(Microsoft.AspNetCore.Hosting.WebHostDefaults.ServerUrlsKey, $"{urls};http://+:{port}");
    }

    static RouteGroupBuilder MapDiagnostics(WebApplication app)
    {
        var group = app.MapGroup("");
        group.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        group.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        group.MapScalarApiReference("/docs", o =>
        {
            o.WithTitle("TaskFlow API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddPreferredSecuritySchemes("Bearer");
            // Our reference, not a vendor's: no fonts from a third-party host, no telemetry, no vendor client, AI agent,
            // MCP or developer-tools buttons.
            o.DefaultFonts = false;
            o.Telemetry = false;
            o.HideClientButton = true;
            o.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            o.Agent = new ScalarAgentOptions { Disabled = true };
            o.Mcp = new ScalarMcpOptions { Disabled = true };
        }).AllowAnonymous();
        return group;
    }
}
