using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Notifications.Data;

namespace TaskFlow.Notifications.Features;

/// <summary>The channels of one notification kind.</summary>
/// <param name="InApp">Show it in the app.</param>
/// <param name="Email">Send an email (or list it in the digest).</param>
/// <param name="Sms">Send a text message, when SMS is on in the delivery settings.</param>
internal sealed record ChannelSettings(bool InApp, bool Email, bool Sms);

/// <summary>A change to the channels of one kind; a channel left out keeps its value.</summary>
/// <param name="InApp">Show it in the app.</param>
/// <param name="Email">Send an email.</param>
/// <param name="Sms">Send a text message.</param>
internal sealed record ChannelChange(bool? InApp, bool? Email, bool? Sms);

/// <summary>Per kind × channel on/off. Defaults: in-app and email on; SMS on for urgent kinds (assigned, mentioned, due soon, overdue).</summary>
internal static class Preferences
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/preferences", Get)
            .RequireAuthorization()
            .WithName("GetNotificationPreferences")
            .WithSummary("My notification preferences")
            .WithDescription("Every kind with its `inApp`, `email` and `sms` channel; kinds never changed have the defaults (in-app and email on, SMS on for urgent kinds).");
        group.MapPut("/preferences", Put)
            .RequireAuthorization()
            .WithName("UpdateNotificationPreferences")
            .WithSummary("Change my notification preferences")
            .WithDescription("Body `{kind: {inApp: bool, email: bool, sms: bool}}`; kinds left out, and channels left out, keep their value. Unknown kinds are a validation error naming them.");
        DeliverySettings.Map(group);
    }

    static async Task<Ok<Dictionary<string, ChannelSettings>>> Get(ClaimsPrincipal user, NotificationsDb db, CancellationToken ct) =>
        TypedResults.Ok(await Load(db, user.UserId(), ct));

    static async Task<Results<Ok<Dictionary<string, ChannelSettings>>, ValidationProblem>> Put(
        Dictionary<string, ChannelChange?> request, ClaimsPrincipal user, NotificationsDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (kind, change) in request)
        {
            if (!NotificationKinds.IsKnown(kind))
                errors[kind] = [$"Unknown notification kind '{kind}'. Known kinds: {string.Join(", ", NotificationKinds.All)}."];
            else if (change is null)
                errors[kind] = ["Must be an object {inApp: bool, email: bool, sms: bool}."];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var me = user.UserId();
        var stored = await db.Preferences.Where(p => p.UserId == me).ToDictionaryAsync(p => p.Kind, ct);
        foreach (var (kind, change) in request)
        {
            if (!stored.TryGetValue(kind, out var preference))
            {
                preference = new NotificationPreference { UserId = me, Kind = kind, Sms = NotificationKinds.SmsByDefault(kind) };
                db.Preferences.Add(preference);
            }
            preference.InApp = change!.InApp ?? preference.InApp;
            preference.Email = change.Email ?? preference.Email;
            preference.Sms = change.Sms ?? preference.Sms;
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await Load(db, me, ct));
    }

    static async Task<Dictionary<string, ChannelSettings>> Load(NotificationsDb db, Guid userId, CancellationToken ct)
    {
        var stored = await db.Preferences.AsNoTracking().Where(p => p.UserId == userId).ToDictionaryAsync(p => p.Kind, ct);
        return NotificationKinds.All.ToDictionary(
            kind => kind,
            kind => stored.TryGetValue(kind, out var p) ? new ChannelSettings(p.InApp, p.Email, p.Sms) : new ChannelSettings(true, true, NotificationKinds.SmsByDefault(kind)),
            StringComparer.Ordinal);
    }

    /// <summary>Turns the email channel of one kind off (the unsubscribe link).</summary>
    public static async Task TurnEmailOff(NotificationsDb db, Guid userId, string kind, CancellationToken ct)
    {
        var preference = await db.Preferences.SingleOrDefaultAsync(p => p.UserId == userId && p.Kind == kind, ct);
        if (preference is null)
        {
            preference = new NotificationPreference { UserId = userId, Kind = kind, Sms = NotificationKinds.SmsByDefault(kind) };
            db.Preferences.Add(preference);
        }
        preference.Email = false;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two clicks at once: the other request inserted the row; set it on that one.
            db.ChangeTracker.Clear();
            await db.Preferences.Where(p => p.UserId == userId && p.Kind == kind).ExecuteUpdateAsync(s => s.SetProperty(p => p.Email, false), ct);
        }
    }
}
