using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TaskFlow.BuildingBlocks.Web;

/// <summary>
/// The one place exceptions become RFC 9457 problem details. Only safe text reaches the client:
/// a malformed body names the JSON path at fault; anything else is a generic 500 with the trace id.
/// </summary>
sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        if (exception is BadHttpRequestException bad)
        {
            var path = FindJsonPath(bad);
            var message = HasCause<DisallowedCharacterException>(bad)
                ? "Control characters (such as U+0000) are not allowed; only tab and line breaks are."
                : "The value is not valid for this field.";
            problem = path is null
                ? new ProblemDetails { Status = bad.StatusCode, Title = "The request is malformed.", Detail = "The request could not be read. Check the body is JSON of the documented shape and the parameters have the right types." }
                : new HttpValidationProblemDetails(new Dictionary<string, string[]> { [path] = [message] })
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "One or more validation errors occurred.",
                };
            logger.LogInformation("Rejected a malformed request: {Reason}", bad.Message);
        }
        else if (exception is ServiceBusyException busy)
        {
            logger.LogWarning("Shed a request: {Reason}", busy.Message);
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(busy.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = "https://taskflow.dev/problems/busy",
                Title = "The server is busy.",
                Detail = "Nothing was changed. Retry after the number of seconds in the Retry-After header.",
            };
        }
        else if (IsDatabaseUnreachable(exception))
        {
            // Down, restarting or unreachable: the client should come back, not report a bug. Npgsql opens a new
            // connection for the next request, so the service recovers as soon as the database answers again.
            logger.LogWarning("The database is unreachable: {Reason}", exception.Message);
            context.Response.Headers.RetryAfter = "2";
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = "https://taskflow.dev/problems/database-unavailable",
                Title = "The service cannot reach its database.",
                Detail = "Retry after the number of seconds in the Retry-After header.",
            };
        }
        else if (IsConcurrentChange(exception))
        {
            logger.LogInformation("A concurrent change won: {Reason}", exception.GetType().Name);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Type = "https://taskflow.dev/problems/concurrent-change",
                Title = "Someone else changed this at the same time.",
                Detail = "Nothing was changed by this request. Load the resource again and retry.",
            };
        }
        else
        {
            logger.LogError(exception, "Unhandled exception");
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "An unexpected error occurred.",
                Detail = "The request failed on the server; nothing was changed. Quote the trace id when you report it.",
            };
        }
        context.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>
    /// A lost race between two writers: an optimistic-concurrency check failed or a unique index refused the second
    /// insert. The transaction was rolled back, so the request changed nothing and may simply be retried.
    /// </summary>
    static bool IsConcurrentChange(Exception exception) => exception switch
    {
        DbUpdateConcurrencyException => true,
        DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } } => true,
        DbUpdateException { InnerException: SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 } } => true,
        _ => false,
    };

    /// <summary>PostgreSQL could not be reached (refused, reset, timed out, shutting down): Npgsql calls these transient.</summary>
    static bool IsDatabaseUnreachable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is NpgsqlException { IsTransient: true } and not PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected })
                return true;
        return false;
    }

    static bool HasCause<T>(Exception exception) where T : Exception
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
            if (e is T) return true;
        return false;
    }

    static string? FindJsonPath(Exception exception)
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is JsonException { Path: { Length: > 2 } path })
                return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
        }
        return null;
    }
}

static class ProblemDetailsDefaults
{
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Instance ??= context.HttpContext.Request.Path;
        problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        // Exception details are logged, never sent.
        problem.Extensions.Remove("exception");
        if (problem.Status == StatusCodes.Status404NotFound && problem.Title is null or "Not Found")
            problem.Detail ??= "No resource exists at this address, or you do not have access to it.";
    }
}

/// <summary>
/// Thrown when a bounded resource (e.g. password hashing) has no room within a short wait: the request changed nothing
/// and is answered 503 with <c>Retry-After</c> at once, instead of queueing behind the work that overloads the process.
/// </summary>
public sealed class ServiceBusyException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
