using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Identity.Data;
using TaskFlow.Identity.Contracts;
using TaskFlow.Identity.Security;

namespace TaskFlow.Identity.Features;

/// <summary>A user's own account as personal data: download it, delete it (docs/adr/0030-personal-data.md).</summary>
internal static class Account
{
    /// <summary>The password again, so a stolen access token alone cannot delete the account.</summary>
    internal sealed record DeleteAccountRequest(string? Password);

    /// <summary>Everything identity keeps about the signed-in user.</summary>
    /// <param name="ExportedAt">When this export was made (UTC).</param>
    /// <param name="Profile">The profile.</param>
    /// <param name="Sessions">Sign-in sessions (refresh-token families): when each started, was last renewed and ends.</param>
    internal sealed record AccountExport(DateTime ExportedAt, Users.UserProfile Profile, IReadOnlyList<SessionExport> Sessions);

    /// <summary>One sign-in session.</summary>
    internal sealed record SessionExport(Guid Id, DateTime StartedAt, DateTime LastRenewedAt, DateTime ExpiresAt, bool Active);

    public static void Map(RouteGroupBuilder users)
    {
        users.MapGet("/me/export", Export).RequireAuthorization()
            .WithSummary("Download my data")
            .WithDescription("The signed-in user's profile and sign-in sessions as JSON, as an attachment (taskflow-account.json).")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        users.MapDelete("/me", Delete).RequireAuthorization()
            .WithSummary("Delete my account")
            .WithDescription("Needs the password. Refused (409 last-owner, listing them in `workspaces`) while the user is the only owner of a "
                + "workspace that has other members: make someone else owner or delete the workspace first. Ends every session at once, "
                + "deletes the account and publishes UserDeleted: every service erases or anonymises its copies of the user's email and name, "
                + "workspaces the user was alone in are deleted.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    static async Task<Results<Ok<AccountExport>, ProblemHttpResult>> Export(ClaimsPrincipal principal, IdentityDb db, HttpResponse response, CancellationToken ct)
    {
        var userId = principal.UserId();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return Problems.UserNotFound();
        var tokens = await db.RefreshTokens.AsNoTracking().Where(t => t.UserId == userId)
            .Select(t => new { t.FamilyId, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.UsedAt }).ToListAsync(ct);
        var now = DateTime.UtcNow;
        var sessions = tokens.GroupBy(t => t.FamilyId)
            .Select(f => new SessionExport(f.Key, f.Min(t => t.CreatedAt), f.Max(t => t.CreatedAt), f.Max(t => t.ExpiresAt),
                f.Any(t => t.RevokedAt == null && t.UsedAt == null && t.ExpiresAt > now)))
            .OrderBy(s => s.StartedAt).ToList();
        response.Headers.ContentDisposition = "attachment; filename=\"taskflow-account.json\"";
        response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new AccountExport(now, Users.UserProfile.From(user), sessions));
    }

    static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(
        [FromBody] DeleteAccountRequest request, ClaimsPrincipal principal, HttpContext http, IdentityDb db, PasswordWork passwords,
        RevokedSessions revoked, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.Password)) return Problems.Validation("password", "Enter your password to delete the account.");
        var userId = principal.UserId();
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return Problems.UserNotFound();
        if (await passwords.Verify(user.PasswordHash, request.Password, ct) == PasswordCheck.Failed)
            return Problems.Validation("password", "The password is wrong.");

        if (await SoleOwnerships(http, userId, ct) is { Count: > 0 } owned)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, type: "https://taskflow.dev/problems/last-owner",
                title: "You are the only owner of a workspace with other members.",
                detail: $"Make another member owner of {string.Join(", ", owned.Select(o => $"\"{o.Name}\""))}, or delete it, then delete your account.",
                extensions: new Dictionary<string, object?> { ["workspaces"] = owned.Select(o => new { id = o.WorkspaceId, name = o.Name }).ToList() });

        var now = DateTime.UtcNow;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var ended = await RefreshTokens.RevokeAll(db, userId, keepFamilyId: null, now, ct);
        // The current session too, even if its refresh token was already used up: its access tokens stop now.
        if (Guid.TryParse(principal.FindFirstValue(Sessions.SessionClaim), out var current) && !ended.Contains(current))
            ended = [.. ended, current];
        await db.RefreshTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(ct);
        await db.UserTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(ct);
        db.Users.Remove(user);
        // Its earlier events (registration, verification and reset mails, profile changes) leave the outbox with it.
        await db.ForgetMentionsOf([userId.ToString(), user.Email, user.DisplayName], ct);
        db.Publish(new UserDeleted(userId, user.Email));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await revoked.Revoke(ended);
        return TypedResults.NoContent();
    }

    /// <summary>In process from the workspaces module; else from its API with the caller's token; unknown (none) if neither is there.</summary>
    static async Task<IReadOnlyList<SoleOwnership>> SoleOwnerships(HttpContext http, Guid userId, CancellationToken ct)
    {
        if (http.RequestServices.GetService<IWorkspaceOwnershipSource>() is { } local) return await local.SoleOwnerWithOthers(userId, ct);
        var configuration = http.RequestServices.GetRequiredService<IConfiguration>();
        var address = configuration["Identity:WorkspacesUrl"] is { Length: > 0 } configured ? configured : configuration["Gateway:Services:workspaces"];
        if (string.IsNullOrEmpty(address) || http.Request.Headers.Authorization.ToString() is not { Length: > 7 } authorization) return [];
        try
        {
            using var client = http.RequestServices.GetRequiredService<IHttpClientFactory>().CreateClient("workspaces");
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(address), "/v1/workspaces/sole-ownerships"));
            request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
            using var response = await client.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<List<SoleOwnership>>(ct) ?? [];
        }
        catch (HttpRequestException e)
        {
            // Workspaces promotes another member on UserDeleted if it has to: the account can still go.
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Account))
                .LogWarning(e, "Could not ask workspaces about sole ownerships of user {UserId}", userId);
            return [];
        }
    }
}
