using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Integrations.Data;
using TaskFlow.Integrations.Contracts;

namespace TaskFlow.Integrations.Features;

/// <summary>
/// Receives GitHub webhook payloads for one project (anonymous, authenticated by the <c>X-Hub-Signature-256</c> HMAC of
/// the raw body). Pull requests and pushes that mention the project's task keys (<c>KEY-123</c>, any case, in the title,
/// body, branch name or commit messages) are reported as <see cref="ExternalLinkReported"/>, one per task and item.
/// </summary>
internal static class GitHubWebhook
{
    const int MaxBody = 5 * 1024 * 1024;
    static readonly string[] HandledActions = ["opened", "edited", "closed", "reopened"];

    /// <summary>What the payload led to.</summary>
    /// <param name="Event">The X-GitHub-Event header.</param>
    /// <param name="Reported">Task links reported (one per task and pull request or commit).</param>
    internal sealed record Response(string Event, int Reported);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/v1/integrations/github/{projectId:guid}", Handle)
            .AllowAnonymous()
            .WithTags("Integrations")
            .WithName("ReceiveGitHubWebhook")
            .WithSummary("GitHub webhook receiver")
            .WithDescription("Anonymous; the X-Hub-Signature-256 header must be the HMAC-SHA256 of the raw body with the project's GitHub secret (else 401). Handles ping, pull_request (opened, edited, closed, reopened) and push; other events are acknowledged and ignored.")
            .Accepts<JsonElement>("application/json")
            .DisableAntiforgery();

    static async Task<Results<Ok<Response>, ValidationProblem, ProblemHttpResult>> Handle(Guid projectId, HttpRequest request, IntegrationsDb db, SecretProtection protection, CancellationToken ct)
    {
        if (request.ContentLength > MaxBody) return Problems.PayloadTooLarge();
        var body = await ReadBody(request, ct);
        if (body is null) return Problems.PayloadTooLarge();

        var config = await db.GitHubConfigs.AsNoTracking().SingleOrDefaultAsync(c => c.ProjectId == projectId && c.Enabled, ct);
        var project = config is null ? null : await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == projectId && !p.Deleted, ct);
        if (config is null || project is null) return Problems.IntegrationNotFound();
        if (!SignatureMatches(request.Headers["X-Hub-Signature-256"].ToString(), protection.Secret(config), body)) return Problems.InvalidSignature();

        var eventName = request.Headers["X-GitHub-Event"].ToString();
        List<ExternalLinkReported> links;
        try
        {
            using var document = JsonDocument.Parse(JsonBody(body));
            var keys = KeyFinder(project.Key);
            links = eventName switch
            {
                "pull_request" => PullRequest(document.RootElement, keys, project, config),
                "push" => Push(document.RootElement, keys, project),
                _ => [],
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The payload is not a GitHub event of the expected shape."] });
        }
        foreach (var link in links) db.Publish(link);
        if (links.Count > 0) await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new Response(eventName, links.Count));
    }

    static async Task<byte[]?> ReadBody(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBody) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>GitHub's form content type sends the JSON in a <c>payload</c> field; the signature covers the raw body either way.</summary>
    static string JsonBody(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.StartsWith("payload=", StringComparison.Ordinal) ? Uri.UnescapeDataString(text["payload=".Length..].Replace('+', ' ')) : text;
    }

    /// <summary>Constant-time comparison of <c>sha256=&lt;hex&gt;</c> with the HMAC of the body.</summary>
    internal static bool SignatureMatches(string header, string secret, byte[] body)
    {
        const string prefix = "sha256=";
        if (!header.StartsWith(prefix, StringComparison.Ordinal) || header.Length != prefix.Length + 64) return false;
        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    static Func<string?, IEnumerable<string>> KeyFinder(string projectKey)
    {
        if (string.IsNullOrEmpty(projectKey)) return _ => [];
        var upper = projectKey.ToUpperInvariant();
        var pattern = new Regex($"(?<![A-Za-z0-9]){Regex.Escape(projectKey)}-([0-9]{{1,9}})(?![0-9])",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return text => text is null
            ? []
            : pattern.Matches(text).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
                .Where(n => n > 0).Select(n => $"{upper}-{n}");
    }

    static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static List<ExternalLinkReported> PullRequest(JsonElement root, Func<string?, IEnumerable<string>> keys, KnownProject project, GitHubConfig config)
    {
        var action = Text(root, "action");
        if (action is null || !HandledActions.Contains(action)) return [];
        var pr = root.GetProperty("pull_request");
        var number = pr.GetProperty("number").GetInt32();
        var repository = root.TryGetProperty("repository", out var repo) ? Text(repo, "full_name") : null;
        var merged = pr.TryGetProperty("merged", out var m) && m.ValueKind == JsonValueKind.True;
        var state = action == "closed" ? (merged ? "merged" : "closed") : "open";
        var branch = pr.TryGetProperty("head", out var head) ? Text(head, "ref") : null;
        var title = Text(pr, "title") ?? "";
        var moveTo = state == "merged" ? config.MoveToStatusIdOnMerge : null;
        return keys(title).Concat(keys(Text(pr, "body"))).Concat(keys(branch)).Distinct()
            .Select(key => new ExternalLinkReported(project.Id, project.WorkspaceId, key, "github", "pull_request",
                $"{repository ?? "github"}#{number}", Text(pr, "html_url") ?? "", title, state, moveTo))
            .ToList();
    }

    static List<ExternalLinkReported> Push(JsonElement root, Func<string?, IEnumerable<string>> keys, KnownProject project)
    {
        var reference = Text(root, "ref") ?? "";
        var branch = reference.StartsWith("refs/heads/", StringComparison.Ordinal) ? reference["refs/heads/".Length..] : null;
        if (!root.TryGetProperty("commits", out var commits) || commits.ValueKind != JsonValueKind.Array) return [];
        var links = new List<ExternalLinkReported>();
        foreach (var commit in commits.EnumerateArray())
        {
            var message = Text(commit, "message") ?? "";
            var firstLine = message.Split('\n', 2)[0].Trim();
            if (firstLine.Length > 200) firstLine = firstLine[..200];
            var id = Text(commit, "id") ?? throw new InvalidOperationException("A commit has no id.");
            links.AddRange(keys(message).Concat(keys(branch)).Distinct()
                .Select(key => new ExternalLinkReported(project.Id, project.WorkspaceId, key, "github", "commit", id, Text(commit, "url") ?? "", firstLine, "committed", null)));
        }
        return links;
    }
}
