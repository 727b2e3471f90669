using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TaskFlow.Web.Tests;

/// <summary>
/// The screens a team expects next to the board, used like a person would in Chromium: the sidebar's projects and
/// favourites, the "New task" dialog (C), the inbox, the calendar and CSV import and export. Each test fails on a console error.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class TeamScreensTests(BrowserFixture fixture)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_sidebar_lists_a_project_created_in_the_ui_opens_its_board_and_keeps_a_starred_favourite()
    {
        var email = $"side-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage();
        await BrowserTests.SignUp(page, email, "Ada Lovelace");
        using var api = await Api(email);
        var workspaceId = (await SeedApi.Post(api, "/v1/workspaces", new { name = "Analytical" }, Ct)).GetProperty("id").GetGuid();
        var first = await SeedApi.Post(api, $"/v1/workspaces/{workspaceId}/projects", new { name = "Engine", key = "ENG" }, Ct);

        await page.GotoAsync($"/workspaces/{workspaceId}");
        var sidebar = page.Locator(".mud-drawer");
        await Expect(sidebar.GetByTestId("nav-project").Filter(new() { HasText = "Engine" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(sidebar.GetByTestId("nav-inbox")).ToBeVisibleAsync();

        // A project created on the workspace page joins the sidebar.
        await BrowserTests.Interactive(page.GetByTestId("create-project"));
        await page.Locator("#project-name").FillAsync("Tables");
        await page.Locator("#project-key").FillAsync("TAB");
        await page.GetByTestId("create-project").ClickAsync();
        await Expect(page.GetByTestId("board-title")).ToHaveTextAsync("TAB · Tables", new() { Timeout = 60_000 });
        var tables = sidebar.Locator("[data-testid=nav-project][data-key=TAB]");
        await Expect(tables).ToBeVisibleAsync();

        // Its link opens the other board.
        await sidebar.Locator("[data-testid=nav-project][data-key=ENG]").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/projects/{first.GetProperty("id").GetGuid()}$"));
        await Expect(page.GetByTestId("board-title")).ToHaveTextAsync("ENG · Engine");

        // A star makes it a favourite, which this browser keeps for this user.
        await tables.GetByRole(AriaRole.Button, new() { Name = "Add Tables to favourites" }).ClickAsync();
        var favourite = sidebar.Locator("[data-testid=nav-favourite][data-key=TAB]");
        await Expect(favourite).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Expect(favourite).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await favourite.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("board-title")).ToHaveTextAsync("TAB · Tables");
        await favourite.GetByRole(AriaRole.Button, new() { Name = "Remove Tables from favourites" }).ClickAsync();
        await Expect(favourite).ToHaveCountAsync(0);
        await BrowserTests.Shot(page, "sidebar-projects");
        NoConsoleErrors(page);
    }

    [Fact]
    public async Task C_opens_new_task_every_field_is_saved_errors_show_at_the_field_and_the_task_appears_on_the_board()
    {
        var email = $"newtask-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage();
        await BrowserTests.SignUp(page, email, "Ada Lovelace");
        using var api = await Api(email);
        var (_, projectId) = await WorkspaceWithProject(api, "Engines", "NEW");
        var label = await SeedApi.Create(api, $"/v1/projects/{projectId}/labels", new { name = "research", color = "#1565c0" }, Ct);
        var cycle = await SeedApi.Create(api, $"/v1/projects/{projectId}/cycles", new { name = "Sprint 1", startDate = "2026-12-01", endDate = "2026-12-31" }, Ct);
        var parent = await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = "The engine" }, Ct);
        var me = (await api.GetFromJsonAsync<JsonElement>("/v1/users/me", Ct)).GetProperty("id").GetGuid();

        await page.GotoAsync($"/projects/{projectId}");
        await Expect(Column(page, "Todo").GetByTestId("task-card").Filter(new() { HasText = "The engine" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await BrowserTests.Interactive(page.GetByTestId("new-task-button"));
        var dialog = page.GetByTestId("new-task-dialog");
        // The key is registered once the layout's start-up work ran: press until the dialog opens.
        await Eventually(async () =>
        {
            if (!await dialog.IsVisibleAsync())
            {
                await page.GetByTestId("board-title").ClickAsync();
                await page.Keyboard.PressAsync("c");
            }
            await Expect(dialog).ToBeVisibleAsync(new() { Timeout = 10_000 });
        });

        // The API's validation error is shown under the field it names.
        await page.Locator("#new-task-estimate").FillAsync("-4");
        await page.GetByTestId("new-task-create").ClickAsync();
        await Expect(FieldError(page, "new-task-title")).ToBeVisibleAsync();
        await Expect(FieldError(page, "new-task-estimate")).ToBeVisibleAsync();

        await page.Locator("#new-task-title").FillAsync("Design the mill");
        await page.Locator("#new-task-description").FillAsync("The **store** and the mill.");
        await Choose(page, Select(page, "new-task-status"), "In Progress");
        await Choose(page, Select(page, "new-task-priority"), "high");
        await Choose(page, Select(page, "new-task-assignees"), "Ada Lovelace");
        await page.Keyboard.PressAsync("Escape");
        await Choose(page, Select(page, "new-task-labels"), "research");
        await page.Keyboard.PressAsync("Escape");
        await Choose(page, Select(page, "new-task-cycle"), "Sprint 1");
        await Choose(page, Select(page, "new-task-parent"), "NEW-1 · The engine");
        await page.Locator("#new-task-start").FillAsync("2026-12-02");
        await page.Locator("#new-task-due").FillAsync("2026-12-20");
        await page.Locator("#new-task-estimate").FillAsync("3.5");
        await BrowserTests.Shot(page, "new-task-dialog");
        await page.GetByTestId("new-task-create").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);

        var card = Column(page, "In Progress").GetByTestId("task-card").Filter(new() { HasText = "Design the mill" });
        await Expect(card).ToBeVisibleAsync();
        var tasks = await api.GetFromJsonAsync<JsonElement>($"/v1/projects/{projectId}/tasks?q=mill", Ct);
        var task = tasks.GetProperty("data").EnumerateArray().Single();
        Assert.Equal("The **store** and the mill.", task.GetProperty("description").GetString());
        Assert.Equal("high", task.GetProperty("priority").GetString());
        Assert.Equal([me], task.GetProperty("assigneeIds").EnumerateArray().Select(a => a.GetGuid()));
        Assert.Equal([label], task.GetProperty("labelIds").EnumerateArray().Select(a => a.GetGuid()));
        Assert.Equal(cycle, task.GetProperty("cycleId").GetGuid());
        Assert.Equal(parent, task.GetProperty("parentId").GetGuid());
        Assert.Equal("2026-12-02", task.GetProperty("startDate").GetString());
        Assert.Equal("2026-12-20", task.GetProperty("dueDate").GetString());
        Assert.Equal(3.5, task.GetProperty("estimate").GetDouble());

        // "Create more" keeps the dialog open for the next task, from the button in the header this time.
        await page.GetByTestId("new-task-button").ClickAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await page.Locator("#new-task-title").FillAsync("Print the tables");
        await page.GetByTestId("new-task-create-more").ClickAsync();
        await Expect(dialog.GetByTestId("new-task-created")).ToContainTextAsync("Print the tables");
        await Expect(page.Locator("#new-task-title")).ToHaveValueAsync("");
        await page.Locator("#new-task-title").FillAsync("Bind the cards");
        await page.GetByTestId("new-task-create").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(Column(page, "Todo").GetByTestId("task-card").Filter(new() { HasText = "Print the tables" })).ToBeVisibleAsync();
        await Expect(Column(page, "Todo").GetByTestId("task-card").Filter(new() { HasText = "Bind the cards" })).ToBeVisibleAsync();
        // The empty title and negative estimate were answered 400 on purpose.
        NoConsoleErrors(page, 400);
    }

    [Fact]
    public async Task The_inbox_shows_a_teammates_assignment_filters_it_marks_it_read_and_unread_and_opens_the_task()
    {
        using var http = fixture.Host.CreateClient();
        var ownerEmail = $"inbox-owner-{Guid.NewGuid():n}@example.com";
        await Accounts.Register(http, ownerEmail, BrowserTests.Password, "Olive Owner");
        using var owner = await Api(ownerEmail);
        var (workspaceId, projectId) = await WorkspaceWithProject(owner, "Mills", "MIL");

        var memberEmail = $"inbox-bob-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage();
        await BrowserTests.SignUp(page, memberEmail, "Bob Babbage");
        using var member = await Api(memberEmail);
        await SeedApi.Post(owner, $"/v1/workspaces/{workspaceId}/invitations", new { email = memberEmail, role = "member" }, Ct);
        var link = await fixture.MailedLink(memberEmail, "/invitations/accept");
        await SeedApi.Post(member, "/v1/invitations/accept", new { token = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..] }, Ct);
        var bob = (await member.GetFromJsonAsync<JsonElement>("/v1/users/me", Ct)).GetProperty("id").GetGuid();
        var taskId = await SeedApi.Create(owner, $"/v1/projects/{projectId}/tasks", new { title = "Grind the lenses", assigneeIds = new[] { bob } }, Ct);

        await page.GotoAsync("/");
        await page.Locator(".mud-drawer").GetByTestId("nav-inbox").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/inbox$"));
        var item = page.GetByTestId("inbox-item").Filter(new() { HasText = "Grind the lenses" });
        await Expect(item).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(item).ToHaveAttributeAsync("data-read", "false");
        // Joining the workspace notified Bob too: count from what the inbox says now.
        var unreadBefore = await UnreadCount(page);
        Assert.True(unreadBefore >= 1);

        // Filters: mentions only hides it; assignments in this project show it.
        await Choose(page, Select(page, "inbox-kind"), "Mentioned");
        await Expect(page.GetByTestId("list-empty")).ToBeVisibleAsync();
        await Choose(page, Select(page, "inbox-kind"), "Assigned to me");
        await Choose(page, Select(page, "inbox-project"), "MIL · Mills project");
        await Expect(item).ToBeVisibleAsync();

        await item.GetByTestId("inbox-mark-read").ClickAsync();
        await Expect(item).ToHaveAttributeAsync("data-read", "true");
        // Other notifications of the invitation may still arrive live: the count only has to drop below what it was.
        await Eventually(async () => Assert.True(await UnreadCount(page) < unreadBefore));
        await page.ReloadAsync();
        await Expect(item).ToHaveAttributeAsync("data-read", "true", new() { Timeout = 60_000 });
        await item.GetByTestId("inbox-mark-unread").ClickAsync();
        await Expect(item).ToHaveAttributeAsync("data-read", "false");
        await page.GetByTestId("inbox-unread-only").ClickAsync();
        await Expect(item).ToBeVisibleAsync();
        await page.GetByTestId("inbox-read-all").ClickAsync();
        await Expect(page.GetByTestId("list-empty")).ToBeVisibleAsync();
        await page.GetByTestId("inbox-unread-only").ClickAsync();
        await Expect(item).ToHaveAttributeAsync("data-read", "true");
        await BrowserTests.Shot(page, "inbox");

        await item.GetByTestId("inbox-open").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/tasks/{taskId}$"));
        await Expect(page.GetByTestId("task-panel")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        NoConsoleErrors(page);
    }

    [Fact]
    public async Task The_calendar_shows_a_task_on_its_due_day_and_a_drag_or_a_date_field_reschedules_it()
    {
        var email = $"cal-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage(1440, 900);
        await BrowserTests.SignUp(page, email, "Ada Lovelace");
        using var api = await Api(email);
        var (_, projectId) = await WorkspaceWithProject(api, "Orbits", "CAL");
        var today = DateOnly.FromDateTime(DateTime.Now);
        var next = new DateOnly(today.Year, today.Month, 1).AddMonths(1);
        var due = next.AddDays(9);
        var taskId = await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = "Predict the comet", dueDate = Iso(due) }, Ct);

        // From the board's view switcher to the calendar, then to next month.
        await page.GotoAsync($"/projects/{projectId}");
        await BrowserTests.Interactive(page.GetByTestId("switch-calendar"));
        await page.GetByTestId("switch-calendar").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/projects/{projectId}/calendar$"));
        await Expect(page.GetByTestId("calendar")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Next month" }).ClickAsync();
        await Expect(page.GetByTestId("calendar-month")).ToHaveTextAsync(next.ToString("MMMM yyyy", CultureInfo.InvariantCulture));
        var chip = page.GetByTestId("calendar-task").Filter(new() { HasText = "Predict the comet" });
        await Expect(Day(page, due).GetByTestId("calendar-task").Filter(new() { HasText = "Predict the comet" })).ToBeVisibleAsync();

        // Drag it a week later: the due date is saved.
        var target = due.AddDays(7);
        var saved = await page.RunAndWaitForResponseAsync(
            () => chip.DragToAsync(Day(page, target)),
            r => r.Url.EndsWith($"/v1/tasks/{taskId}", StringComparison.Ordinal) && r.Request.Method == "PATCH");
        Assert.Equal(200, saved.Status);
        await Expect(Day(page, target).GetByTestId("calendar-task")).ToContainTextAsync("Predict the comet");
        Assert.Equal(Iso(target), (await api.GetFromJsonAsync<JsonElement>($"/v1/tasks/{taskId}", Ct)).GetProperty("dueDate").GetString());
        await page.ReloadAsync();
        await Expect(Day(page, target).GetByTestId("calendar-task")).ToContainTextAsync("Predict the comet", new() { Timeout = 60_000 });

        // Without a mouse: select the task, type a date, Move.
        var third = due.AddDays(2);
        await chip.ClickAsync();
        await page.GetByLabel("Due date of CAL-1").FillAsync(Iso(third));
        await page.GetByTestId("calendar-save-due").ClickAsync();
        await Expect(Day(page, third).GetByTestId("calendar-task")).ToContainTextAsync("Predict the comet");
        await Eventually(async () =>
            Assert.Equal(Iso(third), (await api.GetFromJsonAsync<JsonElement>($"/v1/tasks/{taskId}", Ct)).GetProperty("dueDate").GetString()));
        await BrowserTests.Shot(page, "calendar");

        await page.GetByRole(AriaRole.Button, new() { Name = "Previous month" }).ClickAsync();
        await Expect(page.GetByTestId("calendar-month")).ToHaveTextAsync(new DateOnly(today.Year, today.Month, 1).ToString("MMMM yyyy", CultureInfo.InvariantCulture));
        NoConsoleErrors(page);
    }

    [Fact]
    public async Task A_csv_imported_in_the_list_shows_progress_the_tasks_appear_and_the_export_downloads_them()
    {
        var email = $"import-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage();
        await BrowserTests.SignUp(page, email, "Ada Lovelace");
        using var api = await Api(email);
        var (_, projectId) = await WorkspaceWithProject(api, "Archive", "IMP");
        // Tasks learns of the project from an event: make sure it accepts tasks before the browser imports.
        await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = "Already here" }, Ct);

        const int rows = 150;
        var csv = new StringBuilder("title,priority,status,dueDate\n");
        for (var i = 1; i <= rows; i++) csv.Append(CultureInfo.InvariantCulture, $"Imported task {i},{(i % 2 == 0 ? "high" : "low")},{(i % 3 == 0 ? "Done" : "Todo")},2027-01-{1 + i % 28:00}\n");
        csv.Append("\"Bad row\",critical,Todo,\n");

        await page.GotoAsync($"/projects/{projectId}/list");
        await BrowserTests.Interactive(page.GetByTestId("import-open"));
        await page.GetByTestId("import-open").ClickAsync();
        var dialog = page.GetByTestId("import-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        var progress = dialog.GetByTestId("import-progress").WaitForAsync();
        await page.Locator("#import-file").SetInputFilesAsync(new FilePayload { Name = "tasks.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv.ToString()) });
        await progress;
        await Expect(dialog.GetByTestId("import-report")).ToContainTextAsync($"Imported {rows} tasks; 1 rows left out", new() { Timeout = 60_000 });
        await Expect(dialog.GetByTestId("import-errors")).ToContainTextAsync("priority");
        await BrowserTests.Shot(page, "import-report");
        await page.GetByTestId("import-close").ClickAsync();

        await Expect(page.Locator("tr", new() { Has = page.GetByRole(AriaRole.Link, new() { Name = $"Imported task {rows}", Exact = true }) })).ToBeVisibleAsync();
        var listed = await api.GetFromJsonAsync<JsonElement>($"/v1/projects/{projectId}/tasks?q=Imported&limit=100", Ct);
        Assert.Equal(100, listed.GetProperty("data").GetArrayLength());

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        Assert.Equal("IMP-tasks.csv", download.SuggestedFilename);
        var exported = await File.ReadAllTextAsync(await download.PathAsync(), Ct);
        Assert.StartsWith("\"key\",\"title\",\"status\"", exported, StringComparison.Ordinal);
        Assert.Contains($"Imported task {rows}", exported, StringComparison.Ordinal);
        Assert.Equal(rows + 2, exported.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        NoConsoleErrors(page);
    }

    /// <summary>Runs <paramref name="check"/> until it passes or a minute has gone by (then its last failure is thrown).</summary>
    static async Task Eventually(Func<Task> check)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await check();
                return;
            }
            catch (Exception e) when (e is PlaywrightException or Xunit.Sdk.XunitException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250, Ct);
            }
        }
    }

    static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static ILocator Day(IPage page, DateOnly day) => page.Locator($"[data-testid=calendar-day][data-date='{Iso(day)}']");

    static ILocator Column(IPage page, string status) => page.Locator($"[data-testid=board-column][data-status='{status}']");

    static ILocator FieldError(IPage page, string inputId) =>
        page.Locator(".mud-input-control", new() { Has = page.Locator("#" + inputId) }).Locator(".mud-input-error").First;

    static ILocator Select(IPage page, string inputId) => page.Locator(".mud-select", new() { Has = page.Locator("#" + inputId) });

    /// <summary>Opens the MudSelect and clicks the option with exactly <paramref name="text"/>.</summary>
    static async Task Choose(IPage page, ILocator field, string text)
    {
        await field.First.ClickAsync();
        var option = page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(text)}\\s*$") });
        await option.First.ClickAsync();
    }

    static async Task<int> UnreadCount(IPage page)
    {
        await Expect(page.GetByTestId("inbox-unread")).ToHaveTextAsync(new Regex(@"^\d+ unread$"));
        return int.Parse((await page.GetByTestId("inbox-unread").TextContentAsync())!.Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>No console error or page error; <paramref name="provoked"/> are statuses the test asked for (a validation error it caused).</summary>
    static void NoConsoleErrors(IPage page, params int[] provoked)
    {
        foreach (var status in provoked) BrowserFixture.AllowConsoleError(page, $"status of {status} ");
        BrowserFixture.AssertNoConsoleErrors(page);
    }

    async Task<HttpClient> Api(string email)
    {
        var http = fixture.Host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Accounts.SignIn(http, email, BrowserTests.Password));
        return http;
    }

    static async Task<(Guid WorkspaceId, Guid ProjectId)> WorkspaceWithProject(HttpClient api, string name, string key)
    {
        var workspaceId = await SeedApi.Create(api, "/v1/workspaces", new { name }, Ct);
        var projectId = await SeedApi.Create(api, $"/v1/workspaces/{workspaceId}/projects", new { name = name + " project", key }, Ct);
        return (workspaceId, projectId);
    }
}
