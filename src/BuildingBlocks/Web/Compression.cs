using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace TaskFlow.BuildingBlocks.Web;

/// <summary>
/// Endpoint metadata: never compress this endpoint's responses (they carry a secret; see docs/adr/0013-response-compression.md).
/// Add with <c>.WithMetadata(new NoResponseCompression())</c>.
/// </summary>
public sealed class NoResponseCompression;

/// <summary>
/// Brotli or gzip (fastest level) for API JSON and problem details, also over HTTPS, except for responses that carry a
/// secret (docs/adr/0013-response-compression.md). Static assets are precompressed at build time and served by
/// MapStaticAssets; pages are not compressed (they carry the antiforgery token next to reflected text).
/// </summary>
public static class Compression
{
    /// <summary>JSON only: the API's bodies and problems.</summary>
    public static readonly string[] MimeTypes = ["application/json", "application/problem+json"];

    /// <summary>
    /// Paths whose responses hand out secrets (tokens, the session, webhook signing keys) with text a caller chose: never
    /// compressed, whatever the endpoint's metadata says.
    /// </summary>
    public static readonly string[] SecretPaths = ["/v1/auth", "/app/session"];

    public static void AddApiCompression(this IServiceCollection services)
    {
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.MimeTypes = MimeTypes;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Replace(ServiceDescriptor.Singleton<IResponseCompressionProvider, SecretSafeCompressionProvider>());
    }

    internal static bool CarriesSecret(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<NoResponseCompression>() is not null) return true;
        var path = context.Request.Path;
        foreach (var prefix in SecretPaths)
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)) return true;
        // Webhook creation and secret rotation answer with the signing secret.
        return path.Value?.Contains("/webhooks", StringComparison.OrdinalIgnoreCase) == true;
    }

    sealed class SecretSafeCompressionProvider(IServiceProvider services, IOptions<ResponseCompressionOptions> options)
        : ResponseCompressionProvider(services, options)
    {
        public override bool ShouldCompressResponse(HttpContext context) => !CarriesSecret(context) && base.ShouldCompressResponse(context);
    }
}
