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
                + "after Identity:Lockout:MaxFailures consecutive failures the account is locked (423 with Retry-After).")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status423Locked);

    static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        LoginRequest request, IdentityDb db, Sessions sessions, IOptions<IdentityOptions> options, TimeProvider time,
        HttpContext context, CancellationToken ct)
    {
        var errors = new FieldErrors()
            .Check("email", string.IsNullOrWhiteSpace(request.Email) ? "Email is required." : null)
            .Check("password", string.IsNullOrEmpty(request.Password) ? "Password is required." : null);
        if (errors.Any) return errors.ToProblem();

        var normalized = User.Normalize(request.Email!);
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        if (user is null)
        {
            // Same work as for a wrong password, so timing does not tell which emails exist.
            PasswordHasher.Verify(PasswordHasher.DummyHash, request.Password!);
            return Problems.InvalidCredentials();
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (user.LockedUntil is { } lockedUntil && lockedUntil > now) return Problems.Locked(context, lockedUntil - now);

        var check = PasswordHasher.Verify(user.PasswordHash, request.Password!);
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
            return Problems.Locked(context, lockout.Duration);
        }

        user.FailedLoginCount = 0;
        user.LockedUntil = null;
        if (check == PasswordCheck.SucceededNeedsRehash) user.PasswordHash = PasswordHasher.Hash(request.Password!);
        var tokens = await sessions.Issue(db, user, Guid.CreateVersion7(), ct);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(tokens);
    }
}
