using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Identity.Data;

namespace TaskFlow.Identity.Security;

/// <summary>The answer to a sign-in or refresh.</summary>
/// <param name="AccessToken">JWT (ES256) to send as <c>Authorization: Bearer</c>.</param>
/// <param name="RefreshToken">Opaque, single-use token for <c>POST /v1/auth/refresh</c>.</param>
/// <param name="ExpiresIn">Seconds until the access token expires.</param>
/// <param name="TokenType">Always <c>Bearer</c>.</param>
internal sealed record TokenResponse(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType);

/// <summary>Issues token pairs. A sign-in starts a refresh token family (the session id, claim <c>sid</c>); refreshes continue it.</summary>
internal sealed class Sessions(SigningKeyStore keys, IOptions<IdentityOptions> options, IOptions<AuthOptions> auth, TimeProvider time, ShopAdmins admins)
{
    public const string SessionClaim = "sid";
    static readonly JsonWebTokenHandler Handler = new();

    /// <summary>Adds the refresh token to <paramref name="db"/>; the caller saves.</summary>
    public async Task<TokenResponse> Issue(IdentityDb db, User user, Guid familyId, CancellationToken ct)
    {
        var tokens = options.Value.Tokens;
        var now = time.GetUtcNow().UtcDateTime;
        var refresh = OpaqueToken.New();
        db.RefreshTokens.Add(new RefreshToken
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            FamilyId = familyId,
            TokenHash = OpaqueToken.Hash(refresh),
            CreatedAt = now,
            ExpiresAt = now + tokens.RefreshLifetime,
        });
        var claims = new Dictionary<string, object>
        {
            ["sub"] = user.Id.ToString(),
            ["email"] = user.Email,
            ["name"] = user.DisplayName,
            ["email_verified"] = user.EmailVerified ? "true" : "false",
            ["jti"] = Guid.NewGuid().ToString("N"),
            [SessionClaim] = familyId.ToString(),
        };
        if (admins.IsAdmin(user)) claims.Add(ShopAdmins.RoleClaim.Key, ShopAdmins.RoleClaim.Value);
        var access = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Value.Issuer,
            Audience = auth.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + tokens.AccessLifetime,
            Claims = claims,
            SigningCredentials = await keys.GetSigningCredentials(ct),
        });
        return new TokenResponse(access, refresh, (int)tokens.AccessLifetime.TotalSeconds, "Bearer");
    }
}
