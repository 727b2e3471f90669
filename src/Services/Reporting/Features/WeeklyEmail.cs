using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Reporting.Contracts;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Features;

/// <summary>The scheduler's clock (tests put a fake time provider here without touching the other services' time).</summary>
internal sealed class ReportingTime(TimeProvider provider)
{
    public TimeProvider Provider { get; } = provider;
}

/// <summary>
/// <c>GET/PUT …/reports/weekly-email</c> of a project or a workspace: the weekly status email to chosen members, on a
/// day and hour of a time zone. PUT by workspace owners/admins; recipients must be active workspace members.
/// </summary>
internal static class WeeklyEmail
{
    static readonly string[] Days = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    /// <summary>
    /// <paramref name="Recipients"/>: user ids (workspace members); <paramref name="Day"/>: monday … sunday;
    /// <paramref name="Hour"/>: 0–23 in <paramref name="TimeZone"/> (IANA, default UTC).
    /// </summary>
    public sealed record Settings([property: Required] Guid[] Recipients, [property: Required] string Day, int Hour, string? TimeZone, bool Enabled = true);

    internal static void MapProject(RouteGroupBuilder reports)
    {
        reports.MapGet("/weekly-email", (ReportingDb db, ReportCaller caller, CancellationToken ct) => Get(db, caller.Project.Id, ct))
            .WithName("GetProjectWeeklyEmail").WithSummary("The project's weekly status email settings");
        reports.MapPut("/weekly-email", (Settings request, ReportingDb db, ReportCaller caller, ReportingTime time, CancellationToken ct) =>
                Put(request, db, caller.Project.WorkspaceId, caller.Project.Id, time, ct))
            .AdminOnly().WithName("PutProjectWeeklyEmail").WithSummary("Choose who gets the project's weekly status email, and when");
    }

    internal static void MapWorkspace(RouteGroupBuilder reports)
    {
        reports.MapGet("/weekly-email", (Guid workspaceId, ReportingDb db, CancellationToken ct) => Get(db, workspaceId, ct))
            .WithName("GetWorkspaceWeeklyEmail").WithSummary("The workspace's weekly status email settings");
        reports.MapPut("/weekly-email", (Guid workspaceId, Settings request, ReportingDb db, ReportingTime time, CancellationToken ct) =>
                Put(request, db, workspaceId, null, time, ct))
            .AdminOnly().WithName("PutWorkspaceWeeklyEmail").WithSummary("Choose who gets the workspace's weekly status email, and when")
            .WithDescription("Workspace owners and admins. Every chosen member gets one email per week at the chosen day and hour (in timeZone) with every workspace-visible project's progress and health. A week whose time has passed when the setting is saved starts next week.");
    }

    static async Task<Ok<Settings>> Get(ReportingDb db, Guid scopeId, CancellationToken ct)
    {
        var s = await db.WeeklyEmails.AsNoTracking().SingleOrDefaultAsync(x => x.ScopeId == scopeId, ct);
        return TypedResults.Ok(s is null ? new Settings([], "monday", 9, "UTC", Enabled: false)
            : new Settings(Parse(s.Recipients), Days[s.Day], s.Hour, s.TimeZone, s.Enabled));
    }

    static async Task<Results<Ok<Settings>, ValidationProblem>> Put(Settings request, ReportingDb db, Guid workspaceId, Guid? projectId, ReportingTime time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var day = Array.IndexOf(Days, request.Day?.Trim().ToLowerInvariant());
        if (day < 0) errors["day"] = ["Use a day name: monday … sunday."];
        if (request.Hour is < 0 or > 23) errors["hour"] = ["Use an hour from 0 to 23."];
        var tz = string.IsNullOrWhiteSpace(request.TimeZone) ? "UTC" : request.TimeZone.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(tz, out _)) errors["timeZone"] = [$"Unknown time zone '{tz}'. Use an IANA name such as Europe/Berlin."];
        var recipients = (request.Recipients ?? []).Distinct().ToArray();
        var members = await db.WorkspaceMembers.AsNoTracking().Where(m => m.WorkspaceId == workspaceId && m.Active).Select(m => m.UserId).ToListAsync(ct);
        if (recipients.Any(r => !members.Contains(r))) errors["recipients"] = ["Every recipient must be a member of the workspace."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var scopeId = projectId ?? workspaceId;
        var setting = await db.WeeklyEmails.SingleOrDefaultAsync(x => x.ScopeId == scopeId, ct);
        if (setting is null) db.WeeklyEmails.Add(setting = new WeeklyEmailSetting { ScopeId = scopeId, WorkspaceId = workspaceId, ProjectId = projectId });
        (setting.Recipients, setting.Day, setting.Hour, setting.TimeZone, setting.Enabled, setting.UpdatedAt) =
            (string.Join(',', recipients), day, request.Hour, tz, request.Enabled, time.Provider.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new Settings(recipients, Days[day], request.Hour, tz, request.Enabled));
    }

