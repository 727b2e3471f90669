using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace TaskFlow.Inventory.Features;

/// <summary>Endpoint metadata: the caller needs one of these roles (read by the filter and by the access tests).</summary>
internal sealed record RequiredRoles(IReadOnlyList<string> Roles);

/// <summary>
/// Who may call what. Every route needs a signed-in user (401 otherwise). Roles come from the access token's standard
/// <c>role</c> claim (one claim per role, or a JSON array): <c>admin</c> manages stock; <c>checkout</c> is for the
/// ordering service's caller, which reserves, commits and releases (admins may too). A customer (no role) may only read
/// a product's stock. A missing role is <c>403 …/role-required</c>.
/// </summary>
internal static class InventoryAccess
{
    public const string RoleClaim = "role";
    public const string Admin = "admin";
    public const string Checkout = "checkout";

    public static bool HasRole(this ClaimsPrincipal user, string role) =>
        user.HasClaim(RoleClaim, role) || user.HasClaim(ClaimTypes.Role, role);

    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, params string[] roles) where TBuilder : IEndpointConventionBuilder
    {
        var required = new RequiredRoles(roles);
        builder.WithMetadata(required, new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
        return builder.AddEndpointFilter(async (context, next) =>
        {
            var user = context.HttpContext.User;
            return required.Roles.Any(user.HasRole) ? await next(context) : Problems.RoleRequired(required.Roles);
        });
    }

    /// <summary>The signed-in caller's id (the token's <c>sub</c>), or null.</summary>
    public static Guid? CallerId(this HttpContext context) =>
        Guid.TryParse(context.User.FindFirstValue("sub"), out var id) ? id : null;
}
