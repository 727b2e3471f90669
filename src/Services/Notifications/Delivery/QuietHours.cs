using TaskFlow.Notifications.Data;

namespace TaskFlow.Notifications.Delivery;

/// <summary>Quiet hours in the user's time zone: email and SMS wait until they end; in-app notifications never wait.</summary>
internal static class QuietHours
{
    /// <summary>When a message to this user may leave: <paramref name="utcNow"/>, or the end of the quiet hours it falls in (UTC).</summary>
    public static DateTime ReleaseAt(NotificationSettings? settings, DateTime utcNow)
    {
        if (settings?.QuietHoursStart is not { } start || settings.QuietHoursEnd is not { } end || start == end) return utcNow;
        var zone = FindZone(settings.TimeZone) ?? TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTimeFromUtc(utcNow, zone);
        var time = TimeOnly.FromDateTime(local);
        var quiet = start < end ? time >= start && time < end : time >= start || time < end;
        if (!quiet) return utcNow;

        // Past the end time today means the quiet hours run over midnight and end tomorrow.
        var day = DateOnly.FromDateTime(local);
        if (time >= end) day = day.AddDays(1);
        var localEnd = day.ToDateTime(end, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(localEnd)) localEnd = localEnd.AddHours(1);
        return TimeZoneInfo.ConvertTimeToUtc(localEnd, zone);
    }

    /// <summary>An IANA time zone (<c>Europe/Berlin</c>, <c>UTC</c>); null for unknown ids and Windows ids.</summary>
    public static TimeZoneInfo? FindZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return null;
        try
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return zone.HasIanaId ? zone : null;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }
}
