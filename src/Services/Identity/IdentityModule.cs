using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Identity.Data;
using TaskFlow.Identity.Features;
using TaskFlow.Identity.Security;
using TaskFlow.Identity.Contracts;

namespace TaskFlow.Identity;

/// <summary>Accounts, sign-in (JWT access + rotating refresh tokens), password reset, email verification and profiles.</summary>
public sealed class IdentityModule : IServiceModule
{
    public string Name => "identity";

    public IReadOnlyList<string> RoutePrefixes => ["/v1/auth", "/v1/users", "/.well-known"];

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApiExample(new Register.RegisterRequest("ada@example.com", "correct-Horse-battery-9", "Ada Lovelace"));
        builder.Services.AddOpenApiExample(new Login.LoginRequest("ada@example.com", "correct-Horse-battery-9"));
        builder.Services.AddOptions<IdentityOptions>()
            .BindConfiguration(IdentityOptions.Section)
            .Validate(o => o.IsValid(), "Identity options are invalid: lifetimes must be positive, RefreshLifetime longer than AccessLifetime, Lockout:MaxFailures above 0.")
            .ValidateOnStart();
        builder.AddServiceDb<IdentityDb, SqliteIdentityDb, PostgresIdentityDb>(Name);
        builder.Services.Configure<MessagingOptions>(o => o.ScrubbedOnceSent.Add(nameof(UserDeleted)));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SigningKeyStore>();
        // Later registration wins: this process validates tokens with the keys in its own store, not over HTTP.
        builder.Services.AddSingleton<ISigningKeySource>(sp => sp.GetRequiredService<SigningKeyStore>());
        builder.Services.AddHostedService<SigningKeyRotation>();
        builder.Services.AddScoped<Sessions>();
        builder.Services.AddSingleton<ShopAdmins>();
        builder.Services.AddSingleton<PasswordWork>();
        builder.Services.AddHttpClient("workspaces");
        builder.Services.AddSingleton<LoginThrottle>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/v1/auth").WithTags("Auth");
        Register.Map(auth);
        Login.Map(auth);
        RefreshTokens.Map(auth);
        Passwords.Map(auth);
        EmailVerification.Map(auth);

        var users = app.MapGroup("/v1/users").WithTags("Users");
        Users.Map(users);
        Account.Map(users);
        WellKnown.Map(app.MapGroup("/.well-known").WithTags("Keys"));
    }
}
