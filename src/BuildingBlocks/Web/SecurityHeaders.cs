using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TaskFlow.BuildingBlocks.Web;

/// <summary>
/// Browser hardening headers on every response of every process (docs/adr/0027-browser-headers.md): no framing
/// (<c>frame-ancestors 'none'</c>, <c>X-Frame-Options: DENY</c>), no MIME sniffing, a referrer policy, HSTS on HTTPS, and a
/// Content-Security-Policy. HTML pages of the web app get the app's policy with a per-request nonce for the one inline
/// script Blazor needs (the import map); the API reference (<c>/docs</c>) only may not be framed; every other response
/// (JSON, files, attachments) may load nothing at all.
/// </summary>
public static class SecurityHeaders
{
    const string NonceKey = "TaskFlow.CspNonce";

    /// <summary>
    /// The web app's policy. WebAssembly compiles the .NET runtime (<c>'wasm-unsafe-eval'</c>); scripts come only from this
    /// origin or carry the page's nonce. Styles allow inline: MudBlazor and Blazor set <c>style</c> attributes and the
    /// theme provider renders a <c>&lt;style&gt;</c> element. <c>connect-src 'self'</c> covers the API and the hub's WebSocket.
    /// </summary>
    public static string AppPolicy(string nonce) =>
        "default-src 'self'; " +
        $"script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "form-action 'self'; " +
        "frame-ancestors 'none'";

    /// <summary>For responses that are not pages: a JSON body or a downloaded file opened directly runs nothing.</summary>
    public const string NonPagePolicy = "default-src 'none'; frame-ancestors 'none'; sandbox";

    /// <summary>The nonce of this request's page, for the inline scripts the page renders (the import map).</summary>
    public static string Nonce(HttpContext context)
    {
        if (context.Items[NonceKey] is string nonce) return nonce;
        nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceKey] = nonce;
        return nonce;
    }

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        if (context.Request.IsHttps) headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var response = http.Response;
            if (response.Headers.ContentSecurityPolicy.Count > 0) return Task.CompletedTask;
            var isHtml = response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
            response.Headers.ContentSecurityPolicy =
                http.Request.Path.StartsWithSegments("/docs") ? "frame-ancestors 'none'"
                : isHtml ? AppPolicy(Nonce(http))
                : NonPagePolicy;
            return Task.CompletedTask;
        }, context);
        return next(context);
    });
}
