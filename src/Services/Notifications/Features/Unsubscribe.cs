using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Notifications.Data;

namespace TaskFlow.Notifications.Features;

/// <summary>
/// The one-click unsubscribe link of notification emails: <c>GET</c> (a person clicking) or <c>POST</c>
/// (RFC 8058 <c>List-Unsubscribe-Post</c>) with the signed token turns that kind's email off. Anonymous.
/// </summary>
internal static class Unsubscribe
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/unsubscribe", Handle)
            .AllowAnonymous()
            .WithName("UnsubscribeLink")
            .WithSummary("Unsubscribe from one kind of notification email (link)")
            .WithDescription("The token comes from the email's link. 200 with a short HTML page; a tampered or unknown token is 400.");
        group.MapPost("/unsubscribe", Handle)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("UnsubscribeOneClick")
            .WithSummary("Unsubscribe from one kind of notification email (one-click, RFC 8058)");
    }

    static async Task<Results<ContentHttpResult, ProblemHttpResult>> Handle(string? token, UnsubscribeTokens tokens, NotificationsDb db, CancellationToken ct)
    {
        if (!tokens.TryRead(token, out var userId, out var kind))
            return TypedResults.Problem(
                title: "Invalid unsubscribe link",
                detail: "The link is incomplete or was altered. Change your notification settings in TaskFlow instead.",
                statusCode: StatusCodes.Status400BadRequest,
                type: "https://taskflow.dev/problems/invalid-unsubscribe-token");

        await Preferences.TurnEmailOff(db, userId, kind, ct);
        var what = WebUtility.HtmlEncode(kind.Replace('_', ' '));
        return TypedResults.Content(
            $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Unsubscribed</title></head>\n<body style=\"font-family:Arial,Helvetica,sans-serif\"><h1>Unsubscribed</h1><p>You will no longer get emails for: {what}. You can turn them back on in your notification settings.</p></body></html>\n",
            "text/html; charset=utf-8");
    }
}
