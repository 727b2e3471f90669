using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MiniExcelLibs;
using UglyToad.PdfPig;
using static Microsoft.Playwright.Assertions;

namespace TaskFlow.Web.Tests;

/// <summary>
/// The Reports page's burndown/burnup, workload and cycle-time charts with their tables, filters in the URL, the XLSX
/// and PDF exports' contents, and the weekly status email settings, in Chromium on a seeded project.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class ReportChartsBrowserTests(BrowserFixture fixture)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    sealed record Seeded(IPage Page, HttpClient Api, Guid WorkspaceId, Guid ProjectId, Guid Me, Guid Bug, Guid Sprint1, Guid Sprint2) : IDisposable
    {
        public void Dispose() => Api.Dispose();
    }

    /// <summary>
    /// Engine (ENG), all created today (UTC); cycle Sprint 1 from today to today + 7, Sprint 2 after it; label Bug.
    /// ENG-1 Build the mill: 3 points, Ada, Sprint 1, Bug, started then done. ENG-2 Punch the cards: 2 points, Ada, Sprint 1, in progress.
    /// ENG-3 Write the notes: 5 points, nobody, Sprint 1, Bug, due 2020-01-06 (overdue). ENG-4 Oil the gears: 1 point, Ada,
    /// no cycle, started then done. ENG-5 Sharpen the pencils: 1 point, Ada, no cycle, to do.
    /// </summary>
    async Task<Seeded> Seed(string name)
    {
        var email = $"charts-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage(1280, 900);
        await BrowserTests.SignUp(page, email, name);
        var api = fixture.Host.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Accounts.SignIn(api, email, BrowserTests.Password));
        var me = (await api.GetFromJsonAsync<JsonElement>("/v1/users/me", Ct)).GetProperty("id").GetGuid();
        var workspaceId = await SeedApi.Create(api, "/v1/workspaces", new { name = "Analytical" }, Ct);
        var projectId = await SeedApi.Create(api, $"/v1/workspaces/{workspaceId}/projects", new { name = "Engine", key = "ENG" }, Ct);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var sprint1 = await SeedApi.Create(api, $"/v1/projects/{projectId}/cycles", new { name = "Sprint 1", startDate = today, endDate = today.AddDays(7) }, Ct);
        var sprint2 = await SeedApi.Create(api, $"/v1/projects/{projectId}/cycles", new { name = "Sprint 2", startDate = today.AddDays(8), endDate = today.AddDays(15) }, Ct);
        var bug = await SeedApi.Create(api, $"/v1/projects/{projectId}/labels", new { name = "Bug", color = "#c62828" }, Ct);
        var statuses = (await api.GetFromJsonAsync<JsonElement>($"/v1/projects/{projectId}/statuses", Ct)).EnumerateArray().ToList();
        Guid Status(string category) => statuses.First(s => s.GetProperty("category").GetString() == category).GetProperty("id").GetGuid();
        var mill = await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = "Build the mill", estimate = 3, assigneeIds = new[] { me }, cycleId = sprint1, labelIds = new[] { bug } }, Ct);
        var cards = await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = "Punch the cards", estimate = 2, assigneeIds = new[] { me }, cycleId = sprint1 }, Ct);
        await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = "Write the notes", estimate = 5, cycleId = sprint1, labelIds = new[] { bug }, dueDate = "2020-01-06" }, Ct);
        var gears = await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = "Oil the gears", estimate = 1, assigneeIds = new[] { me } }, Ct);
        await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = "Sharpen the pencils", estimate = 1, assigneeIds = new[] { me } }, Ct);
        foreach (var (task, category) in new[] { (mill, "in_progress"), (mill, "done"), (cards, "in_progress"), (gears, "in_progress"), (gears, "done") })
            await SeedApi.Post(api, $"/v1/tasks/{task}/move", new { statusId = Status(category) }, Ct);
        return new Seeded(page, api, workspaceId, projectId, me, bug, sprint1, sprint2);
    }

    /// <summary>Opens the Reports page from the board and reloads until the last move has reached the reports (within seconds).</summary>
    static async Task OpenReports(IPage page, Guid projectId)
    {
        await page.GotoAsync($"/projects/{projectId}");
        await Expect(page.GetByTestId("board-title")).ToHaveTextAsync("ENG · Engine", new() { Timeout = 60_000 });
        await page.GetByTestId("switch-reports").ClickAsync();
        await Expect(page.GetByTestId("reports-title")).ToHaveTextAsync("ENG · Reports", new() { Timeout = 60_000 });
        var total = page.GetByTestId("summary-total");
        await Expect(total).ToHaveTextAsync("5", new() { Timeout = 30_000 });
        for (var attempt = 0; attempt < 40 && (await page.GetByTestId("summary-done").TextContentAsync() != "2" || await page.GetByTestId("summary-in-progress").TextContentAsync() != "1"); attempt++)
        {
            await Task.Delay(500, Ct);
            await page.ReloadAsync();
            await Expect(total).ToHaveTextAsync("5", new() { Timeout = 30_000 });
        }
        await Expect(page.GetByTestId("summary-done")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("summary-in-progress")).ToHaveTextAsync("1");
    }

    static ILocator Row(IPage page, string table, string header) =>
        page.GetByTestId(table).Locator("tbody tr").Filter(new() { Has = page.Locator("th", new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(header)}\\s*$") }) });

    [Fact]
    public async Task The_burndown_workload_and_cycle_time_tables_show_the_seeded_figures_and_a_filter_changes_the_url_and_the_figures()
    {
        using var seeded = await Seed("Ada Lovelace");
        var page = seeded.Page;
        await OpenReports(page, seeded.ProjectId);
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");
        // Profiles start in UTC, so the page's days are UTC days (the time zone is in the URL once filters are applied).
        await Expect(page.Locator("#reports-tz")).ToHaveValueAsync("UTC");

        // Burndown of the running cycle (Sprint 1, starting today), by count: scope ENG-1..3, ENG-1 done; the ideal line
        // starts at the first day's scope (3); all three entered the scope today.
        await Expect(page.Locator("#burndown-heading")).ToContainTextAsync("Sprint 1");
        await Expect(page.GetByTestId("burndown-table").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(Row(page, "burndown-table", today).Locator("td")).ToHaveTextAsync(["3", "1", "2", "3", "3", "0"]);
        await Expect(page.GetByTestId("burndown-scope-changes")).ToHaveTextAsync("Scope changes: 3 tasks added, 0 removed");

        // By points: scope 3 + 2 + 5 = 10, completed 3, remaining 7; the choice is in the URL.
        await page.GetByLabel("Points", new() { Exact = true }).CheckAsync();
        await Expect(page).ToHaveURLAsync(new Regex("by=points"));
        await Expect(Row(page, "burndown-table", today).Locator("td")).ToHaveTextAsync(["10", "3", "7", "10", "10", "0"]);
        await Expect(page.GetByTestId("burndown-scope-changes")).ToHaveTextAsync("Scope changes: 10 points added, 0 removed");

        // The cycle picker: Sprint 2 has not started.
        await page.Locator("#burndown-cycle").SelectOptionAsync(new SelectOptionValue { Label = "Sprint 2" });
        await Expect(page).ToHaveURLAsync(new Regex($"burndown={seeded.Sprint2}"));
        await Expect(page.GetByTestId("burndown-not-started")).ToBeVisibleAsync();
        await page.Locator("#burndown-cycle").SelectOptionAsync(new SelectOptionValue { Label = "Sprint 1" });
        await Expect(page.GetByTestId("burndown-table")).ToBeVisibleAsync();

        // Workload: Ada has ENG-2 (2 points, in progress) and ENG-5 (1 point) open; nobody has ENG-3 (5 points, overdue).
        await Expect(Row(page, "workload-table", "Ada Lovelace").Locator("td")).ToHaveTextAsync(["2", "3", "1", "0"]);
        await Expect(Row(page, "workload-table", "Unassigned").Locator("td")).ToHaveTextAsync(["1", "5", "0", "1"]);

        // Cycle time: ENG-1 and ENG-4 went from in progress to done within seconds: 0 days each, so the median and the
        // 85th percentile (nearest rank: the 2nd of 2) are 0, and both fall in the 0–1 day bucket.
        await Expect(page.GetByTestId("cycle-count")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("cycle-median")).ToHaveTextAsync("0");
        await Expect(page.GetByTestId("cycle-p85")).ToHaveTextAsync("0");
        await Expect(Row(page, "cycle-distribution", "0–1").Locator("td")).ToHaveTextAsync(["2"]);
        await Expect(page.GetByTestId("cycle-scatter").Locator("circle")).ToHaveCountAsync(2);

        // A filter: label Bug (ENG-1 done, ENG-3 open and overdue). It goes into the URL and changes every figure.
        await page.Locator("#reports-label").SelectOptionAsync(new SelectOptionValue { Label = "Bug" });
        await page.GetByTestId("reports-apply").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"labelId={seeded.Bug}"));
        await Expect(page.GetByTestId("summary-total")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("workload-table").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(Row(page, "workload-table", "Unassigned").Locator("td")).ToHaveTextAsync(["1", "5", "0", "1"]);
        await Expect(Row(page, "burndown-table", today).Locator("td")).ToHaveTextAsync(["8", "3", "5", "8", "8", "0"]);
        await Expect(page.GetByTestId("cycle-count")).ToHaveTextAsync("1");

        // A reload (or the link, shared) shows the same view.
        await page.ReloadAsync();
        await Expect(page.GetByTestId("summary-total")).ToHaveTextAsync("2", new() { Timeout = 60_000 });
        await Expect(page.Locator("#reports-label")).ToHaveValueAsync(seeded.Bug.ToString());
        await Expect(page.GetByLabel("Points", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(Row(page, "burndown-table", today).Locator("td")).ToHaveTextAsync(["8", "3", "5", "8", "8", "0"]);

        // The assignee filter, added to the label's: Ada's Bug tasks are all done.
        await page.Locator("#reports-assignee").SelectOptionAsync(new SelectOptionValue { Label = "Ada Lovelace" });
        await page.GetByTestId("reports-apply").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"assigneeId={seeded.Me}"));
        await Expect(page.GetByTestId("summary-total")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("workload-empty")).ToBeVisibleAsync();

        await Accessibility.AssertNoSeriousViolations(page);
        await BrowserTests.Shot(page, "report-charts");
        BrowserFixture.AssertNoConsoleErrors(page);
    }

    [Fact]
    public async Task The_xlsx_and_pdf_exports_download_files_with_the_reports_rows_and_figures()
    {
        using var seeded = await Seed("Ada Lovelace");
        var page = seeded.Page;
        await OpenReports(page, seeded.ProjectId);

        await page.GetByTestId("export-xlsx").ClickAsync();
        var xlsx = await page.RunAndWaitForDownloadAsync(async () =>
        {
            await Expect(page.GetByTestId("export-download")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await page.GetByTestId("export-download").ClickAsync();
        });
        Assert.EndsWith(".xlsx", xlsx.SuggestedFilename, StringComparison.Ordinal);
        await using (var stream = File.OpenRead(await xlsx.PathAsync()))
        {
            var rows = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
            Assert.Equal(["ENG-1", "ENG-2", "ENG-3", "ENG-4", "ENG-5"], rows.Select(r => r["key"]?.ToString()).Order(StringComparer.Ordinal));
            var mill = rows.Single(r => r["key"]?.ToString() == "ENG-1");
            Assert.Equal("Build the mill", mill["title"]);
            Assert.Equal("done", mill["category"]);
            Assert.Equal("Sprint 1", mill["cycle"]);
            Assert.Equal("Bug", mill["labels"]);
            Assert.Equal(3d, Convert.ToDouble(mill["points"], System.Globalization.CultureInfo.InvariantCulture));
            var notes = rows.Single(r => r["key"]?.ToString() == "ENG-3");
            Assert.Equal("todo", notes["category"]);
            Assert.Equal("2020-01-06", notes["due_date"]?.ToString());
        }

        await page.GetByTestId("export-pdf").ClickAsync();
        var pdfDownload = await page.RunAndWaitForDownloadAsync(async () =>
        {
            await Expect(page.GetByTestId("export-download")).ToContainTextAsync(".pdf", new() { Timeout = 60_000 });
            await page.GetByTestId("export-download").ClickAsync();
        });
        using var pdf = PdfDocument.Open(await File.ReadAllBytesAsync(await pdfDownload.PathAsync(), Ct));
        var text = string.Join(" ", pdf.GetPage(1).GetWords().Select(w => w.Text));
        Assert.Contains("Project status report: Engine", text, StringComparison.Ordinal);
        // New tasks start in "To do": ENG-3 and ENG-5 are still there, ENG-2 is in progress, ENG-1 and ENG-4 are done (4 of 12 points).
        foreach (var figure in new[] { "Total tasks: 5", "To do: 2", "In progress: 1", "Done: 2", "Overdue: 1", "Points done: 4 of 12" })
            Assert.Contains(figure, text, StringComparison.Ordinal);
        Assert.Contains("ENG-3", text, StringComparison.Ordinal); // the overdue task

        BrowserFixture.AssertNoConsoleErrors(page);
    }

    [Fact]
    public async Task The_weekly_email_settings_saved_through_the_form_are_read_back_after_a_reload_and_problems_are_shown_in_words()
    {
        using var seeded = await Seed("Ada Lovelace");
        var page = seeded.Page;
        await OpenReports(page, seeded.ProjectId);

        var form = page.GetByTestId("weekly-email-form");
        await Expect(form).ToBeVisibleAsync();
        // Nothing is sent until someone turns it on.
        await Expect(page.Locator("#weekly-email-enabled")).Not.ToBeCheckedAsync();
        await page.GetByLabel("Send the weekly email").CheckAsync();
        await form.GetByLabel("Ada Lovelace").CheckAsync();
        await page.Locator("#weekly-email-day").SelectOptionAsync(new SelectOptionValue { Label = "Friday" });
        await page.Locator("#weekly-email-hour").SelectOptionAsync(new SelectOptionValue { Label = "17:00" });
        BrowserFixture.AllowConsoleError(page, @"status of 400 .*/reports/weekly-email"); // the refused time zone below
        await page.Locator("#weekly-email-tz").FillAsync("Mars/Olympus");
        await page.GetByTestId("weekly-email-save").ClickAsync();
        await Expect(page.GetByTestId("weekly-email-problem")).ToContainTextAsync("Unknown time zone 'Mars/Olympus'");

        await page.Locator("#weekly-email-tz").FillAsync("Europe/Berlin");
        await page.GetByTestId("weekly-email-save").ClickAsync();
        await Expect(page.GetByTestId("weekly-email-saved")).ToHaveTextAsync("Saved.");

        await page.ReloadAsync();
        await Expect(page.GetByTestId("weekly-email-form")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("weekly-email-form").GetByLabel("Ada Lovelace")).ToBeCheckedAsync();
        await Expect(page.Locator("#weekly-email-day")).ToHaveValueAsync("friday");
        await Expect(page.Locator("#weekly-email-hour")).ToHaveValueAsync("17");
        await Expect(page.Locator("#weekly-email-tz")).ToHaveValueAsync("Europe/Berlin");
        await Expect(page.Locator("#weekly-email-enabled")).ToBeCheckedAsync();
        var saved = await seeded.Api.GetFromJsonAsync<JsonElement>($"/v1/projects/{seeded.ProjectId}/reports/weekly-email", Ct);
        Assert.Equal([seeded.Me], saved.GetProperty("recipients").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Equal("friday", saved.GetProperty("day").GetString());
        Assert.Equal(17, saved.GetProperty("hour").GetInt32());
        Assert.True(saved.GetProperty("enabled").GetBoolean());

        // A member who is not an owner or admin reads the setting in words and gets no form.
        var bobEmail = $"charts-bob-{Guid.NewGuid():n}@example.com";
        var bobPage = await fixture.NewPage(1280, 900);
        await BrowserTests.SignUp(bobPage, bobEmail, "Bob Babbage");
        using (var bob = fixture.Host.CreateClient())
        {
            bob.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Accounts.SignIn(bob, bobEmail, BrowserTests.Password));
            await SeedApi.Post(seeded.Api, $"/v1/workspaces/{seeded.WorkspaceId}/invitations", new { email = bobEmail, role = "member" }, Ct);
            var link = await fixture.MailedLink(bobEmail, "/invitations/accept");
            await SeedApi.Post(bob, "/v1/invitations/accept", new { token = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..] }, Ct);
        }
        await bobPage.GotoAsync($"/projects/{seeded.ProjectId}/reports");
        await Expect(bobPage.GetByTestId("weekly-email-summary")).ToHaveTextAsync(
            "Sent every Friday at 17:00 (Europe/Berlin) to Ada Lovelace.", new() { Timeout = 60_000 });
        await Expect(bobPage.GetByTestId("weekly-email-form")).ToHaveCountAsync(0);
        BrowserFixture.AssertNoConsoleErrors(bobPage);

        // The workspace's own email, on the workspace overview.
        await page.GotoAsync($"/workspaces/{seeded.WorkspaceId}/overview");
        var workspaceForm = page.GetByTestId("weekly-email-form");
        await Expect(workspaceForm).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.GetByLabel("Send the weekly email").CheckAsync();
        await workspaceForm.GetByLabel("Ada Lovelace").CheckAsync();
        await page.GetByTestId("weekly-email-save").ClickAsync();
        await Expect(page.GetByTestId("weekly-email-saved")).ToHaveTextAsync("Saved.");
        var workspaceSaved = await seeded.Api.GetFromJsonAsync<JsonElement>($"/v1/workspaces/{seeded.WorkspaceId}/reports/weekly-email", Ct);
        Assert.Equal("monday", workspaceSaved.GetProperty("day").GetString());
        Assert.True(workspaceSaved.GetProperty("enabled").GetBoolean());
        Assert.Equal([seeded.Me], workspaceSaved.GetProperty("recipients").EnumerateArray().Select(e => e.GetGuid()));

        await Accessibility.AssertNoSeriousViolations(page);
        BrowserFixture.AssertNoConsoleErrors(page);
    }
}
