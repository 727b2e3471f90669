using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TaskFlow.Identity.Security;
using TaskFlow.TestKit;

namespace TaskFlow.Identity.Tests;

/// <summary>Refresh rotation, logout, access token validation, JWKS and persistence across restarts.</summary>
public abstract class TokenTests(TaskFlowApp app) : IdentityTestBase(app)
{
    Task<HttpResponseMessage> Refresh(string? refreshToken) => Post("/v1/auth/refresh", new { refreshToken });

    static string RefreshTokenOf(JsonElement tokens) => tokens.GetProperty("refreshToken").GetString()!;

    static string AccessTokenOf(JsonElement tokens) => tokens.GetProperty("accessToken").GetString()!;

    [Fact]
    public async Task Refresh_returns_a_new_pair()
    {
        var first = await Login(await NewUser());
        var response = await Refresh(RefreshTokenOf(first));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var second = await Json(response);
        Assert.Equal("Bearer", second.GetProperty("tokenType").GetString());
        Assert.NotEqual(RefreshTokenOf(first), RefreshTokenOf(second));
        Assert.NotEqual(AccessTokenOf(first), AccessTokenOf(second));
        Assert.Equal(HttpStatusCode.OK, (await App.Authorized(AccessTokenOf(second)).GetAsync("/v1/users/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Refresh(RefreshTokenOf(second))).StatusCode);
    }

    [Fact]
    public async Task Refresh_tokens_are_stored_hashed()
    {
        var user = await NewUser();
        var token = RefreshTokenOf(await Login(user));
        var stored = await Db(db => db.RefreshTokens.Where(t => t.UserId == user.Id).Select(t => t.TokenHash).ToListAsync(Ct));
        Assert.DoesNotContain(token, stored);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token))), stored);
    }

    [Fact]
    public async Task Refresh_with_a_used_token_revokes_the_family()
    {
        var user = await NewUser();
        var first = RefreshTokenOf(await Login(user));
        var other = RefreshTokenOf(await Login(user));
        var second = RefreshTokenOf(await Json(await Refresh(first)));

        await AssertProblem(await Refresh(first), HttpStatusCode.Unauthorized, "invalid-refresh-token");
        // The legitimate successor is revoked with the family...
        await AssertProblem(await Refresh(second), HttpStatusCode.Unauthorized, "invalid-refresh-token");
        // ...but another sign-in session is not.
        Assert.Equal(HttpStatusCode.OK, (await Refresh(other)).StatusCode);
    }

    [Fact]
    public async Task Concurrent_refreshes_with_one_token_let_at_most_one_through()
    {
        var token = RefreshTokenOf(await Login(await NewUser()));
        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Refresh(token)));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
    }

    [Fact]
    public async Task Refresh_with_an_expired_token_is_401()
    {
        var user = await NewUser();
        var token = RefreshTokenOf(await Login(user));
        await Db(db => db.RefreshTokens.Where(t => t.UserId == user.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddSeconds(-1)), Ct));
        await AssertProblem(await Refresh(token), HttpStatusCode.Unauthorized, "invalid-refresh-token");
    }

    [Fact]
    public async Task Refresh_with_an_unknown_or_missing_token_is_rejected()
    {
        await AssertProblem(await Refresh("not-a-real-token"), HttpStatusCode.Unauthorized, "invalid-refresh-token");
        await AssertValidation(await Refresh(null), "refreshToken");
        await AssertValidation(await Refresh(""), "refreshToken");
    }

    [Fact]
    public async Task Logout_revokes_the_session()
    {
        var user = await NewUser();
        var tokens = await Login(user);
        var other = RefreshTokenOf(await Login(user));
        var rotated = RefreshTokenOf(await Json(await Refresh(RefreshTokenOf(tokens))));

        Assert.Equal(HttpStatusCode.NoContent, (await Post("/v1/auth/logout", new { refreshToken = rotated })).StatusCode);
        await AssertProblem(await Refresh(rotated), HttpStatusCode.Unauthorized, "invalid-refresh-token");
        Assert.Equal(HttpStatusCode.OK, (await Refresh(other)).StatusCode);
        // Logging out twice, or with an unknown token, changes nothing and tells nothing.
        Assert.Equal(HttpStatusCode.NoContent, (await Post("/v1/auth/logout", new { refreshToken = rotated })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Post("/v1/auth/logout", new { refreshToken = "unknown" })).StatusCode);
    }

    [Fact]
    public async Task Logout_without_a_token_is_400()
    {
        await AssertValidation(await Post("/v1/auth/logout", new { }), "refreshToken");
    }

    [Fact]
    public async Task Protected_endpoints_refuse_missing_malformed_foreign_and_expired_tokens()
    {
        var user = await NewUser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.GetAsync("/v1/users/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Authorized("garbage").GetAsync("/v1/users/me", Ct)).StatusCode);

        using var foreign = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var foreignKey = new SigningCredentials(new ECDsaSecurityKey(foreign) { KeyId = "foreign" }, SecurityAlgorithms.EcdsaSha256);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Authorized(Sign(user, foreignKey, DateTime.UtcNow.AddMinutes(5))).GetAsync("/v1/users/me", Ct)).StatusCode);

        var realKey = await App.Services.GetRequiredService<SigningKeyStore>().GetSigningCredentials(Ct);
        Assert.Equal(HttpStatusCode.OK, (await App.Authorized(Sign(user, realKey, DateTime.UtcNow.AddMinutes(5))).GetAsync("/v1/users/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Authorized(Sign(user, realKey, DateTime.UtcNow.AddMinutes(-5))).GetAsync("/v1/users/me", Ct)).StatusCode);
    }

    static string Sign(RegisteredUser user, SigningCredentials credentials, DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "taskflow",
        Audience = "taskflow-api",
        IssuedAt = expires.AddMinutes(-15),
        NotBefore = expires.AddMinutes(-15),
        Expires = expires,
        Claims = new Dictionary<string, object> { ["sub"] = user.Id.ToString(), ["email"] = user.Email, ["name"] = "x", ["jti"] = Guid.NewGuid().ToString() },
        SigningCredentials = credentials,
    });

    [Fact]
    public async Task Access_tokens_verify_with_the_published_JWKS()
    {
        var token = AccessTokenOf(await Login(await NewUser()));
        var response = await Client.GetAsync("/.well-known/jwks.json", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.MaxAge is { } maxAge && maxAge <= TimeSpan.FromHours(1));
        var json = await response.Content.ReadAsStringAsync(Ct);
        var key = JsonDocument.Parse(json).RootElement.GetProperty("keys")[0];
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("P-256", key.GetProperty("crv").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
        Assert.False(key.TryGetProperty("d", out _));

        var result = await Validate(token, json);
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    internal static Task<TokenValidationResult> Validate(string token, string jwksJson) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "taskflow",
            ValidAudience = "taskflow-api",
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            IssuerSigningKeys = new JsonWebKeySet(jwksJson).GetSigningKeys(),
        });

    [Fact]
    public async Task Discovery_names_the_issuer_and_the_JWKS()
    {
        var document = await Json(await Client.GetAsync("/.well-known/openid-configuration", Ct));
        Assert.Equal("taskflow", document.GetProperty("issuer").GetString());
        Assert.EndsWith("/.well-known/jwks.json", document.GetProperty("jwks_uri").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accounts_keys_and_sessions_survive_a_restart()
    {
        var dataDir = TaskFlowApp.NewDataDir();
        var prefix = TaskFlowApp.NewDatabasePrefix();
        try
        {
            RegisteredUser user;
            JsonElement tokens;
            await using (var first = new TaskFlowApp(App.Provider, dataDir, prefix))
            {
                user = await Accounts.Register(first.CreateClient());
                tokens = await Json(await first.CreateClient().PostAsJsonAsync("/v1/auth/login", new { email = user.Email, password = user.Password }, Ct));
            }
            await using var second = new TaskFlowApp(App.Provider, dataDir, prefix);
            // The token signed before the restart still validates: the key lives in the database.
            var me = await second.Authorized(AccessTokenOf(tokens)).GetAsync("/v1/users/me", Ct);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Equal(user.Email, (await Json(me)).GetProperty("email").GetString());
            Assert.Equal(HttpStatusCode.OK, (await second.CreateClient().PostAsJsonAsync("/v1/auth/refresh", new { refreshToken = RefreshTokenOf(tokens) }, Ct)).StatusCode);
            await Accounts.SignIn(second.CreateClient(), user.Email, user.Password);
        }
        finally
        {
            if (App.Provider == Provider.Postgres) await TaskFlowApp.DropDatabases(prefix);
            if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        }
    }
}

public sealed class SqliteTokenTests(SqliteApp app) : TokenTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresTokenTests(PostgresApp app) : TokenTests(app), IClassFixture<PostgresApp>;
