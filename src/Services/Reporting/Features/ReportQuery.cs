using System.ComponentModel;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace TaskFlow.Reporting.Features;

/// <summary>The reports' clock: tests replace it to compute "today" and "overdue" on a fixed history.</summary>
internal class ReportClock
{
    public virtual DateTime UtcNow => DateTime.UtcNow;
}

/// <summary>The filters every report takes (query string); days are the caller's days in <see cref="Tz"/>.</summary>
internal sealed record ReportQuery
{
    /// <summary>IANA time zone of the caller's days, e.g. Europe/Berlin (default UTC).</summary>
    [FromQuery(Name = "tz"), Description("IANA time zone whose days the report uses, e.g. Europe/Berlin. Default UTC.")]
    public string? Tz { get; init; }

    [FromQuery(Name = "from"), Description("First day of the range (yyyy-MM-dd, in tz). Default: 27 days before `to`.")]
    public DateOnly? From { get; init; }

    [FromQuery(Name = "to"), Description("Last day of the range (yyyy-MM-dd, in tz). Default: today in tz.")]
    public DateOnly? To { get; init; }

    [FromQuery(Name = "cycleId"), Description("Only tasks in this cycle.")]
    public Guid? CycleId { get; init; }

    [FromQuery(Name = "assigneeId"), Description("Only tasks assigned to this user.")]
    public Guid? AssigneeId { get; init; }

    [FromQuery(Name = "labelId"), Description("Only tasks with this label.")]
    public Guid? LabelId { get; init; }

    public const int MaxDays = 366;

    /// <summary>The validated query with defaults applied, or the fields in error.</summary>
    public (ReportRange? Range, Dictionary<string, string[]> Errors) Resolve(DateTime utcNow, DayOfWeek weekStart)
    {
        var errors = new Dictionary<string, string[]>();
        TimeZoneInfo? zone = null;
        var tzName = string.IsNullOrWhiteSpace(Tz) ? "UTC" : Tz.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(tzName, out zone))
            errors["tz"] = [$"Unknown time zone '{tzName}'. Use an IANA name such as Europe/Berlin."];
        if (errors.Count > 0 || zone is null) return (null, errors);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utcNow, zone));
        var to = To ?? today;
        var from = From ?? to.AddDays(-27);
        if (from > to) errors["from"] = ["The first day must not be after the last day (to)."];
        else if (to.DayNumber - from.DayNumber + 1 > MaxDays) errors["to"] = [$"A report covers at most {MaxDays} days."];
        if (errors.Count > 0) return (null, errors);
        return (new ReportRange(zone, from, to, today, utcNow, weekStart, CycleId, AssigneeId, LabelId), errors);
    }
}

/// <summary>A resolved report range and filters.</summary>
internal sealed record ReportRange(
    TimeZoneInfo Zone, DateOnly From, DateOnly To, DateOnly Today, DateTime UtcNow, DayOfWeek WeekStart,
    Guid? CycleId, Guid? AssigneeId, Guid? LabelId)
{
    /// <summary>The UTC instant the local day <paramref name="day"/> starts (its midnight, or the first valid time after it).</summary>
    public DateTime StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return TimeZoneInfo.ConvertTimeToUtc(local, Zone);
    }

    /// <summary>The first instant after the local day (exclusive end).</summary>
    public DateTime EndOf(DateOnly day) => StartOf(day.AddDays(1));

    /// <summary>The local day of a UTC instant.</summary>
    public DateOnly DayOf(DateTime utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, Zone));

    /// <summary>The first day of the week holding <paramref name="day"/>.</summary>
    public DateOnly WeekOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek - (int)WeekStart + 7) % 7));

    /// <summary>The days of the range, capped at today (no snapshot of the future).</summary>
    public IEnumerable<DateOnly> Days()
    {
        var last = To < Today ? To : Today;
        for (var d = From; d <= last; d = d.AddDays(1)) yield return d;
    }

    /// <summary>Whether a task state passes the cycle, assignee and label filters.</summary>
    public bool Matches(TaskState state) =>
        (CycleId is null || state.CycleId == CycleId)
        && (AssigneeId is null || state.Assignees.Contains(AssigneeId.Value))
        && (LabelId is null || state.Labels.Contains(LabelId.Value));

    /// <summary>Problem details for a bad query.</summary>
    public static IResult Invalid(Dictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors);
}
