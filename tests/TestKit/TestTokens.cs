using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TaskFlow.BuildingBlocks.Web;

namespace TaskFlow.TestKit;

/// <summary>A signed-in person as the identity service would describe them in an access token.</summary>
public sealed record TestUser(Guid Id, string Email, string DisplayName)
{
    public static TestUser New(string? name = null)
    {
        var id = Guid.NewGuid();
        return new TestUser(id, $"user-{id:N}@example.com", name ?? "User " + id.ToString("N")[..6]);
    }
}

/// <summary>
/// Mints ES256 access tokens with the contract's claims (issuer taskflow, audience taskflow-api; sub, email, name,
/// email_verified, jti, iat, exp), signed with a key a <see cref="TestTokenApp"/> trusts, for tests that need many
/// users and do not test access. Tests of access sign in through identity (<see cref="Accounts.SignUp"/>); to a host
/// that does not trust this key (a plain <see cref="TaskFlowApp"/>) a minted token is a forgery.
/// </summary>
public static class TestTokens
{
    static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    const string KeyId = "test-tokens";

    public static SecurityKey PublicKey { get; } = new ECDsaSecurityKey(ECDsa.Create(Key.ExportParameters(includePrivateParameters: false))) { KeyId = KeyId };

    /// <param name="user">Who the token is for.</param>
    /// <param name="emailVerified">The <c>email_verified</c> claim.</param>
    /// <param name="role">A <c>role</c> claim (the shop's <c>admin</c>), or none.</param>
    public static string For(TestUser user, bool emailVerified = true, string? role = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = "taskflow",
            Audience = "taskflow-api",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(15),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = user.Id.ToString(),
                ["email"] = user.Email,
                ["name"] = user.DisplayName,
                ["email_verified"] = emailVerified ? "true" : "false",
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(Key) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha256),
        };
        if (role is not null) descriptor.Claims.Add("role", role);
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    public static HttpClient Client(this TaskFlowApp app, TestUser user)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", For(user));
        return client;
    }
}

/// <summary>The validation keys the app trusts in tests: the public half of <see cref="TestTokens"/>' key.</summary>
public sealed class TestKeys(params SecurityKey[] keys) : ISigningKeySource
{
    public Task<IReadOnlyList<SecurityKey>> GetValidationKeys(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<SecurityKey>>(keys);
}

/// <summary>
/// The all-in-one host trusting tokens minted by <see cref="TestTokens"/> besides the identity service's own, for
/// suites that need many users without paying for real sign-ups. Access suites sign up for real in the same host
/// (<see cref="Accounts.SignUp"/>), so what they prove does not rest on the minted tokens.
/// </summary>
public class TestTokenApp(Provider provider) : TaskFlowApp(provider)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(TrustMintedTokens);
    }

    /// <summary>Makes the host trust <see cref="TestTokens"/>' key besides the keys it already trusts.</summary>
    public static void TrustMintedTokens(IServiceCollection services)
    {
        var identity = services.LastOrDefault(d => d.ServiceType == typeof(ISigningKeySource));
        services.AddSingleton<ISigningKeySource>(sp => new TestKeysBesides(identity is null ? null : Resolve(identity, sp), TestTokens.PublicKey));
    }

    static ISigningKeySource Resolve(ServiceDescriptor descriptor, IServiceProvider services) =>
        (ISigningKeySource)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    sealed class TestKeysBesides(ISigningKeySource? identity, SecurityKey minted) : ISigningKeySource
    {
        public async Task<IReadOnlyList<SecurityKey>> GetValidationKeys(CancellationToken cancellationToken) =>
            identity is null ? [minted] : [.. await identity.GetValidationKeys(cancellationToken), minted];
    }
}
