using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace TaskFlow.BuildingBlocks.Web;

/// <summary>
/// The shop's administrators: an access token carries <c>role: admin</c> when identity issued it to an account listed
/// in <c>Shop:Admins</c> (docs/adr/0032-shop-admins.md). Routes that change the catalog or stock require the
/// <see cref="Policy"/>: no token is 401, a token without the role is 403.
/// </summary>
public static class AdminRole
{
    public const string ClaimType = "role";
    public const string Admin = "admin";
    public const string Policy = "shop-admin";

    public static IServiceCollection AddAdminPolicy(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p.RequireAuthenticatedUser().RequireClaim(ClaimType, Admin));
        return services;
    }
}