    static Guid[] Parse(string ids) => [.. ids.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse)];

    /// <summary>The local day of the latest sending time at or before <paramref name="utcNow"/>, and that instant in UTC.</summary>
    internal static (DateOnly WeekOf, DateTime DueUtc) LatestDue(WeeklyEmailSetting s, DateTime utcNow)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(s.TimeZone);
        var local = TimeZoneInfo.ConvertTimeFromUtc(utcNow, zone);
        var day = DateOnly.FromDateTime(local).AddDays(-(((int)local.DayOfWeek - s.Day + 7) % 7));
        DateTime Due(DateOnly d)
        {
            var at = d.ToDateTime(new TimeOnly(s.Hour, 0), DateTimeKind.Unspecified);
            while (zone.IsInvalidTime(at)) at = at.AddMinutes(30);
            return TimeZoneInfo.ConvertTimeToUtc(at, zone);
        }
        if (Due(day) > utcNow) day = day.AddDays(-7);
        return (day, Due(day));
    }

    /// <summary>
    /// Hands every due email to notifications: for each enabled setting whose latest sending time has passed (and came
    /// after the setting was saved), each recipient without a sent row for that week gets a <see cref="WeeklyStatusReportDue"/>
    /// event; the row and the event are saved in one transaction, so a restart or a second instance sends nothing twice.
    /// </summary>
    internal static async Task<int> SendDue(ReportingDb db, DateTime utcNow, CancellationToken ct)
    {
        var sent = 0;
        foreach (var s in await db.WeeklyEmails.AsNoTracking().Where(x => x.Enabled && x.Recipients != "").ToListAsync(ct))
        {
            var (weekOf, due) = LatestDue(s, utcNow);
            if (due < s.UpdatedAt) continue;
            var done = await db.WeeklyEmailsSent.AsNoTracking().Where(x => x.ScopeId == s.ScopeId && x.WeekOf == weekOf).Select(x => x.UserId).ToListAsync(ct);
            var members = await db.WorkspaceMembers.AsNoTracking().Where(m => m.WorkspaceId == s.WorkspaceId && m.Active).Select(m => m.UserId).ToListAsync(ct);
            var recipients = Parse(s.Recipients).Where(r => !done.Contains(r) && members.Contains(r)).ToList();
            if (recipients.Count == 0) continue;

            var projects = await db.Projects.AsNoTracking()
                .Where(p => p.WorkspaceId == s.WorkspaceId && !p.Deleted && (s.ProjectId == null ? !p.Private : p.Id == s.ProjectId)).ToListAsync(ct);
            var histories = new List<(KnownProject, ProjectHistory)>();
            foreach (var p in projects) histories.Add((p, await ProjectHistory.Load(db, p.Id, ct)));
            var (range, _) = new ReportQuery { Tz = s.TimeZone }.Resolve(utcNow, DayOfWeek.Monday);
            var overview = Overview.Compute(s.WorkspaceId, range!, histories, [], new Dictionary<Guid, string>());
            var lines = overview.Projects.Select(p =>
                $"{p.Name} ({p.Key}): {p.Done} of {p.Total - p.Cancelled} tasks done ({p.PercentDone} %), {p.Open} open, {p.Overdue} overdue, " +
                $"{p.CompletedLast28Days} completed in the last 28 days — {p.Health.Replace('_', ' ')}.").ToList();
            if (lines.Count == 0) lines.Add("No projects to report.");
            var name = s.ProjectId is null ? "your workspace" : projects.FirstOrDefault()?.Name ?? "your project";
            var url = s.ProjectId is { } pid ? $"/projects/{pid}/reports" : $"/workspaces/{s.WorkspaceId}/overview";
            foreach (var r in recipients)
            {
                db.WeeklyEmailsSent.Add(new WeeklyEmailSent { ScopeId = s.ScopeId, UserId = r, WeekOf = weekOf, SentAt = utcNow });
                db.Publish(new WeeklyStatusReportDue($"{s.ScopeId:N}:{r:N}:{weekOf:yyyyMMdd}", r, s.WorkspaceId, s.ProjectId, weekOf,
                    $"Weekly status of {name}, week of {weekOf:yyyy-MM-dd}", lines, url));
            }
            try
            {
                await db.SaveChangesAsync(ct);
                sent += recipients.Count;
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear(); // another instance sent this week's email first
            }
        }
        return sent;
    }
}

/// <summary>Checks for due weekly emails every minute of <see cref="ReportingTime"/> (and at start).</summary>
internal sealed class WeeklyEmailScheduler(IServiceProvider services, ReportingTime time, ILogger<WeeklyEmailScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var sent = await WeeklyEmail.SendDue(scope.ServiceProvider.GetRequiredService<ReportingDb>(), time.Provider.GetUtcNow().UtcDateTime, stoppingToken);
                if (sent > 0) logger.LogInformation("Handed {Count} weekly status email(s) to notifications", sent);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "The weekly email scheduler failed; trying again");
            }
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(1), time.Provider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
