using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Integrations.Data;
using TaskFlow.Integrations.Delivery;

namespace TaskFlow.Integrations.Features;

/// <summary>One delivery and the outcome of its last attempt.</summary>
/// <param name="Id">Delivery id (also sent as TaskFlow-Delivery).</param>
/// <param name="EventKind">e.g. task.created or webhook.test.</param>
/// <param name="Status">pending, succeeded or failed (gave up after the maximum attempts).</param>
/// <param name="Attempts">Attempts made so far.</param>
/// <param name="ResponseCode">HTTP status of the last attempt, if the endpoint answered.</param>
/// <param name="DurationMs">Duration of the last attempt.</param>
/// <param name="Error">Why the last attempt failed, if it did.</param>
/// <param name="CreatedAt">UTC.</param>
/// <param name="LastAttemptAt">UTC.</param>
/// <param name="NextAttemptAt">When a pending delivery is tried next (UTC).</param>
internal sealed record DeliveryResponse(Guid Id, string EventKind, string Status, int Attempts, int? ResponseCode, int? DurationMs, string? Error, DateTime CreatedAt, DateTime? LastAttemptAt, DateTime? NextAttemptAt)
{
    public static DeliveryResponse From(Data.Delivery d) => new(
        d.Id, d.EventKind, d.Status.ToString().ToLowerInvariant(), d.Attempts, d.ResponseCode, d.DurationMs, d.Error, d.CreatedAt, d.LastAttemptAt,
        d.Status == DeliveryStatus.Pending ? d.NextAttemptAt : null);
}

/// <summary>The delivery log of a webhook, a test message, and redelivering one delivery.</summary>
internal static class WebhookDeliveries
{
    public static void Map(RouteGroupBuilder hooks)
    {
        hooks.MapGet("/{webhookId:guid}/deliveries", List).WithName("ListWebhookDeliveries").WithSummary("A webhook's delivery log")
            .WithDescription("Newest first, at most 100 (limit, default 50). Each row shows the last attempt: status code, duration, error.");
        hooks.MapPost("/{webhookId:guid}/test", Test).WithName("TestWebhook").WithSummary("Send a test delivery")
            .WithDescription("Queues a webhook.test message to the webhook (also when it is inactive) and returns the delivery; follow it in the log.");
        hooks.MapPost("/{webhookId:guid}/deliveries/{deliveryId:guid}/redeliver", Redeliver).WithName("RedeliverWebhookDelivery").WithSummary("Send a delivery again")
            .WithDescription("Queues a new delivery with the same body (the same event id, so receivers can deduplicate).");
    }

    static async Task<Results<Ok<List<DeliveryResponse>>, ValidationProblem, ProblemHttpResult>> List(
        Guid webhookId, int? limit, CurrentAccess access, IntegrationsDb db, CancellationToken ct)
    {
        if (limit is < 1 or > 100) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["The limit must be between 1 and 100."] });
        if (await Webhooks.Find(db, access, webhookId, ct) is null) return Problems.WebhookNotFound();
        var rows = await db.Deliveries.AsNoTracking().Where(d => d.WebhookId == webhookId)
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(limit ?? 50).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(DeliveryResponse.From).ToList());
    }

    static async Task<Results<Accepted<DeliveryResponse>, ProblemHttpResult>> Test(Guid webhookId, CurrentAccess access, IntegrationsDb db, CancellationToken ct)
    {
        var hook = await Webhooks.Find(db, access, webhookId, ct);
        if (hook is null) return Problems.WebhookNotFound();
        var data = new JsonObject { ["webhookId"] = hook.Id, ["message"] = "This is a test delivery from TaskFlow." };
        var delivery = Messages.Create(hook, Messages.TestKind, Guid.CreateVersion7(), Clock.UtcNow(), hook.WorkspaceId, data, sourceEventId: null);
        db.Deliveries.Add(delivery);
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted($"/v1/workspaces/{hook.WorkspaceId}/webhooks/{hook.Id}/deliveries", DeliveryResponse.From(delivery));
    }

    static async Task<Results<Accepted<DeliveryResponse>, ProblemHttpResult>> Redeliver(
        Guid webhookId, Guid deliveryId, CurrentAccess access, IntegrationsDb db, CancellationToken ct)
    {
        var hook = await Webhooks.Find(db, access, webhookId, ct);
        if (hook is null) return Problems.WebhookNotFound();
        var original = await db.Deliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Id == deliveryId && d.WebhookId == webhookId, ct);
        if (original is null) return Problems.DeliveryNotFound();
        var now = Clock.UtcNow();
        var delivery = new Data.Delivery
        {
            Id = Guid.CreateVersion7(),
            WebhookId = hook.Id,
            WorkspaceId = hook.WorkspaceId,
            EventKind = original.EventKind,
            Body = original.Body,
            Status = DeliveryStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.Deliveries.Add(delivery);
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted($"/v1/workspaces/{hook.WorkspaceId}/webhooks/{hook.Id}/deliveries", DeliveryResponse.From(delivery));
    }
}
