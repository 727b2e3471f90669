using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Delivery;

namespace TaskFlow.Notifications.Features;

/// <summary>An email or SMS that failed its last attempt.</summary>
/// <param name="Id">Dead letter id (retry with it).</param>
/// <param name="Channel"><c>email</c> or <c>sms</c>.</param>
/// <param name="MessageId">The queued email or SMS.</param>
/// <param name="Recipient">Address or phone number.</param>
/// <param name="Summary">The email's subject or the start of the SMS.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="LastError">Why the last attempt failed.</param>
/// <param name="DeadAt">When it gave up (UTC).</param>
internal sealed record DeadLetterView(Guid Id, string Channel, Guid MessageId, string Recipient, string Summary, int Attempts, string? LastError, DateTime DeadAt);

/// <summary>Platform admins: <c>Platform:AdminEmails</c> (comma-separated, or an array), matched against the token's email when <c>email_verified</c> is true.</summary>
internal sealed class PlatformAdmins(IConfiguration configuration)
{
    readonly HashSet<string> emails = Read(configuration);

    public bool IsAdmin(ClaimsPrincipal user) =>
        user.Email() is { Length: > 0 } email
        && string.Equals(user.FindFirstValue("email_verified"), "true", StringComparison.OrdinalIgnoreCase)
        && emails.Contains(email.Trim());

    static HashSet<string> Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Platform:AdminEmails");
        var values = section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? "");
        return values.SelectMany(v => v.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>Dead letters for platform admins: list them, and send one again. Everyone else gets 403.</summary>
internal static class AdminDeadLetters
{
    const int MaxLimit = 200;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/admin/dead-letters", List)
            .RequireAuthorization()
            .WithName("ListDeadLetters")
            .WithSummary("List emails and SMS that failed their last attempt (platform admins)")
            .WithDescription("Open dead letters (not retried), newest first. `channel` = `email` or `sms`; `limit` 1–200 (default 50). 403 unless the caller's verified email is in `Platform:AdminEmails`.");
        group.MapPost("/admin/dead-letters/{id:guid}/retry", Retry)
            .RequireAuthorization()
            .WithName("RetryDeadLetter")
            .WithSummary("Send a dead email or SMS again (platform admins)")
            .WithDescription("The message gets a fresh set of attempts and leaves at once. 404 for an unknown id; 409 (`https://taskflow.dev/problems/dead-letter-already-retried`) when it was retried already.");
    }

    static async Task<Results<Ok<List<DeadLetterView>>, ValidationProblem, ProblemHttpResult>> List(
        ClaimsPrincipal user, PlatformAdmins admins, NotificationsDb db, string? channel, int? limit, CancellationToken ct)
    {
        if (!admins.IsAdmin(user)) return Forbidden();
        var errors = new Dictionary<string, string[]>();
        if (channel is not null && channel is not (DeadLetters.Email or DeadLetters.Sms)) errors["channel"] = ["Must be email or sms."];
        var take = limit ?? 50;
        if (take is < 1 or > MaxLimit) errors["limit"] = [$"Must be between 1 and {MaxLimit}."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var query = db.DeadLetters.AsNoTracking().Where(d => d.RetriedAt == null);
        if (channel is not null) query = query.Where(d => d.Channel == channel);
        var rows = await query.OrderByDescending(d => d.DeadAt).ThenByDescending(d => d.Id).Take(take)
            .Select(d => new DeadLetterView(d.Id, d.Channel, d.MessageId, d.Recipient, d.Summary, d.Attempts, d.LastError, d.DeadAt))
            .ToListAsync(ct);
        return TypedResults.Ok(rows);
    }

    static async Task<Results<Accepted, NotFound, ProblemHttpResult>> Retry(
        Guid id, ClaimsPrincipal user, PlatformAdmins admins, NotificationsDb db, DispatchSignals signals, NotificationClock clock, CancellationToken ct)
    {
        if (!admins.IsAdmin(user)) return Forbidden();
        var letter = await db.DeadLetters.SingleOrDefaultAsync(d => d.Id == id, ct);
        if (letter is null) return TypedResults.NotFound();
        if (letter.RetriedAt is not null)
            return TypedResults.Problem(
                title: "Already retried",
                detail: "This dead letter was sent again already; a new dead letter appears if that fails too.",
                statusCode: StatusCodes.Status409Conflict,
                type: "https://taskflow.dev/problems/dead-letter-already-retried");

        var now = clock.UtcNow;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        letter.RetriedAt = now;
        letter.RetriedBy = user.UserId();
        // Only a row that is still dead goes back to the queue: a concurrent retry finds it pending and changes nothing.
        var requeued = letter.Channel == DeadLetters.Email
            ? await db.OutgoingEmails.Where(e => e.Id == letter.MessageId && e.Status == EmailStatus.Dead)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EmailStatus.Pending).SetProperty(e => e.Attempts, 0)
                    .SetProperty(e => e.NextAttemptAt, now).SetProperty(e => e.LockedBy, (string?)null).SetProperty(e => e.LockedUntil, (DateTime?)null), ct)
            : await db.OutgoingSms.Where(m => m.Id == letter.MessageId && m.Status == SmsStatus.Dead)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, SmsStatus.Pending).SetProperty(m => m.Attempts, 0)
                    .SetProperty(m => m.NextAttemptAt, now).SetProperty(m => m.LockedBy, (string?)null).SetProperty(m => m.LockedUntil, (DateTime?)null), ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (requeued > 0)
        {
            if (letter.Channel == DeadLetters.Email) signals.Email.Notify();
            else signals.Sms.Notify();
        }
        return TypedResults.Accepted($"/v1/notifications/admin/dead-letters/{id}");
    }

    static ProblemHttpResult Forbidden() => TypedResults.Problem(
        title: "Platform admins only",
        detail: "Dead letters are visible to platform admins only.",
        statusCode: StatusCodes.Status403Forbidden,
        type: "https://taskflow.dev/problems/platform-admin-required");
}
