using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TaskFlow.Web.Tests;

/// <summary>The project's Reports page in Chromium: figures of a seeded project, filters in the URL, no serious axe violation.</summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class ReportsBrowserTests(BrowserFixture fixture)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_reports_page_shows_the_seeded_projects_figures_in_tables_and_keeps_its_filters_in_the_url()
    {
        var email = $"reports-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage();
        await BrowserTests.SignUp(page, email, "Ada Lovelace");
        using var api = fixture.Host.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Accounts.SignIn(api, email, BrowserTests.Password));
        var workspaceId = await SeedApi.Create(api, "/v1/workspaces", new { name = "Analytical" }, Ct);
        var projectId = await SeedApi.Create(api, $"/v1/workspaces/{workspaceId}/projects", new { name = "Engine", key = "ENG" }, Ct);
        var statuses = (await api.GetFromJsonAsync<JsonElement>($"/v1/projects/{projectId}/statuses", Ct)).EnumerateArray().ToList();
        Guid Status(string category) => statuses.First(s => s.GetProperty("category").GetString() == category).GetProperty("id").GetGuid();
        var done = await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = "Build the mill", estimate = 3 }, Ct);
        var doing = await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = "Punch the cards", estimate = 2 }, Ct);
        await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = "Write the notes", dueDate = "2020-01-06" }, Ct);
        await SeedApi.Post(api, $"/v1/tasks/{done}/move", new { statusId = Status("done") }, Ct);
        await SeedApi.Post(api, $"/v1/tasks/{doing}/move", new { statusId = Status("in_progress") }, Ct);

        await page.GotoAsync($"/projects/{projectId}");
        await Expect(page.GetByTestId("board-title")).ToHaveTextAsync("ENG · Engine", new() { Timeout = 60_000 });
        await page.GetByTestId("switch-reports").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/projects/{projectId}/reports"));
        await Expect(page.GetByTestId("reports-title")).ToHaveTextAsync("ENG · Reports", new() { Timeout = 60_000 });

        // The reports follow events: reload until the last move has arrived (it does within seconds).
        var total = page.GetByTestId("summary-total");
        await Expect(total).ToHaveTextAsync("3", new() { Timeout = 30_000 });
        for (var attempt = 0; attempt < 20 && await page.GetByTestId("summary-in-progress").TextContentAsync() != "1"; attempt++)
        {
            await Task.Delay(500, Ct);
            await page.ReloadAsync();
            await Expect(total).ToHaveTextAsync("3", new() { Timeout = 30_000 });
        }
        await Expect(page.GetByTestId("summary-todo")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("summary-in-progress")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("summary-done")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("summary-overdue")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("summary-points")).ToHaveTextAsync("3 / 5");
        // Today's row of the cumulative flow, this week's throughput and the overdue task, as tables.
        var lastDay = page.GetByTestId("flow-table").Locator("tbody tr").Last;
        await Expect(lastDay.Locator("td")).ToHaveTextAsync(["0", "1", "1", "1", "0"]);
        await Expect(page.GetByTestId("throughput-table").Locator("tbody tr").Last.Locator("td").First).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("overdue-table")).ToContainTextAsync("ENG-3 Write the notes");

        // Filters are typed and go into the URL.
        await page.Locator("#reports-tz").FillAsync("Europe/Berlin");
        await page.GetByTestId("reports-apply").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("tz=Europe%2FBerlin"));
        await Expect(page.GetByTestId("summary-done")).ToHaveTextAsync("1");

        // The task list export: a background job with its percent, then the file, whose rows are the project's tasks.
        await page.GetByTestId("export-csv").ClickAsync();
        var download = await page.RunAndWaitForDownloadAsync(async () =>
        {
            await Expect(page.GetByTestId("export-download")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await page.GetByTestId("export-download").ClickAsync();
        });
        var csv = await File.ReadAllTextAsync(await download.PathAsync(), Ct);
        Assert.Contains("\"ENG-1\",\"Build the mill\",\"Done\",\"done\"", csv, StringComparison.Ordinal);
        Assert.Contains("\"ENG-3\",\"Write the notes\"", csv, StringComparison.Ordinal);
        Assert.Equal(4, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length); // header + 3 tasks

        // The "report ready" notification links to the file.
        await page.GotoAsync($"/projects/{projectId}");
        await page.GetByTestId("bell").ClickAsync();
        var notice = page.GetByTestId("notification").Filter(new() { HasText = "export (CSV) is ready" }).First;
        await Expect(notice).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await notice.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/projects/{projectId}/reports\\?export="));
        var again = await page.RunAndWaitForDownloadAsync(async () =>
        {
            await Expect(page.GetByTestId("export-download")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await page.GetByTestId("export-download").ClickAsync();
        });
        Assert.Equal(csv, await File.ReadAllTextAsync(await again.PathAsync(), Ct));

        await Accessibility.AssertNoSeriousViolations(page);
        await BrowserTests.Shot(page, "reports");
        BrowserFixture.AssertNoConsoleErrors(page);
    }

    [Fact]
    public async Task The_workspace_overview_shows_each_projects_progress_and_health_and_the_workload_by_name()
    {
        var email = $"overview-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage();
        await BrowserTests.SignUp(page, email, "Grace Hopper");
        using var api = fixture.Host.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Accounts.SignIn(api, email, BrowserTests.Password));
        var me = (await api.GetFromJsonAsync<JsonElement>("/v1/users/me", Ct)).GetProperty("id").GetGuid();
        var workspaceId = await SeedApi.Create(api, "/v1/workspaces", new { name = "Overviewed" }, Ct);
        var projectId = await SeedApi.Create(api, $"/v1/workspaces/{workspaceId}/projects", new { name = "Compiler", key = "CMP", targetDate = "2099-12-31" }, Ct);
        var statuses = (await api.GetFromJsonAsync<JsonElement>($"/v1/projects/{projectId}/statuses", Ct)).EnumerateArray().ToList();
        var doneStatus = statuses.First(s => s.GetProperty("category").GetString() == "done").GetProperty("id").GetGuid();
        var done = await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = "Write the linker", estimate = 3, assigneeIds = new[] { me } }, Ct);
        await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = "Write the loader", estimate = 2, assigneeIds = new[] { me } }, Ct);
        await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = "Find the bug" }, Ct);
        await SeedApi.Post(api, $"/v1/tasks/{done}/move", new { statusId = doneStatus }, Ct);

        await page.GotoAsync($"/workspaces/{workspaceId}");
        await Expect(page.GetByTestId("workspace-title")).ToHaveTextAsync("Overviewed", new() { Timeout = 60_000 });
        await page.GetByTestId("workspace-overview-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/workspaces/{workspaceId}/overview"));
        await Expect(page.GetByTestId("overview-title")).ToHaveTextAsync("Overviewed · Overview", new() { Timeout = 60_000 });

        // The overview follows events: reload until the move has arrived (it does within seconds).
        var row = page.Locator("[data-testid=overview-project][data-key=CMP]");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 30_000 });
        for (var attempt = 0; attempt < 20 && await row.GetByTestId("overview-done").TextContentAsync() != "1 / 3"; attempt++)
        {
            await Task.Delay(500, Ct);
            await page.ReloadAsync();
            await Expect(row).ToBeVisibleAsync(new() { Timeout = 30_000 });
        }
        await Expect(row.GetByTestId("overview-done")).ToHaveTextAsync("1 / 3");
        await Expect(row.GetByTestId("overview-percent")).ToHaveTextAsync("33 %");
        await Expect(row.GetByTestId("overview-health")).ToHaveTextAsync("On track");
        var grace = page.GetByTestId("overview-person").Filter(new() { HasText = "Grace Hopper" });
        await Expect(grace.GetByTestId("overview-open")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("overview-person").Filter(new() { HasText = "Unassigned" }).GetByTestId("overview-open")).ToHaveTextAsync("1");

        await Accessibility.AssertNoSeriousViolations(page);
        await BrowserTests.Shot(page, "workspace-overview");
        BrowserFixture.AssertNoConsoleErrors(page);
    }
}
