using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Identity.Data;
using TaskFlow.Identity.Contracts;
using TaskFlow.Identity.Security;

namespace TaskFlow.Identity.Features;

/// <summary>Forgotten password (mailed single-use token), reset with it, and change while signed in.</summary>
internal static class Passwords
{
    /// <summary>The account's email.</summary>
    internal sealed record ForgotPasswordRequest(string? Email);

    /// <summary>The token from the reset email and the new password.</summary>
    internal sealed record ResetPasswordRequest(string? Token, string? NewPassword);

    /// <summary>The current password and the new one.</summary>
    internal sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

    public static void Map(RouteGroupBuilder auth)
    {
        auth.MapPost("/password/forgot", Forgot).AllowAnonymous()
            .WithSummary("Request a password reset email")
            .WithDescription("Always 202, whether or not the account exists. For an existing account publishes PasswordResetRequested; earlier reset links stop working.");
        auth.MapPost("/password/reset", Reset).AllowAnonymous()
            .WithSummary("Set a new password with a reset token")
            .WithDescription("The token is single-use and expires (Identity:Tokens:PasswordResetLifetime). Signs out every session and lifts a lockout.");
        auth.MapPost("/password/change", Change).RequireAuthorization()
            .WithSummary("Change the password")
            .WithDescription("Signs out every other session; the session of the access token used stays signed in.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
    }

    static async Task<Results<Accepted, ValidationProblem>> Forgot(
        ForgotPasswordRequest request, IdentityDb db, IOptions<IdentityOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (Rules.Email(request.Email) is { } error) return Problems.Validation("email", error);
        var normalized = User.Normalize(request.Email!);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        if (user is not null)
        {
            var now = time.GetUtcNow().UtcDateTime;
            await db.UserTokens.Where(t => t.UserId == user.Id && t.Purpose == UserTokenPurpose.PasswordReset && t.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);
            var (token, expiresAt) = UserTokens.Create(db, user.Id, UserTokenPurpose.PasswordReset, now, options.Value.Tokens.PasswordResetLifetime);
            db.Publish(new PasswordResetRequested(user.Id, user.Email, user.DisplayName, token, expiresAt));
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Accepted((string?)null);
    }

    static async Task<Results<NoContent, ValidationProblem>> Reset(
        ResetPasswordRequest request, IdentityDb db, TimeProvider time, PasswordWork passwords, RevokedSessions revoked, CancellationToken ct)
    {
        var errors = new FieldErrors()
            .Check("token", string.IsNullOrWhiteSpace(request.Token) ? "Token is required." : null)
            .Check("newPassword", Rules.Password(request.NewPassword));
        if (errors.Any) return errors.ToProblem();

        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var userId = await UserTokens.Consume(db, request.Token!, UserTokenPurpose.PasswordReset, now, ct);
        var user = userId is null ? null : await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return Problems.Validation("token", "The token is invalid, used or expired. Request a new reset email.");

        user.PasswordHash = await passwords.Hash(request.NewPassword!, ct);
        user.FailedLoginCount = 0;
        user.LockedUntil = null;
        user.UpdatedAt = now;
        var ended = await RefreshTokens.RevokeAll(db, user.Id, keepFamilyId: null, now, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        revoked.Revoke(ended);
        return TypedResults.NoContent();
    }

    static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Change(
        ChangePasswordRequest request, ClaimsPrincipal principal, IdentityDb db, TimeProvider time, PasswordWork passwords, RevokedSessions revoked,
        CancellationToken ct)
    {
        var errors = new FieldErrors()
            .Check("currentPassword", string.IsNullOrEmpty(request.CurrentPassword) ? "Current password is required." : null)
            .Check("newPassword", Rules.Password(request.NewPassword) is { } weak ? weak
                : request.NewPassword == request.CurrentPassword ? "New password must differ from the current one." : null);
        if (errors.Any) return errors.ToProblem();

        var userId = principal.UserId();
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return Problems.UserNotFound();
        if (await passwords.Verify(user.PasswordHash, request.CurrentPassword!, ct) == PasswordCheck.Failed)
            return Problems.Validation("currentPassword", "The current password is wrong.");

        var now = time.GetUtcNow().UtcDateTime;
        user.PasswordHash = await passwords.Hash(request.NewPassword!, ct);
        user.UpdatedAt = now;
        Guid? session = Guid.TryParse(principal.FindFirstValue(Sessions.SessionClaim), out var sid) ? sid : null;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var ended = await RefreshTokens.RevokeAll(db, user.Id, session, now, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        revoked.Revoke(ended);
        return TypedResults.NoContent();
    }
}

/// <summary>Single-use mailed tokens.</summary>
internal static class UserTokens
{
    /// <summary>Adds a token row (the caller saves) and returns the raw token for the email.</summary>
    public static (string Token, DateTime ExpiresAt) Create(IdentityDb db, Guid userId, UserTokenPurpose purpose, DateTime now, TimeSpan lifetime)
    {
        var token = OpaqueToken.New();
        var expiresAt = now + lifetime;
        db.UserTokens.Add(new UserToken
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            Purpose = purpose,
            TokenHash = OpaqueToken.Hash(token),
            CreatedAt = now,
            ExpiresAt = expiresAt,
        });
        return (token, expiresAt);
    }

    /// <summary>Marks a valid token used and returns its user, or null when it is unknown, used or expired.</summary>
    public static async Task<Guid?> Consume(IdentityDb db, string token, UserTokenPurpose purpose, DateTime now, CancellationToken ct)
    {
        var hash = OpaqueToken.Hash(token);
        var row = await db.UserTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.Purpose == purpose)
            .Select(t => new { t.Id, t.UserId })
            .SingleOrDefaultAsync(ct);
        if (row is null) return null;
        var claimed = await db.UserTokens
            .Where(t => t.Id == row.Id && t.UsedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);
        return claimed == 1 ? row.UserId : null;
    }
}
