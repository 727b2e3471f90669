using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Identity.Security;

namespace TaskFlow.Identity.Features;

internal static class WellKnown
{
    /// <summary>A public signing key (RFC 7517).</summary>
    internal sealed record JsonWebKey(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);

    /// <summary>The public signing keys.</summary>
    internal sealed record JsonWebKeySet(IReadOnlyList<JsonWebKey> Keys);

    /// <summary>The minimal discovery document.</summary>
    internal sealed record DiscoveryDocument(
        [property: System.Text.Json.Serialization.JsonPropertyName("issuer")] string Issuer,
        [property: System.Text.Json.Serialization.JsonPropertyName("jwks_uri")] string JwksUri);

    public static void Map(RouteGroupBuilder wellKnown)
    {
        wellKnown.MapGet("/jwks.json", GetJwks).AllowAnonymous()
            .WithSummary("Public keys that sign access tokens (JWKS)")
            .WithDescription("Includes keys about to sign and retired keys whose tokens may still be valid.");
        wellKnown.MapGet("/openid-configuration", GetDiscovery).AllowAnonymous()
            .WithSummary("Issuer and JWKS address");
    }

    static async Task<Ok<JsonWebKeySet>> GetJwks(SigningKeyStore keys, HttpContext context, CancellationToken ct)
    {
        var published = await keys.GetPublicKeys(ct);
        // Modest caching: new keys are published Identity:Tokens:KeyActivationDelay (10 min by default) before they sign.
        context.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Ok(new JsonWebKeySet(published.Select(ToJwk).ToList()));
    }

    static Ok<DiscoveryDocument> GetDiscovery(IOptions<AuthOptions> auth, HttpContext context)
    {
        context.Response.Headers.CacheControl = "public, max-age=3600";
        var request = context.Request;
        return TypedResults.Ok(new DiscoveryDocument(auth.Value.Issuer, $"{request.Scheme}://{request.Host}{request.PathBase}/.well-known/jwks.json"));
    }

    static JsonWebKey ToJwk(ECDsaSecurityKey key)
    {
        var parameters = key.ECDsa.ExportParameters(includePrivateParameters: false);
        return new JsonWebKey("EC", "P-256", Base64UrlEncoder.Encode(parameters.Q.X), Base64UrlEncoder.Encode(parameters.Q.Y), key.KeyId, "sig", SecurityAlgorithms.EcdsaSha256);
    }
}
