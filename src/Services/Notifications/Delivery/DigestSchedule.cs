using TaskFlow.Notifications.Data;

namespace TaskFlow.Notifications.Delivery;

/// <summary>When digests leave: hourly at the top of each hour, daily at the user's chosen local hour.</summary>
internal static class DigestSchedule
{
    /// <summary>The first due time after <paramref name="utcNow"/>; null when the digest is off.</summary>
    public static DateTime? Next(NotificationSettings settings, DateTime utcNow)
    {
        if (settings.Digest == DigestFrequency.Hourly)
            return new DateTime(utcNow.Year, utcNow.Month, utcNow.Day, utcNow.Hour, 0, 0, DateTimeKind.Utc).AddHours(1);
        if (settings.Digest != DigestFrequency.Daily) return null;
        var zone = QuietHours.FindZone(settings.TimeZone) ?? TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTimeFromUtc(utcNow, zone);
        var due = local.Date.AddHours(settings.DigestHour);
        if (due <= local) due = due.AddDays(1);
        // The hour does not exist on a spring-forward day: send an hour later.
        if (zone.IsInvalidTime(due)) due = due.AddHours(1);
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(due, DateTimeKind.Unspecified), zone);
    }
}
