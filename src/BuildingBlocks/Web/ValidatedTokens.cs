using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TaskFlow.BuildingBlocks.Web;

/// <summary>
/// The access-token handler of every service: <see cref="JsonWebTokenHandler"/>, remembering the tokens whose signature it
/// has checked, so a client's next request with the same token skips the ECDSA verification and the JSON parsing (about
/// 12 % of a read by id, docs/adr/0046-cheaper-read-by-id.md).
/// </summary>
/// <remarks>
/// Nothing is weakened: an entry is the exact token string that passed every check with the same signing keys (the key
/// collection JwtBearer passes in is the configuration's, replaced on a key refresh, which empties the cache's use); the
/// token's lifetime is checked again on every use; revoked sessions are still checked on every request afterwards
/// (<c>OnTokenValidated</c>, <see cref="RevokedSessions"/>); each request gets its own copy of the claims. Only valid
/// tokens are stored, at most <see cref="MaxEntries"/>, expired ones swept out when it is full.
/// </remarks>
public sealed class ValidatedTokens : JsonWebTokenHandler
{
    internal const int MaxEntries = 10_000;

    sealed record Entry(object Keys, TokenValidationResult Result, DateTime ValidTo);

    readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    long hits;

    /// <summary>Validations answered from memory.</summary>
    public long Hits => Interlocked.Read(ref hits);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        var keys = validationParameters.IssuerSigningKeys;
        if (token is not null && keys is not null && entries.TryGetValue(token, out var entry) && ReferenceEquals(entry.Keys, keys))
        {
            if (DateTime.UtcNow <= entry.ValidTo + validationParameters.ClockSkew)
            {
                Interlocked.Increment(ref hits);
                return new TokenValidationResult
                {
                    IsValid = true,
                    SecurityToken = entry.Result.SecurityToken,
                    ClaimsIdentity = entry.Result.ClaimsIdentity.Clone(),
                    TokenType = entry.Result.TokenType,
                    Issuer = entry.Result.Issuer,
                };
            }
            entries.TryRemove(token, out _);
        }
        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && token is not null && keys is not null && result.SecurityToken is { } validated)
        {
            if (entries.Count >= MaxEntries) Sweep();
            // The stored identity is only ever copied from: the request gets the first copy like every later one.
            var stored = new TokenValidationResult
            {
                IsValid = true, SecurityToken = validated, ClaimsIdentity = result.ClaimsIdentity.Clone(), TokenType = result.TokenType, Issuer = result.Issuer,
            };
            entries[token] = new Entry(keys, stored, validated.ValidTo);
        }
        return result;
    }

    void Sweep()
    {
        var now = DateTime.UtcNow;
        foreach (var (token, entry) in entries)
            if (entry.ValidTo < now) entries.TryRemove(token, out _);
        if (entries.Count >= MaxEntries) entries.Clear();
    }
}
