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

namespace TaskFlow.Identity.Features;

internal static class EmailVerification
{
    /// <summary>The token from the verification email.</summary>
    internal sealed record VerifyEmailRequest(string? Token);

    public static void Map(RouteGroupBuilder auth)
    {
        auth.MapPost("/email/verify", Verify).AllowAnonymous()
            .WithSummary("Confirm the email address with the mailed token");
        auth.MapPost("/email/verification", Resend).RequireAuthorization()
            .WithSummary("Send the verification email again")
            .WithDescription("409 when the email is already verified.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>Adds a verification token and its event; the caller saves.</summary>
    public static void Request(IdentityDb db, User user, IdentityOptions options, DateTime now)
    {
        var (token, expiresAt) = UserTokens.Create(db, user.Id, UserTokenPurpose.EmailVerification, now, options.Tokens.EmailVerificationLifetime);
        db.Publish(new EmailVerificationRequested(user.Id, user.Email, user.DisplayName, token, expiresAt));
    }

    static async Task<Results<NoContent, ValidationProblem>> Verify(VerifyEmailRequest request, IdentityDb db, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Token)) return Problems.Validation("token", "Token is required.");
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var userId = await UserTokens.Consume(db, request.Token, UserTokenPurpose.EmailVerification, now, ct);
        var user = userId is null ? null : await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return Problems.Validation("token", "The token is invalid, used or expired. Request a new verification email.");
        user.EmailVerified = true;
        user.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    static async Task<Results<Accepted, ProblemHttpResult>> Resend(
        ClaimsPrincipal principal, IdentityDb db, IOptions<IdentityOptions> options, TimeProvider time, CancellationToken ct)
    {
        var userId = principal.UserId();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return Problems.UserNotFound();
        if (user.EmailVerified) return Problems.EmailAlreadyVerified();
        Request(db, user, options.Value, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted((string?)null);
    }
}
