using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Web.Client.Auth;

namespace TaskFlow.Web.Session;

/// <summary>Configuration section <c>Web:Session</c>.</summary>
public sealed class SessionOptions
{
    public const string Section = "Web:Session";

    /// <summary>Base address of the identity API. Unset: <c>Gateway:Services:identity</c> when scaled out, else this process.</summary>
    public Uri? IdentityUrl { get; set; }

    /// <summary>How long the browser keeps the refresh cookie; match <c>Identity:Tokens:RefreshLifetime</c>.</summary>
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>
/// <c>/app/session/login|refresh|logout</c>: the only place the refresh token exists outside the identity service. It lives
/// in an HttpOnly, SameSite=Strict cookie (Secure over https) scoped to this path, so scripts never read it and other pages
/// never send it; the browser gets the access token only (docs/adr/0012-web-session.md).
/// </summary>
internal static class SessionEndpoint
{
    public const string CookieName = "taskflow_refresh";
    public const string Path = "/" + SessionService.BasePath;
    const string ClientName = "taskflow-web-identity";

    internal sealed record Credentials(string? Email, string? Password);
    internal sealed record IdentityTokens(string AccessToken, string RefreshToken, int ExpiresIn);
    internal sealed record RefreshRequest(string RefreshToken);

    public static void AddSessionEndpoint(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.Section);
        builder.Services.AddHttpClient(ClientName, (services, http) =>
        {
            http.BaseAddress = IdentityBase(services);
            http.Timeout = TimeSpan.FromSeconds(15);
        });
    }

    /// <summary>The identity API: configured, the gateway's route to identity, or this very process (all-in-one).</summary>
    static Uri IdentityBase(IServiceProvider services)
    {
        if (services.GetRequiredService<IOptions<SessionOptions>>().Value.IdentityUrl is { } configured) return configured;
        if (services.GetRequiredService<IConfiguration>()["Gateway:Services:identity"] is { Length: > 0 } gateway) return new Uri(gateway);
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var own = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault() ?? "http://localhost:5000";
        // Wildcard bindings are not addresses to call.
        own = own.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal);
        return new Uri(own.TrimEnd('/') + "/");
    }

    public static void MapSessionEndpoint(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path).AllowAnonymous().ExcludeFromDescription()
            .AddEndpointFilter(async (context, next) =>
            {
                // A cross-site page cannot add a custom header without a CORS preflight, which this endpoint never grants.
                var http = context.HttpContext;
                http.Response.Headers.CacheControl = "no-store";
                if (!http.Request.Headers.ContainsKey(SessionService.CsrfHeader))
                    return TypedResults.Problem(statusCode: 400, title: "Missing session header.", type: "https://taskflow.dev/problems/session-header-required");
                return await next(context);
            });
        group.MapPost("/login", Login);
        group.MapPost("/refresh", Refresh);
        group.MapPost("/logout", Logout);
    }

    /// <summary>True when the identity API is this very process (all-in-one): its calls are then inner calls.</summary>
    static bool IdentityIsThisProcess(IServiceProvider services) =>
        services.GetRequiredService<IOptions<SessionOptions>>().Value.IdentityUrl is null
        && services.GetRequiredService<IConfiguration>()["Gateway:Services:identity"] is not { Length: > 0 };

    /// <summary>
    /// Calls identity for the browser that sent <paramref name="http"/>. This endpoint was rate limited by that browser's
    /// address; the call carries the address on, so identity's own per-address limits count the browser, not this process:
    /// in process as a signed inner call (which the edge limiter does not count again and an outside client cannot forge),
    /// to a separate identity service as <c>X-Forwarded-For</c>, which it believes from the gateway (a known proxy).
    /// </summary>
    static async Task<HttpResponseMessage> CallIdentity<T>(HttpContext http, IHttpClientFactory clients, string path, T body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        var client = http.Connection.RemoteIpAddress;
        if (IdentityIsThisProcess(http.RequestServices))
            http.RequestServices.GetRequiredService<InnerCallKey>().Sign(request, client);
        else if (client is not null)
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", client.ToString());
        return await clients.CreateClient(ClientName).SendAsync(request, ct);
    }

    static async Task<IResult> Login(Credentials credentials, HttpContext http, IHttpClientFactory clients, IOptions<SessionOptions> options, CancellationToken ct)
    {
        using var response = await CallIdentity(http, clients, "v1/auth/login", credentials, ct);
        return await Issue(response, http, options.Value, ct);
    }

    static async Task<IResult> Refresh(HttpContext http, IHttpClientFactory clients, IOptions<SessionOptions> options, CancellationToken ct)
    {
        if (http.Request.Cookies[CookieName] is not { Length: > 0 } refreshToken)
            // Not signed in is the normal state of a visitor, not a failure: 204, so no page logs a failed request.
            return TypedResults.NoContent();
        using var response = await CallIdentity(http, clients, "v1/auth/refresh", new RefreshRequest(refreshToken), ct);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest) DeleteCookie(http);
        return await Issue(response, http, options.Value, ct);
    }

    static async Task<NoContent> Logout(HttpContext http, IHttpClientFactory clients, CancellationToken ct)
    {
        if (http.Request.Cookies[CookieName] is { Length: > 0 } refreshToken)
        {
            try
            {
                using var response = await CallIdentity(http, clients, "v1/auth/logout", new RefreshRequest(refreshToken), ct);
            }
            catch (HttpRequestException)
            {
                // Signing out of this browser must work even when identity is unreachable; the token then simply expires.
            }
        }
        DeleteCookie(http);
        return TypedResults.NoContent();
    }

    /// <summary>On success: refresh token into the cookie, access token to the page. Otherwise the identity problem as it came.</summary>
    static async Task<IResult> Issue(HttpResponseMessage response, HttpContext http, SessionOptions options, CancellationToken ct)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.Headers.RetryAfter is { } retryAfter) http.Response.Headers.RetryAfter = retryAfter.ToString();
            return TypedResults.Content(body, response.Content.Headers.ContentType?.ToString() ?? "application/problem+json", statusCode: (int)response.StatusCode);
        }
        var tokens = await response.Content.ReadFromJsonAsync<IdentityTokens>(JsonSerializerOptions.Web, ct)
            ?? throw new InvalidOperationException("The identity service answered 200 without tokens.");
        http.Response.Cookies.Append(CookieName, tokens.RefreshToken, new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = Path,
            Expires = DateTimeOffset.UtcNow + options.CookieLifetime,
            IsEssential = true,
        });
        return TypedResults.Ok(new Client.Api.SessionToken(tokens.AccessToken, tokens.ExpiresIn));
    }

    static void DeleteCookie(HttpContext http) =>
        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = Path, HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Strict });
}
