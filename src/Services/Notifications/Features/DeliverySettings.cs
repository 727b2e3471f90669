using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Delivery;
using TaskFlow.Notifications.Sms;

namespace TaskFlow.Notifications.Features;

/// <summary>How the caller is reached, across kinds.</summary>
/// <param name="PhoneNumber">E.164 number for SMS, e.g. <c>+4915112345678</c>, or null.</param>
/// <param name="Sms">SMS on (off by default); needs a phone number. Which kinds are texted follows each kind's <c>sms</c> channel.</param>
/// <param name="Digest"><c>off</c> (default), <c>hourly</c> or <c>daily</c>: emails for comments, status changes and workspace additions are collected into one digest of what is unread.</param>
/// <param name="QuietHoursStart">Local time <c>HH:mm</c> from which email and SMS are held (in-app is immediate), or null.</param>
/// <param name="QuietHoursEnd">Local time <c>HH:mm</c> at which held email and SMS leave, or null.</param>
/// <param name="TimeZone">IANA time zone of the quiet hours, e.g. <c>Europe/Berlin</c> (default <c>UTC</c>).</param>
/// <param name="DigestHour">Local hour (0–23) of the daily digest; default 8.</param>
/// <param name="NextDigestAt">When the next digest is due (UTC); null when the digest is off.</param>
internal sealed record DeliverySettingsView(string? PhoneNumber, bool Sms, string Digest, string? QuietHoursStart, string? QuietHoursEnd, string TimeZone, int DigestHour, DateTime? NextDigestAt);

/// <summary>The caller's delivery settings; a field left out gets its default (this is a replacement, not a patch).</summary>
/// <param name="PhoneNumber">E.164, e.g. <c>+4915112345678</c>; null removes it.</param>
/// <param name="Sms">Turn SMS on (needs <c>phoneNumber</c>).</param>
/// <param name="Digest"><c>off</c>, <c>hourly</c> or <c>daily</c>.</param>
/// <param name="QuietHoursStart"><c>HH:mm</c>; give both ends or neither.</param>
/// <param name="QuietHoursEnd"><c>HH:mm</c>; may be earlier than the start (over midnight).</param>
/// <param name="TimeZone">IANA id, e.g. <c>Europe/Berlin</c>.</param>
/// <param name="DigestHour">Local hour (0–23, in timeZone) at which the daily digest leaves; default 8.</param>
internal sealed record DeliverySettingsRequest(string? PhoneNumber, bool? Sms, string? Digest, string? QuietHoursStart, string? QuietHoursEnd, string? TimeZone, int? DigestHour);

/// <summary>Phone number, SMS switch, digest and quiet hours: <c>GET/PUT /v1/notifications/preferences/delivery</c>.</summary>
internal static class DeliverySettings
{
    static readonly string[] TimeFormats = ["HH:mm", "HH:mm:ss"];

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/preferences/delivery", Get)
            .RequireAuthorization()
            .WithName("GetDeliverySettings")
            .WithSummary("My delivery settings: phone number, SMS, digest, quiet hours")
            .WithDescription("Defaults: no phone number, SMS off, digest off, no quiet hours, time zone UTC.");
        group.MapPut("/preferences/delivery", Put)
            .RequireAuthorization()
            .WithName("UpdateDeliverySettings")
            .WithSummary("Replace my delivery settings")
            .WithDescription("Validation problems name the fields: `phoneNumber` (E.164, required when `sms` is on), `digest`, `quietHoursStart`, `quietHoursEnd` (HH:mm, both or neither), `timeZone` (IANA id).");
    }

    static async Task<Ok<DeliverySettingsView>> Get(ClaimsPrincipal user, NotificationsDb db, CancellationToken ct)
    {
        var me = user.UserId();
        return TypedResults.Ok(View(await db.Settings.AsNoTracking().SingleOrDefaultAsync(s => s.UserId == me, ct) ?? new NotificationSettings { UserId = me }));
    }

    static async Task<Results<Ok<DeliverySettingsView>, ValidationProblem>> Put(
        DeliverySettingsRequest request, ClaimsPrincipal user, NotificationsDb db, NotificationClock clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var phone = string.IsNullOrWhiteSpace(request.PhoneNumber) ? null : request.PhoneNumber.Trim();
        if (phone is not null && !PhoneNumbers.E164().IsMatch(phone))
            errors["phoneNumber"] = ["Must be an E.164 number: a plus, the country code and the number, digits only (e.g. +4915112345678)."];
        else if (request.Sms == true && phone is null)
            errors["phoneNumber"] = ["Is required when sms is on."];
        var digest = request.Digest?.Trim().ToLowerInvariant() ?? DigestFrequency.Off;
        if (!DigestFrequency.All.Contains(digest))
            errors["digest"] = [$"Must be one of: {string.Join(", ", DigestFrequency.All)}."];
        var start = ParseTime(request.QuietHoursStart, "quietHoursStart", errors);
        var end = ParseTime(request.QuietHoursEnd, "quietHoursEnd", errors);
        if ((start is null) != (end is null) && !errors.ContainsKey("quietHoursStart") && !errors.ContainsKey("quietHoursEnd"))
            errors[start is null ? "quietHoursStart" : "quietHoursEnd"] = ["Give both ends of the quiet hours, or neither."];
        else if (start is not null && start == end)
            errors["quietHoursEnd"] = ["Must differ from quietHoursStart."];
        var timeZone = string.IsNullOrWhiteSpace(request.TimeZone) ? "UTC" : request.TimeZone.Trim();
        if (QuietHours.FindZone(timeZone) is null)
            errors["timeZone"] = ["Is not a known IANA time zone id (e.g. Europe/Berlin, America/New_York, UTC)."];
        var digestHour = request.DigestHour ?? 8;
        if (digestHour is < 0 or > 23) errors["digestHour"] = ["Must be an hour from 0 to 23."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var me = user.UserId();
        var settings = await db.Settings.SingleOrDefaultAsync(s => s.UserId == me, ct);
        if (settings is null)
        {
            settings = new NotificationSettings { UserId = me };
            db.Settings.Add(settings);
        }
        // A digest covers what arrives from the moment it is turned on.
        if (digest == DigestFrequency.Off) settings.LastDigestAt = null;
        else if (settings.Digest == DigestFrequency.Off || settings.LastDigestAt is null) settings.LastDigestAt = clock.UtcNow;
        settings.PhoneNumber = phone;
        settings.SmsEnabled = request.Sms ?? false;
        settings.Digest = digest;
        settings.QuietHoursStart = start;
        settings.QuietHoursEnd = end;
        settings.TimeZone = timeZone;
        settings.DigestHour = digestHour;
        settings.NextDigestAt = DigestSchedule.Next(settings, clock.UtcNow);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(View(settings));
    }

    static TimeOnly? ParseTime(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (TimeOnly.TryParseExact(value.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)) return time;
        errors[field] = ["Must be a local time HH:mm, e.g. 22:00."];
        return null;
    }

    static DeliverySettingsView View(NotificationSettings s) => new(
        s.PhoneNumber,
        s.SmsEnabled,
        s.Digest,
        s.QuietHoursStart?.ToString("HH:mm", CultureInfo.InvariantCulture),
        s.QuietHoursEnd?.ToString("HH:mm", CultureInfo.InvariantCulture),
        s.TimeZone,
        s.DigestHour,
        s.NextDigestAt);
}
