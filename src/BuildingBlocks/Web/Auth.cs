using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace TaskFlow.BuildingBlocks.Web;

/// <summary>Configuration section <c>Auth</c>: how every service validates access tokens.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";
    public string Issuer { get; set; } = "taskflow";
    public string Audience { get; set; } = "taskflow-api";
    /// <summary>Where services outside the identity process read the public keys (scaled out), e.g. <c>http://identity:8080/.well-known/jwks.json</c>.</summary>
    public string? JwksUrl { get; set; }
    public TimeSpan KeyCacheLifetime { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The public keys access tokens are validated with. The identity service supplies them in process; elsewhere they come from its JWKS.</summary>
public interface ISigningKeySource
{
    Task<IReadOnlyList<SecurityKey>> GetValidationKeys(CancellationToken cancellationToken);
}

sealed class JwksSigningKeySource(IHttpClientFactory http, IOptions<AuthOptions> options) : ISigningKeySource
{
    public async Task<IReadOnlyList<SecurityKey>> GetValidationKeys(CancellationToken cancellationToken)
    {
        var url = options.Value.JwksUrl ?? throw new InvalidOperationException("Auth:JwksUrl is required when the identity service runs in another process.");
        var json = await http.CreateClient("jwks").GetStringAsync(new Uri(url), cancellationToken);
        return new JsonWebKeySet(json).GetSigningKeys().ToList();
    }
}

/// <summary>
/// Feeds JwtBearer with the current keys and refreshes them when a token names an unknown key id
/// (JwtBearer calls <see cref="RequestRefresh"/> on a signature failure), so rotation needs no restart.
/// </summary>
sealed class SigningKeysConfigurationManager(ISigningKeySource source, IOptions<AuthOptions> options) : IConfigurationManager<OpenIdConnectConfiguration>
{
    readonly SemaphoreSlim gate = new(1, 1);
    OpenIdConnectConfiguration? current;
    DateTime expiresAt;
    DateTime lastRefresh;

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (current is not null && DateTime.UtcNow < expiresAt) return current;
        await gate.WaitAsync(cancel);
        try
        {
            if (current is not null && DateTime.UtcNow < expiresAt) return current;
            var configuration = new OpenIdConnectConfiguration { Issuer = options.Value.Issuer };
            foreach (var key in await source.GetValidationKeys(cancel)) configuration.SigningKeys.Add(key);
            current = configuration;
            lastRefresh = DateTime.UtcNow;
            expiresAt = lastRefresh + options.Value.KeyCacheLifetime;
            return configuration;
        }
        finally
        {
            gate.Release();
        }
    }

    public void RequestRefresh()
    {
        // At most one forced refresh every few seconds, so forged key ids cannot hammer the identity service.
        if (DateTime.UtcNow - lastRefresh > TimeSpan.FromSeconds(5)) expiresAt = DateTime.MinValue;
    }
}

public static class AuthSetup
{
    public static void AddTokenValidation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        builder.Services.AddHttpClient("jwks");
        builder.Services.AddSingleton<ISigningKeySource, JwksSigningKeySource>();
        builder.Services.AddSingleton<SigningKeysConfigurationManager>();
        SharedRevocations.AddTo(builder.Services, builder.Configuration);
        builder.Services.AddSingleton(sp => new RevokedSessions(sp.GetService<SharedRevocations>()));
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeysConfigurationManager, IOptions<AuthOptions>, RevokedSessions>((o, keys, auth, revoked) =>
            {
                // A token of a session that was signed out (logout, password reset, refresh-token reuse) stops at once.
                o.Events ??= new JwtBearerEvents();
                var validated = o.Events.OnTokenValidated;
                o.Events.OnTokenValidated = async context =>
                {
                    await validated(context);
                    if (await revoked.IsRevoked(context.Principal?.FindFirst("sid")?.Value)) context.Fail("The session was signed out.");
                };
                o.MapInboundClaims = false;
                // The standard handler, remembering the tokens it validated (the signature check is the costly part of a read).
                o.TokenHandlers.Clear();
                o.TokenHandlers.Add(new ValidatedTokens { MapInboundClaims = false });
                o.ConfigurationManager = keys;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = auth.Value.Audience,
                    ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                    NameClaimType = "name",
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });
        builder.Services.AddAuthorization();
    }
}
