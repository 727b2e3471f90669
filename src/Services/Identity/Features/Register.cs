using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaskFlow.Identity.Data;
using TaskFlow.Identity.Contracts;
using TaskFlow.Identity.Security;

namespace TaskFlow.Identity.Features;

internal static class Register
{
    /// <summary>A new account.</summary>
    /// <param name="Email">Unique, case-insensitively.</param>
    /// <param name="Password">At least 10 characters, not one repeated character, not a common password.</param>
    /// <param name="DisplayName">1 to 100 characters.</param>
    internal sealed record RegisterRequest(string? Email, string? Password, string? DisplayName);

    /// <summary>The created account.</summary>
    internal sealed record RegisterResponse(Guid Id, string Email, string DisplayName);

    public static void Map(RouteGroupBuilder auth) =>
        auth.MapPost("/register", Handle).AllowAnonymous()
            .WithSummary("Create an account")
            .WithDescription("Creates the account and mails a verification link (events UserRegistered and EmailVerificationRequested).")
            .ProducesProblem(StatusCodes.Status409Conflict);

    static async Task<Results<Created<RegisterResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        RegisterRequest request, IdentityDb db, IOptions<IdentityOptions> options, TimeProvider time, PasswordWork passwords, CancellationToken ct)
    {
        var errors = new FieldErrors()
            .Check("email", Rules.Email(request.Email))
            .Check("password", Rules.Password(request.Password))
            .Check("displayName", Rules.DisplayName(request.DisplayName));
        if (errors.Any) return errors.ToProblem();

        var email = request.Email!.Trim();
        var normalized = User.Normalize(email);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, ct)) return Problems.EmailTaken();

        var now = time.GetUtcNow().UtcDateTime;
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            Email = email,
            NormalizedEmail = normalized,
            DisplayName = request.DisplayName!.Trim(),
            PasswordHash = await passwords.Hash(request.Password!, ct),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);
        db.Publish(new UserRegistered(user.Id, user.Email, user.DisplayName));
        EmailVerification.Request(db, user, options.Value, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Lost a race with another registration of the same email?
            if (await db.Users.AsNoTracking().AnyAsync(u => u.NormalizedEmail == normalized && u.Id != user.Id, ct)) return Problems.EmailTaken();
            throw;
        }
        return TypedResults.Created($"/v1/users/{user.Id}", new RegisterResponse(user.Id, user.Email, user.DisplayName));
    }
}
