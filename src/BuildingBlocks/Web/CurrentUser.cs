using System.Security.Claims;

namespace TaskFlow.BuildingBlocks.Web;

public static class CurrentUser
{
    /// <summary>The signed-in user's id from the access token's <c>sub</c> claim.</summary>
    public static Guid UserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue("sub") ?? principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            ? id
            : throw new InvalidOperationException("The request has no authenticated user.");

    public static string? Email(this ClaimsPrincipal principal) =>
        principal.FindFirstValue("email") ?? principal.FindFirstValue(ClaimTypes.Email);
}
