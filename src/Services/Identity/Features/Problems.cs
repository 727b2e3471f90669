using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TaskFlow.Identity.Features;

/// <summary>The domain problems of the identity service, each with a stable type URI.</summary>
internal static class Problems
{
    const string Base = "https://taskflow.dev/problems/";

    public static ProblemHttpResult EmailTaken() => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict, type: Base + "email-taken",
        title: "The email is already registered.", detail: "Sign in instead, or reset the password if it is forgotten.");

    public static ProblemHttpResult InvalidCredentials() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized, type: Base + "invalid-credentials",
        title: "Invalid email or password.",
        detail: "Check the email and the password. After several failed attempts sign-in is paused for a while; resetting the password ends the pause.");

    public static ProblemHttpResult TooManyAttempts(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests, type: Base + "too-many-sign-ins",
            title: "Too many sign-in attempts.",
            detail: "Wait for the number of seconds in the Retry-After header, then try again.");
    }

    public static ProblemHttpResult InvalidRefreshToken() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized, type: Base + "invalid-refresh-token",
        title: "The refresh token is invalid, expired or revoked.", detail: "Sign in again.");

    public static ProblemHttpResult EmailAlreadyVerified() => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict, type: Base + "email-already-verified",
        title: "The email is already verified.");

    public static ProblemHttpResult UserNotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, type: Base + "user-not-found",
        title: "The user does not exist.");

    public static ValidationProblem Validation(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>Collects field errors under camelCase keys.</summary>
internal sealed class FieldErrors
{
    readonly Dictionary<string, string[]> errors = [];

    public FieldErrors Check(string field, string? error)
    {
        if (error is not null) errors[field] = [error];
        return this;
    }

    public bool Any => errors.Count > 0;

    public ValidationProblem ToProblem() => TypedResults.ValidationProblem(errors);
}
