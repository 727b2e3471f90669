using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Hosting;

namespace TaskFlow.BuildingBlocks.Membership;

/// <summary>Where <see cref="WorkspaceMembershipLookup{TDb}"/> of one service asks on a miss.</summary>
/// <param name="Service">The service (module) name; its setting <c>{Service}:WorkspacesUrl</c> names the workspaces service.</param>
public sealed record WorkspaceMembershipLookupOptions<TDb>(string Service)
{
    public static string ClientName(string service) => $"{service}-workspaces";
}

/// <summary>
/// Read-your-writes for the membership copy (docs/adr/0005): the caller's active membership from the copy, and when the
/// copy has none, from the workspaces service itself before answering "not a member", so a workspace created or an
/// invitation accepted a moment ago works at once everywhere. In the same process that is a direct call
/// (<see cref="IWorkspaceMembershipSource"/>); scaled out, a GET of the workspace with the caller's own token at
/// <c>{Service}:WorkspacesUrl</c> (or <c>Gateway:Services:workspaces</c>). The answer serves this request only; the copy
/// is still written by the events alone, so their ordering rules hold, and a removal the copy has applied ends access
/// unless the workspaces service says the user is a member again.
/// </summary>
public sealed class WorkspaceMembershipLookup<TDb>(TDb db, WorkspacesLookup<TDb> workspaces)
    where TDb : ServiceDb, IWorkspaceMembershipDb
{
    /// <summary>The caller's active membership of the workspace, or null when they are not a member of an existing one.</summary>
    public Task<WorkspaceMember?> Find(HttpContext http, Guid workspaceId, Guid userId, CancellationToken ct) =>
        Find(CallerToken.Of(http), workspaceId, userId, ct);

    /// <summary>
    /// As <see cref="Find(HttpContext, Guid, Guid, CancellationToken)"/>, for callers whose token is not in the request's
    /// Authorization header (a SignalR hub: browsers send it as <c>?access_token=</c>). <paramref name="authorization"/>
    /// is the header value to ask the workspaces service with (<c>Bearer …</c>); without it only an in-process source is asked.
    /// </summary>
    public async Task<WorkspaceMember?> Find(string? authorization, Guid workspaceId, Guid userId, CancellationToken ct) =>
        await db.WorkspaceMembers.AsNoTracking().SingleOrDefaultAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId && m.Active, ct)
        ?? await AskOwner(authorization, workspaceId, userId, ct);

    /// <summary>The workspaces service's answer alone (the copy had none).</summary>
    public Task<WorkspaceMember?> AskOwner(HttpContext http, Guid workspaceId, Guid userId, CancellationToken ct) =>
        AskOwner(CallerToken.Of(http), workspaceId, userId, ct);

    async Task<WorkspaceMember?> AskOwner(string? authorization, Guid workspaceId, Guid userId, CancellationToken ct) =>
        WorkspaceRoles.TryParse(await workspaces.RoleOf(authorization, workspaceId, userId, ct), out var parsed)
            ? new WorkspaceMember { WorkspaceId = workspaceId, UserId = userId, Role = parsed, Active = true }
            : null;
}

/// <summary>The caller's token, to ask an owning service with (read-your-writes lookups, docs/adr/0005).</summary>
public static class CallerToken
{
    /// <summary>As an Authorization header value: the request's header, or the <c>access_token</c> query browsers use for SignalR.</summary>
    public static string? Of(HttpContext? http) =>
        http?.Request is not { } request ? null
        : request.Headers.Authorization is [{ Length: > 0 } header] ? header
        : request.Query["access_token"] is [{ Length: > 0 } token] ? "Bearer " + token
        : null;
}

/// <summary>
/// The workspaces service's own answer to "which role has this user in this workspace?" (null: not a member of an
/// existing workspace), for a copy that has not caught up (docs/adr/0005): in the same process a direct call
/// (<see cref="IWorkspaceMembershipSource"/>); scaled out, <c>GET /v1/workspaces/{id}</c> with the caller's own token at
/// <c>{Service}:WorkspacesUrl</c> (or <c>Gateway:Services:workspaces</c>); unreachable or unset: null.
/// </summary>
/// <typeparam name="TDb">The asking service's database: one lookup per service in a process that runs several.</typeparam>
public sealed class WorkspacesLookup<TDb>(
    IServiceProvider services, IHttpClientFactory clients, IConfiguration configuration,
    WorkspaceMembershipLookupOptions<TDb> options, ILogger<WorkspacesLookup<TDb>> logger)
{
    public async Task<string?> RoleOf(string? authorization, Guid workspaceId, Guid userId, CancellationToken ct) =>
        services.GetService<IWorkspaceMembershipSource>() is { } inProcess
            ? await inProcess.RoleOf(workspaceId, userId, ct)
            : await AskOverHttp(authorization, workspaceId, ct);

    Uri? Address() =>
        (configuration[$"{options.Service}:WorkspacesUrl"] is { Length: > 0 } configured ? configured : configuration["Gateway:Services:workspaces"]) is { Length: > 0 } address
            ? new Uri(address.TrimEnd('/') + "/")
            : null;

    async Task<string?> AskOverHttp(string? authorization, Guid workspaceId, CancellationToken ct)
    {
        if (Address() is not { } address || authorization is null) return null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, $"v1/workspaces/{workspaceId}"));
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await clients.CreateClient(WorkspaceMembershipLookupOptions<TDb>.ClientName(options.Service)).SendAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.OK) return null;
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            return body.TryGetProperty("role", out var role) ? role.GetString() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !ct.IsCancellationRequested)
        {
            // The workspaces service is down: answer from the copy alone.
            logger.LogWarning(ex, "Could not ask the workspaces service about workspace {WorkspaceId}", workspaceId);
            return null;
        }
    }
}

public static class WorkspacesLookupSetup
{
    /// <summary>Offers <see cref="WorkspacesLookup{TDb}"/> to <paramref name="service"/> (setting <c>{service}:WorkspacesUrl</c>).</summary>
    public static IServiceCollection AddWorkspacesLookup<TDb>(this IServiceCollection services, string service)
    {
        services.AddSingleton(new WorkspaceMembershipLookupOptions<TDb>(service));
        services.AddSingleton<WorkspacesLookup<TDb>>();
        services.AddHttpClient(WorkspaceMembershipLookupOptions<TDb>.ClientName(service), http => http.Timeout = TimeSpan.FromSeconds(5));
        return services;
    }
}
