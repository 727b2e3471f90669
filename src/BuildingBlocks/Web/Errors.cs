using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

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
            problem = path is null
                ? new ProblemDetails { Status = bad.StatusCode, Title = "The request is malformed.", Detail = "The request could not be read. Check the body is JSON of the documented shape and the parameters have the right types." }
                : new HttpValidationProblemDetails(new Dictionary<string, string[]> { [path] = ["The value is not valid for this field."] })
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "One or more validation errors occurred.",
                };
            logger.LogInformation("Rejected a malformed request: {Reason}", bad.Message);
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
