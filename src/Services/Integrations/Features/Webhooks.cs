using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Integrations.Data;
using TaskFlow.Integrations.Delivery;

namespace TaskFlow.Integrations.Features;

/// <summary>A webhook as clients see it; the secret is never shown again after create or rotate.</summary>
/// <param name="Id">Webhook id.</param>
/// <param name="Kind"><c>webhook</c> (signed JSON) or <c>slack</c> (Slack incoming-webhook URL, Block Kit bodies).</param>
/// <param name="Url">Where deliveries are POSTed. For a Slack webhook only a mask (<c>https://hooks.slack.com/services/T…/…abcd</c>): the URL is a credential and is stored encrypted.</param>
/// <param name="EventKinds">Subscribed kinds, e.g. task.created, comment.added.</param>
/// <param name="ProjectIds">Projects it is limited to (it gets only their events); empty: the whole workspace, including workspace-level events.</param>
/// <param name="Active">Inactive webhooks receive no new event deliveries.</param>
/// <param name="Description">Free text.</param>
/// <param name="CreatedAt">UTC.</param>
/// <param name="UpdatedAt">UTC.</param>
internal sealed record WebhookResponse(Guid Id, string Kind, string Url, string[] EventKinds, Guid[] ProjectIds, bool Active, string? Description, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static WebhookResponse From(Webhook w) => new(w.Id, w.Kind, w.Url, [.. w.Kinds()], [.. w.Projects()], w.Active, w.Description, w.CreatedAt, w.UpdatedAt);
}

/// <summary>A webhook just created or rotated, with its signing secret (shown only this once).</summary>
/// <param name="Webhook">The webhook.</param>
/// <param name="Secret">The HMAC key of the TaskFlow-Signature header. Store it now: it is not shown again.</param>
internal sealed record WebhookWithSecret(WebhookResponse Webhook, string Secret);

/// <summary>Create, list, read, change, delete webhooks of a workspace, and rotate a webhook's secret.</summary>
internal static class Webhooks
{
    /// <summary>A new webhook.</summary>
    /// <param name="Url">Absolute http(s) URL on the public internet.</param>
    /// <param name="EventKinds">Kinds to receive (at least one), e.g. task.created.</param>
    /// <param name="Kind"><c>webhook</c> (default) or <c>slack</c>.</param>
    /// <param name="Active">Default true.</param>
    /// <param name="Description">Up to 500 characters.</param>
    /// <param name="ProjectIds">Limit the webhook to these projects of the workspace (at most 50); null or empty: the whole workspace.</param>
    internal sealed record CreateRequest(string? Url, string[]? EventKinds, string? Kind, bool? Active, string? Description, Guid[]? ProjectIds = null);

    /// <summary>Changes to a webhook; omitted fields stay.</summary>
    /// <param name="Url">New URL.</param>
    /// <param name="EventKinds">New subscription (replaces the old one).</param>
    /// <param name="Active">Pause or resume.</param>
    /// <param name="Description">New description.</param>
    /// <param name="ProjectIds">New project limit (replaces the old one); an empty list makes it workspace-wide; null or omitted keeps it.</param>
    internal sealed record UpdateRequest(string? Url, string[]? EventKinds, bool? Active, string? Description, Guid[]? ProjectIds = null);

    public static void Map(RouteGroupBuilder hooks)
    {
        hooks.MapPost("", Create).WithName("CreateWebhook").WithSummary("Create a webhook")
            .WithDescription("Workspace owners and admins. The response carries the signing secret, shown only this once (it is stored encrypted). A URL that resolves to a private, loopback or link-local address is refused (400 on url). projectIds limits it to projects of the workspace (400 on projectIds for unknown or foreign ids).");
        hooks.MapGet("", List).WithName("ListWebhooks").WithSummary("List the workspace's webhooks");
        hooks.MapGet("/{webhookId:guid}", Get).WithName("GetWebhook").WithSummary("Get a webhook");
        hooks.MapPatch("/{webhookId:guid}", Update).WithName("UpdateWebhook").WithSummary("Change a webhook")
            .WithDescription("Omitted fields stay as they are. projectIds replaces the project limit; [] makes the webhook workspace-wide.");
        hooks.MapDelete("/{webhookId:guid}", Delete).WithName("DeleteWebhook").WithSummary("Delete a webhook")
            .WithDescription("Its delivery log and pending deliveries go with it.");
        hooks.MapPost("/{webhookId:guid}/rotate-secret", Rotate).WithName("RotateWebhookSecret").WithSummary("Replace a webhook's secret")
            .WithDescription("Deliveries from now on are signed with the new secret, which is shown only in this response.");
    }

