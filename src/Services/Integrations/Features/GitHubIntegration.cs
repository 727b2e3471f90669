using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Integrations.Data;

namespace TaskFlow.Integrations.Features;

/// <summary>A project's GitHub integration (the secret is never returned).</summary>
/// <param name="ProjectId">The project.</param>
/// <param name="Enabled">Whether payloads are accepted.</param>
/// <param name="MoveToStatusIdOnMerge">Status that tasks named by a merged pull request move to; null: never move.</param>
/// <param name="PayloadUrl">Path to give GitHub as the webhook's payload URL (content type application/json).</param>
/// <param name="UpdatedAt">UTC.</param>
internal sealed record GitHubIntegrationResponse(Guid ProjectId, bool Enabled, Guid? MoveToStatusIdOnMerge, string PayloadUrl, DateTime UpdatedAt)
{
    public static GitHubIntegrationResponse From(GitHubConfig c) =>
        new(c.ProjectId, c.Enabled, c.MoveToStatusIdOnMerge, $"/v1/integrations/github/{c.ProjectId}", c.UpdatedAt);
}

/// <summary>Configure, read and remove the GitHub integration of a project.</summary>
internal static class GitHubIntegration
{
    /// <summary>The GitHub integration of a project.</summary>
    /// <param name="Secret">The secret entered in GitHub's webhook settings (8 to 256 characters). Stored encrypted, never returned.</param>
    /// <param name="MoveToStatusIdOnMerge">Optional status id: tasks named by a merged pull request move there.</param>
    /// <param name="Enabled">Default true.</param>
    internal sealed record Request(string? Secret, Guid? MoveToStatusIdOnMerge, bool? Enabled);

    public static void Map(RouteGroupBuilder integrations)
    {
        integrations.MapPut("/github", Put).WithName("PutGitHubIntegration").WithSummary("Configure the project's GitHub integration")
            .WithDescription("Workspace owners and admins. Creates or replaces it. Point a GitHub repository webhook (events: pull requests, pushes) at the returned payloadUrl with the same secret.");
        integrations.MapGet("/github", Get).WithName("GetGitHubIntegration").WithSummary("Get the project's GitHub integration");
        integrations.MapDelete("/github", Delete).WithName("DeleteGitHubIntegration").WithSummary("Remove the project's GitHub integration");
    }

    static async Task<Results<Ok<GitHubIntegrationResponse>, ValidationProblem>> Put(Request request, CurrentAccess access, IntegrationsDb db, SecretProtection protection, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Secret) || request.Secret.Length is < 8 or > 256) errors["secret"] = ["The secret must be 8 to 256 characters."];
        if (request.MoveToStatusIdOnMerge == Guid.Empty) errors["moveToStatusIdOnMerge"] = ["Give a status id or null."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var project = access.Project!;
        var config = await db.GitHubConfigs.FindAsync([project.Id], ct);
        if (config is null)
        {
            config = new GitHubConfig { ProjectId = project.Id };
            db.GitHubConfigs.Add(config);
        }
        protection.SetSecret(config, request.Secret!);
        (config.WorkspaceId, config.MoveToStatusIdOnMerge, config.Enabled, config.UpdatedAt) =
            (project.WorkspaceId, request.MoveToStatusIdOnMerge, request.Enabled ?? true, Clock.UtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(GitHubIntegrationResponse.From(config));
    }

    static async Task<Results<Ok<GitHubIntegrationResponse>, ProblemHttpResult>> Get(CurrentAccess access, IntegrationsDb db, CancellationToken ct) =>
        await db.GitHubConfigs.FindAsync([access.Project!.Id], ct) is { } config ? TypedResults.Ok(GitHubIntegrationResponse.From(config)) : Problems.IntegrationNotFound();

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(CurrentAccess access, IntegrationsDb db, CancellationToken ct)
    {
        var config = await db.GitHubConfigs.FindAsync([access.Project!.Id], ct);
        if (config is null) return Problems.IntegrationNotFound();
        db.GitHubConfigs.Remove(config);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
