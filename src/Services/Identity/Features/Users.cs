using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Identity.Data;
using TaskFlow.Identity.Contracts;
using TaskFlow.Identity.Security;

namespace TaskFlow.Identity.Features;

internal static class Users
{
    /// <summary>The signed-in user's profile.</summary>
    internal sealed record UserProfile(Guid Id, string Email, string DisplayName, string? AvatarUrl, string? TimeZone, string? Locale, bool EmailVerified, DateTime CreatedAt)
    {
        public static UserProfile From(User u) => new(u.Id, u.Email, u.DisplayName, u.AvatarUrl, u.TimeZone, u.Locale, u.EmailVerified, u.CreatedAt);
    }

    /// <summary>What any signed-in user may see of another.</summary>
    internal sealed record PublicProfile(Guid Id, string DisplayName, string? AvatarUrl);

    /// <summary>Profile changes. A missing or null field is left as it is; an empty string clears avatarUrl, timeZone or locale.</summary>
    /// <param name="DisplayName">1 to 100 characters.</param>
    /// <param name="AvatarUrl">An absolute http(s) URL.</param>
    /// <param name="TimeZone">An IANA time zone id such as <c>Europe/Paris</c>.</param>
    /// <param name="Locale">A culture name such as <c>en-US</c>.</param>
    internal sealed record UpdateProfileRequest(string? DisplayName, string? AvatarUrl, string? TimeZone, string? Locale);

    public static void Map(RouteGroupBuilder users)
    {
        users.MapGet("/me", Get).RequireAuthorization().WithSummary("The signed-in user's profile")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        users.MapPatch("/me", Update).RequireAuthorization()
            .WithSummary("Change the signed-in user's profile")
            .WithDescription("Publishes UserProfileUpdated when something changed.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        users.MapGet("/{id:guid}", GetPublic).RequireAuthorization().WithSummary("Another user's public profile")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    static async Task<Results<Ok<UserProfile>, ProblemHttpResult>> Get(ClaimsPrincipal principal, IdentityDb db, CancellationToken ct)
    {
        var userId = principal.UserId();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        return user is null ? Problems.UserNotFound() : TypedResults.Ok(UserProfile.From(user));
    }

    static async Task<Results<Ok<PublicProfile>, ProblemHttpResult>> GetPublic(Guid id, IdentityDb db, CancellationToken ct)
    {
        var profile = await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new PublicProfile(u.Id, u.DisplayName, u.AvatarUrl))
            .SingleOrDefaultAsync(ct);
        return profile is null ? Problems.UserNotFound() : TypedResults.Ok(profile);
    }

    static async Task<Results<Ok<UserProfile>, ValidationProblem, ProblemHttpResult>> Update(
        UpdateProfileRequest request, ClaimsPrincipal principal, IdentityDb db, TimeProvider time, CancellationToken ct)
    {
        var timeZone = request.TimeZone is { Length: > 0 } tz ? Rules.FindTimeZone(tz) : null;
        var errors = new FieldErrors()
            .Check("displayName", request.DisplayName is null ? null : Rules.DisplayName(request.DisplayName))
            .Check("avatarUrl", request.AvatarUrl is { Length: > 0 } url ? Rules.AvatarUrl(url) : null)
            .Check("timeZone", request.TimeZone is { Length: > 0 } && timeZone is null ? "Time zone must be an IANA id such as Europe/Paris." : null)
            .Check("locale", request.Locale is { Length: > 0 } locale && !Rules.IsLocale(locale) ? "Locale must be a culture name such as en-US." : null);
        if (errors.Any) return errors.ToProblem();

        var userId = principal.UserId();
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return Problems.UserNotFound();

        if (request.DisplayName is not null) user.DisplayName = request.DisplayName.Trim();
        if (request.AvatarUrl is not null) user.AvatarUrl = request.AvatarUrl.Length == 0 ? null : request.AvatarUrl;
        if (request.TimeZone is not null) user.TimeZone = timeZone;
        if (request.Locale is not null) user.Locale = request.Locale.Length == 0 ? null : request.Locale;
        if (db.ChangeTracker.HasChanges())
        {
            user.UpdatedAt = time.GetUtcNow().UtcDateTime;
            db.Publish(new UserProfileUpdated(user.Id, user.Email, user.DisplayName));
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Ok(UserProfile.From(user));
    }
}
