using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.Projects.Data;

namespace TaskFlow.Projects.Features;

/// <summary>
/// Read-your-writes for the membership copy (docs/adr/0005): when the copy has no active membership for the caller, the
/// workspaces service is asked before answering 404, so a workspace created or an invitation accepted a moment ago works
/// at once. In the same process that is a direct call (<see cref="IWorkspaceMembershipSource"/>); scaled out, a GET of the
/// workspace with the caller's own token at <c>Projects:WorkspacesUrl</c> (or <c>Gateway:Services:workspaces</c>).
/// The answer is used for this request only; the copy is still written by the events alone, so their ordering rules hold.
/// </summary>
internal sealed class OwnerMembership(IServiceProvider services, IHttpClientFactory clients, IConfiguration configuration, ILogger<OwnerMembership> logger)
{
    public const string ClientName = "projects-workspaces";

    public async Task<WorkspaceMember?> Find(HttpContext http, Guid workspaceId, Guid userId, CancellationToken ct)
    {
        var role = services.GetService<IWorkspaceMembershipSource>() is { } inProcess
            ? await inProcess.RoleOf(workspaceId, userId, ct)
            : await AskOverHttp(http, workspaceId, ct);
        return Roles.TryParseWorkspaceRole(role, out var parsed)
            ? new WorkspaceMember { WorkspaceId = workspaceId, UserId = userId, Role = parsed, Active = true }
            : null;
    }

    Uri? Address() =>
        (configuration["Projects:WorkspacesUrl"] is { Length: > 0 } configured ? configured : configuration["Gateway:Services:workspaces"]) is { Length: > 0 } address
            ? new Uri(address.TrimEnd('/') + "/")
            : null;

    async Task<string?> AskOverHttp(HttpContext http, Guid workspaceId, CancellationToken ct)
    {
        if (Address() is not { } address || http.Request.Headers.Authorization is not [{ Length: > 0 } authorization]) return null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, $"v1/workspaces/{workspaceId}"));
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.OK) return null;
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            return body.TryGetProperty("role", out var role) ? role.GetString() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !ct.IsCancellationRequested)
        {
            // The workspaces service is down: answer from the copy alone, as before.
            logger.LogWarning(ex, "Could not ask the workspaces service about workspace {WorkspaceId}", workspaceId);
            return null;
        }
    }
}
