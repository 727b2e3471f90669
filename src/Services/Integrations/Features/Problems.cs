using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TaskFlow.Integrations.Features;

/// <summary>The domain errors of this service, each with a stable <c>type</c> clients can switch on.</summary>
internal static class Problems
{
    const string Base = "https://taskflow.dev/problems/";

    public static ProblemHttpResult WorkspaceNotFound() => Make(StatusCodes.Status404NotFound, "workspace-not-found",
        "Workspace not found.", "No workspace exists at this address, or you are not a member of it.");

    public static ProblemHttpResult ProjectNotFound() => Make(StatusCodes.Status404NotFound, "project-not-found",
        "Project not found.", "No project exists at this address, or you are not a member of its workspace.");

    public static ProblemHttpResult WebhookNotFound() => Make(StatusCodes.Status404NotFound, "webhook-not-found",
        "Webhook not found.", "This workspace has no webhook with that id.");

    public static ProblemHttpResult DeliveryNotFound() => Make(StatusCodes.Status404NotFound, "delivery-not-found",
        "Delivery not found.", "This webhook has no delivery with that id.");

    public static ProblemHttpResult IntegrationNotFound() => Make(StatusCodes.Status404NotFound, "integration-not-found",
        "Integration not found.", "This project has no GitHub integration, or it is disabled.");

    public static ProblemHttpResult InsufficientRole() => Make(StatusCodes.Status403Forbidden, "insufficient-role",
        "Your role does not allow this.", "Only workspace owners and admins manage webhooks and integrations.");

    public static ProblemHttpResult InvalidSignature() => Make(StatusCodes.Status401Unauthorized, "invalid-signature",
        "The signature is missing or invalid.", "Send X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the integration's secret>.");

    public static ProblemHttpResult PayloadTooLarge() => Make(StatusCodes.Status413PayloadTooLarge, "payload-too-large",
        "The payload is too large.", "Payloads up to 5 MB are accepted.");

    static ProblemHttpResult Make(int status, string slug, string title, string detail) =>
        TypedResults.Problem(statusCode: status, type: Base + slug, title: title, detail: detail);
}