    internal static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    static async Task<Results<Created<WebhookWithSecret>, ValidationProblem>> Create(
        CreateRequest request, CurrentAccess access, IntegrationsDb db, NetworkGuard guard, SecretProtection protection, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var kind = request.Kind ?? WebhookKinds.Webhook;
        if (!WebhookKinds.All.Contains(kind)) errors["kind"] = ["Kind must be webhook or slack."];
        if (await guard.Check(request.Url, ct) is { } urlError) errors["url"] = [urlError];
        if (ValidateKinds(request.EventKinds) is { } kindsError) errors["eventKinds"] = [kindsError];
        if (request.Description is { Length: > 500 }) errors["description"] = ["The description must be at most 500 characters."];
        if (await ValidateProjects(db, access.WorkspaceId, request.ProjectIds, ct) is { } projectsError) errors["projectIds"] = [projectsError];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var now = Clock.UtcNow();
        var hook = new Webhook
        {
            Id = Guid.CreateVersion7(),
            WorkspaceId = access.WorkspaceId,
            Kind = kind,
            Url = "",
            EventKinds = string.Join(',', request.EventKinds!.Distinct()),
            Active = request.Active ?? true,
            Description = request.Description,
            CreatedBy = access.UserId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        hook.LimitTo([.. (request.ProjectIds ?? []).Distinct()]);
        protection.SetUrl(hook, request.Url!.Trim());
        var secret = NewSecret();
        protection.SetSecret(hook, secret);
        db.Webhooks.Add(hook);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/v1/workspaces/{hook.WorkspaceId}/webhooks/{hook.Id}", new WebhookWithSecret(WebhookResponse.From(hook), secret));
    }

    static string? ValidateKinds(string[]? kinds)
    {
        if (kinds is null || kinds.Length == 0) return "Choose at least one event kind.";
        var unknown = kinds.Where(k => k is null || !Messages.Kinds.Contains(k)).ToList();
        return unknown.Count > 0 ? $"Unknown event kind(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", Messages.Kinds.Order())}." : null;
    }

    const int MaxProjects = 50;

    /// <summary>Every id must be a live project of the workspace (per the local project copy); unknown and foreign ids get the same answer.</summary>
    static async Task<string?> ValidateProjects(IntegrationsDb db, Guid workspaceId, Guid[]? projectIds, CancellationToken ct)
    {
        if (projectIds is null || projectIds.Length == 0) return null;
        var ids = projectIds.Distinct().ToList();
        if (ids.Count > MaxProjects) return $"At most {MaxProjects} projects.";
        var known = await db.Projects.AsNoTracking().Where(p => ids.Contains(p.Id) && p.WorkspaceId == workspaceId && !p.Deleted).Select(p => p.Id).ToListAsync(ct);
        var unknown = ids.Except(known).ToList();
        return unknown.Count > 0 ? $"Not a project of this workspace: {string.Join(", ", unknown)}." : null;
    }

    static async Task<Ok<List<WebhookResponse>>> List(CurrentAccess access, IntegrationsDb db, CancellationToken ct)
    {
        var hooks = await db.Webhooks.AsNoTracking().Where(w => w.WorkspaceId == access.WorkspaceId).OrderBy(w => w.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(hooks.Select(WebhookResponse.From).ToList());
    }

    internal static Task<Webhook?> Find(IntegrationsDb db, CurrentAccess access, Guid webhookId, CancellationToken ct) =>
        db.Webhooks.SingleOrDefaultAsync(w => w.Id == webhookId && w.WorkspaceId == access.WorkspaceId, ct);

    static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> Get(Guid webhookId, CurrentAccess access, IntegrationsDb db, CancellationToken ct) =>
        await Find(db, access, webhookId, ct) is { } hook ? TypedResults.Ok(WebhookResponse.From(hook)) : Problems.WebhookNotFound();

    static async Task<Results<Ok<WebhookResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid webhookId, UpdateRequest request, CurrentAccess access, IntegrationsDb db, NetworkGuard guard, SecretProtection protection, CancellationToken ct)
    {
        var hook = await Find(db, access, webhookId, ct);
        if (hook is null) return Problems.WebhookNotFound();
        var errors = new Dictionary<string, string[]>();
        if (request.Url is not null && await guard.Check(request.Url, ct) is { } urlError) errors["url"] = [urlError];
        if (request.EventKinds is not null && ValidateKinds(request.EventKinds) is { } kindsError) errors["eventKinds"] = [kindsError];
        if (request.Description is { Length: > 500 }) errors["description"] = ["The description must be at most 500 characters."];
        if (await ValidateProjects(db, access.WorkspaceId, request.ProjectIds, ct) is { } projectsError) errors["projectIds"] = [projectsError];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        if (request.Url is not null) protection.SetUrl(hook, request.Url.Trim());
        if (request.ProjectIds is not null) hook.LimitTo([.. request.ProjectIds.Distinct()]);
        if (request.EventKinds is not null) hook.EventKinds = string.Join(',', request.EventKinds.Distinct());
        if (request.Active is { } active) hook.Active = active;
        if (request.Description is not null) hook.Description = request.Description;
        hook.UpdatedAt = Clock.UtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(WebhookResponse.From(hook));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid webhookId, CurrentAccess access, IntegrationsDb db, CancellationToken ct)
    {
        var hook = await Find(db, access, webhookId, ct);
        if (hook is null) return Problems.WebhookNotFound();
        db.Webhooks.Remove(hook);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    static async Task<Results<Ok<WebhookWithSecret>, ProblemHttpResult>> Rotate(Guid webhookId, CurrentAccess access, IntegrationsDb db, SecretProtection protection, CancellationToken ct)
    {
        var hook = await Find(db, access, webhookId, ct);
        if (hook is null) return Problems.WebhookNotFound();
        var secret = NewSecret();
        protection.SetSecret(hook, secret);
        hook.UpdatedAt = Clock.UtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new WebhookWithSecret(WebhookResponse.From(hook), secret));
    }
}
