using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TaskFlow.BuildingBlocks.Membership;

/// <summary>
/// The projects service's view of one project for the caller (<c>GET /v1/projects/{id}</c>); <c>Role</c> is the caller's
/// effective project role there: <c>admin</c>, <c>member</c>, <c>viewer</c> or <c>reader</c>.
/// </summary>
public sealed record ProjectAnswer(Guid WorkspaceId, string Key, bool Archived, string Visibility, string Role);

/// <summary>
/// Read-your-writes across the projects boundary when projects runs in another process (docs/adr/0005): a service whose
/// copy has not heard of a project (or of a project membership) yet asks the projects service, with the caller's own
/// token, before answering "not found". The address is <c>{Service}:ProjectsUrl</c>, else <c>Gateway:Services:projects</c>;
/// unset (all-in-one, where projects' writes wait for the in-process copies) nothing is asked.
/// </summary>
/// <typeparam name="TDb">The asking service's database: one lookup per service in a process that runs several.</typeparam>
public sealed class ProjectsLookup<TDb>(IHttpClientFactory clients, IConfiguration configuration, ProjectsLookupOptions<TDb> options, ILogger<ProjectsLookup<TDb>> logger)
{

    public bool Configured => Address() is not null;

    Uri? Address() =>
        (configuration[$"{options.Service}:ProjectsUrl"] is { Length: > 0 } configured ? configured : configuration["Gateway:Services:projects"]) is { Length: > 0 } address
            ? new Uri(address.TrimEnd('/') + "/")
            : null;

    /// <summary>The project as the projects service shows it to the caller, or null (hidden from them, unknown, or unreachable).</summary>
    public async Task<ProjectAnswer?> Project(string? authorization, Guid projectId, CancellationToken ct) =>
        await Get(authorization, $"v1/projects/{projectId}", ct) is { } body
            ? new ProjectAnswer(body.GetProperty("workspaceId").GetGuid(), body.GetProperty("key").GetString()!,
                body.GetProperty("archived").GetBoolean(), body.GetProperty("visibility").GetString()!, body.GetProperty("role").GetString()!)
            : null;

    /// <summary>A GET at the projects service with the caller's token: the JSON body of a 200, else null.</summary>
    public async Task<JsonElement?> Get(string? authorization, string path, CancellationToken ct)
    {
        if (Address() is not { } address || authorization is null) return null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, path));
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await clients.CreateClient(options.ClientName).SendAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.OK) return null;
            return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !ct.IsCancellationRequested)
        {
            // The projects service is down: answer from the copy alone.
            logger.LogWarning(ex, "Could not ask the projects service about {Path}", path);
            return null;
        }
    }
}

/// <summary>Which service asks (<see cref="ProjectsLookup{TDb}"/>): its setting <c>{Service}:ProjectsUrl</c> names the projects service.</summary>
public sealed record ProjectsLookupOptions<TDb>(string Service)
{
    public string ClientName => $"{Service}-projects";
}

public static class ProjectsLookupSetup
{
    /// <summary>Offers <see cref="ProjectsLookup{TDb}"/> to <paramref name="service"/> (setting <c>{service}:ProjectsUrl</c>).</summary>
    public static IServiceCollection AddProjectsLookup<TDb>(this IServiceCollection services, string service)
    {
        var options = new ProjectsLookupOptions<TDb>(service);
        services.AddSingleton(options);
        services.AddSingleton<ProjectsLookup<TDb>>();
        services.AddHttpClient(options.ClientName, http => http.Timeout = TimeSpan.FromSeconds(5));
        return services;
    }
}
