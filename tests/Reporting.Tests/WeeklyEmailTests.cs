using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Reporting.Data;
using TaskFlow.Reporting.Features;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.Reporting.Tests;

/// <summary>
/// The weekly status email: settings, the scheduler on a fake time provider, delivery through notifications (the real
/// event → email path of the all-in-one host), once per week per recipient even when the scheduler runs again (restart).
/// </summary>
public abstract class WeeklyEmailTests(ReportingApp app) : ReportingTestBase(app)
{
    static T When<T>(T e) where T : IntegrationEvent => e with { OccurredAt = FixedHistory.At("2026-03-01T01:00"), EventId = Guid.CreateVersion7() };

    /// <summary>The weekly emails to the address (registration also sends a welcome email).</summary>
    List<MimeMessage> MailsTo(string to) =>
        [.. App.Mails().Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, to, StringComparison.OrdinalIgnoreCase))
            && m.Subject?.StartsWith("Weekly status", StringComparison.Ordinal) == true)];

    /// <summary>Advances the scheduler's time a minute per poll (its timer is always due again) until the condition holds.</summary>
    Task AdvanceUntil(Func<bool> condition, string what) => WaitUntil(() =>
    {
        if (condition()) return Task.FromResult(true);
        App.Time.Advance(TimeSpan.FromMinutes(1));
        return Task.FromResult(false);
    }, what, seconds: 60);

    [Fact]
    public async Task Chosen_members_get_the_weekly_status_email_once_per_week_at_their_hour()
    {
        App.Clock.Now = null;
        var h = new FixedHistory();
        await Deliver([.. h.Setup(), .. h.Events()]);
        // A real account, so notifications knows the address (identity publishes UserRegistered in process).
        var ada = await Accounts.Register(App.CreateClient(), displayName: "Ada Weekly");
        await Deliver([When(new MemberAdded(h.WorkspaceId, ada.Id, "member"))]);
        var owner = Client(h.Owner);
        var path = $"/v1/workspaces/{h.WorkspaceId}/reports/weekly-email";

        var invalid = await owner.PutAsJsonAsync(path, new { recipients = new[] { h.Outsider.Id }, day = "moonday", hour = 24, timeZone = "Mars/Olympus" }, Ct);
        var problem = await AssertProblem(invalid, HttpStatusCode.BadRequest);
        Assert.Equal(["day", "hour", "recipients", "timeZone"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        await AssertProblem(await Client(h.Member).PutAsJsonAsync(path, new { recipients = new[] { ada.Id }, day = "monday", hour = 9 }, Ct), HttpStatusCode.Forbidden, "insufficient-role");

        // Monday 07:00 in Berlin now; the email is due at 09:00 Berlin (07:00 UTC).
        var saved = await owner.PutAsJsonAsync(path, new { recipients = new[] { ada.Id }, day = "monday", hour = 9, timeZone = "Europe/Berlin" }, Ct);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(0, await WithDb(db => WeeklyEmail.SendDue(db, App.Time.GetUtcNow().UtcDateTime, Ct)));

        await AdvanceUntil(() => MailsTo(ada.Email).Count > 0, "the first weekly email");
        Assert.True(App.Time.GetUtcNow() >= new DateTimeOffset(2026, 3, 30, 7, 0, 0, TimeSpan.Zero));
        var mail = Assert.Single(MailsTo(ada.Email));
        Assert.Equal("Weekly status of your workspace, week of 2026-03-30", mail.Subject);
        Assert.Contains("Website (WEB):", mail.TextBody, StringComparison.Ordinal);

        // A restart runs the scheduler again the same week: nothing more is sent.
        Assert.Equal(0, await WithDb(db => WeeklyEmail.SendDue(db, App.Time.GetUtcNow().UtcDateTime, Ct)));
        App.Time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await WithDb(db => WeeklyEmail.SendDue(db, App.Time.GetUtcNow().UtcDateTime, Ct)));

        // Next Monday 09:00 Berlin: the second week's email.
        App.Time.SetUtcNow(new DateTimeOffset(2026, 4, 6, 6, 58, 0, TimeSpan.Zero));
        await AdvanceUntil(() => MailsTo(ada.Email).Count > 1, "the second weekly email");
        Assert.Equal(["Weekly status of your workspace, week of 2026-03-30", "Weekly status of your workspace, week of 2026-04-06"],
            MailsTo(ada.Email).Select(m => m.Subject).Order());
    }
}

public sealed class SqliteWeeklyEmailTests(SqliteReportingApp app) : WeeklyEmailTests(app), IClassFixture<SqliteReportingApp>;

public sealed class PostgresWeeklyEmailTests(PostgresReportingApp app) : WeeklyEmailTests(app), IClassFixture<PostgresReportingApp>;
