using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Identity.Data;
using TaskFlow.Identity.Contracts;
using TaskFlow.Identity.Security;

namespace TaskFlow.Identity.Features;

/// <summary>Refresh (rotate) and logout (revoke). A refresh token is single-use: presenting a used one means it leaked, so its whole family is revoked.</summary>
internal static class RefreshTokens
{
    /// <summary>A refresh token from sign-in or a previous refresh.</summary>
    internal sealed record RefreshTokenRequest(string? RefreshToken);

    public static void Map(RouteGroupBuilder auth)
    {
        auth.MapPost("/refresh", Refresh).AllowAnonymous()
            .WithSummary("Exchange a refresh token for a new token pair")
            .WithDescription("The presented token is used up. Presenting an already used token revokes every token of its sign-in session.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapPost("/logout", Logout).AllowAnonymous()
            .WithSummary("Sign out")
            .WithDescription("Revokes the sign-in session (refresh token family) of the token. Unknown tokens are ignored.");
    }

    static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Refresh(
        RefreshTokenRequest request, IdentityDb db, Sessions sessions, TimeProvider time, ILoggerFactory loggers, RevokedSessions revoked, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.RefreshToken)) return Problems.Validation("refreshToken", "Refresh token is required.");

        var hash = OpaqueToken.Hash(request.RefreshToken);
        var stored = await db.RefreshTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (stored is null || stored.RevokedAt is not null) return Problems.InvalidRefreshToken();
        var now = time.GetUtcNow().UtcDateTime;
        if (stored.ExpiresAt <= now) return Problems.InvalidRefreshToken();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Claiming with a conditional update lets exactly one of two concurrent uses win.
        var claimed = stored.UsedAt is null && await db.RefreshTokens
            .Where(t => t.Id == stored.Id && t.UsedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct) == 1;
        if (!claimed)
        {
            var ended = await RevokeFamily(db, stored.UserId, stored.FamilyId, now, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            revoked.Revoke(ended);
            loggers.CreateLogger(typeof(RefreshTokens)).LogWarning(
                "A used refresh token was presented again; revoked session {FamilyId} of user {UserId}", stored.FamilyId, stored.UserId);
            return Problems.InvalidRefreshToken();
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == stored.UserId, ct);
        if (user is null) return Problems.InvalidRefreshToken();
        var tokens = await sessions.Issue(db, user, stored.FamilyId, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(tokens);
    }

    static async Task<Results<NoContent, ValidationProblem>> Logout(
        RefreshTokenRequest request, IdentityDb db, TimeProvider time, RevokedSessions revoked, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.RefreshToken)) return Problems.Validation("refreshToken", "Refresh token is required.");
        var hash = OpaqueToken.Hash(request.RefreshToken);
        var session = await db.RefreshTokens.Where(t => t.TokenHash == hash).Select(t => new { t.FamilyId, t.UserId }).SingleOrDefaultAsync(ct);
        if (session is not null)
        {
            var ended = await RevokeFamily(db, session.UserId, session.FamilyId, time.GetUtcNow().UtcDateTime, ct);
            await db.SaveChangesAsync(ct);
            revoked.Revoke(ended);
        }
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Revokes one session and publishes <see cref="SessionsRevoked"/> (saved with the caller's next SaveChanges), so its
    /// access tokens stop everywhere; the caller passes the ids to <see cref="RevokedSessions"/> once committed.
    /// </summary>
    public static async Task<Guid[]> RevokeFamily(IdentityDb db, Guid userId, Guid familyId, DateTime now, CancellationToken ct)
    {
        await db.RefreshTokens.Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
        db.Publish(new SessionsRevoked(userId, [familyId]));
        return [familyId];
    }

    /// <summary>Revokes every session of the user except <paramref name="keepFamilyId"/>; publishes as <see cref="RevokeFamily"/>.</summary>
    public static async Task<Guid[]> RevokeAll(IdentityDb db, Guid userId, Guid? keepFamilyId, DateTime now, CancellationToken ct)
    {
        var live = db.RefreshTokens.Where(t => t.UserId == userId && t.RevokedAt == null && (keepFamilyId == null || t.FamilyId != keepFamilyId));
        var families = await live.Select(t => t.FamilyId).Distinct().ToArrayAsync(ct);
        await live.ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
        if (families.Length > 0) db.Publish(new SessionsRevoked(userId, families));
        return families;
    }
}
