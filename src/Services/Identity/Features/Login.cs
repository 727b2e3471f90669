using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaskFlow.Identity.Data;
using TaskFlow.Identity.Security;

namespace TaskFlow.Identity.Features;

internal static class Login
{
    /// <summary>Credentials.</summary>
    internal sealed record LoginRequest(string? Email, string? Password);

    public static void Map(RouteGroupBuilder auth) =>
        auth.MapPost("/login", Handle).AllowAnonymous()
            .WithSummary("Sign in")
            .WithDescription("Returns an access token and a refresh token. Wrong credentials give 401 whether or not the email exists; "
                + "after Identity:Lockout:MaxFailures consecutive failures the account is locked for Identity:Lockout:Duration, and every attempt, "
                + "even with the right password, gets the same 401 (a distinct answer would tell which emails have accounts); a password reset lifts it. "
                + "Attempts are limited per client address and per account (429 with Retry-After); when password hashing is saturated the answer is 503 with Retry-After.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        LoginRequest request, IdentityDb db, Sessions sessions, IOptions<IdentityOptions> options, TimeProvider time,
        PasswordWork passwords, LoginThrottle throttle, HttpContext context, CancellationToken ct)
    {
        var errors = new FieldErrors()
            .Check("email", string.IsNullOrWhiteSpace(request.Email) ? "Email is required." : null)
            .Check("password", string.IsNullOrEmpty(request.Password) ? "Password is required." : null);
        if (errors.Any) return errors.ToProblem();

        var normalized = User.Normalize(request.Email!);
        // Counted before any hashing, per client address and per account, whether the email exists or not.
        if (throttle.Attempt(context.Connection.RemoteIpAddress, normalized) is { } wait) return Problems.TooManyAttempts(context, wait);
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        if (user is null)
        {
            // Same work as for a wrong password, so timing does not tell which emails exist.
            await passwords.Verify(PasswordHasher.DummyHash, request.Password!, ct);
            return Problems.InvalidCredentials();
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (user.LockedUntil is { } lockedUntil && lockedUntil > now)
        {
            // The answer and the work of an unknown email: a lockout answer would tell which emails have accounts.
            await passwords.Verify(PasswordHasher.DummyHash, request.Password!, ct);
            return Problems.InvalidCredentials();
        }

        var check = await passwords.Verify(user.PasswordHash, request.Password!, ct);
        if (check == PasswordCheck.Failed)
        {
            var lockout = options.Value.Lockout;
            // Counted in the database so concurrent attempts cannot slip past the limit.
            await db.Users.Where(u => u.Id == user.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedLoginCount, u => u.FailedLoginCount + 1), ct);
            var failures = await db.Users.Where(u => u.Id == user.Id).Select(u => u.FailedLoginCount).SingleAsync(ct);
            if (failures < lockout.MaxFailures) return Problems.InvalidCredentials();
            var until = now + lockout.Duration;
            await db.Users.Where(u => u.Id == user.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedLoginCount, 0).SetProperty(u => u.LockedUntil, until), ct);
            return Problems.InvalidCredentials();
        }

        user.FailedLoginCount = 0;
        user.LockedUntil = null;
        if (check == PasswordCheck.SucceededNeedsRehash) user.PasswordHash = await passwords.Hash(request.Password!, ct);
        var tokens = await sessions.Issue(db, user, Guid.CreateVersion7(), ct);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(tokens);
    }
}
