using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static TaskFlow.Web.Tests.Ui;

namespace TaskFlow.Web.Tests;

/// <summary>
/// The board as a team lead uses it at 1440×900: every column of the default workflow on screen, a wider board scrolled
/// sideways with the scrollbar at the bottom of the window (as Linear does: the board fills the window and each column
/// scrolls its own cards); CSV export and import from the board's header with progress; a Trello board's JSON export and
/// a Jira CSV export imported through the file chooser, their statuses, labels and people mapped onto the board.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class BoardTransferTests(BrowserFixture fixture)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task At_1440px_five_columns_fit_and_a_wider_board_scrolls_sideways_with_its_scrollbar_on_screen()
    {
        var email = $"wide-{Guid.NewGuid():n}@example.com";
        // A Chromium that draws scrollbars, as a desktop browser does.
        var page = await fixture.NewPageWithScrollbars(1440, 900);
        await BrowserTests.SignUp(page, email, "Ada Lovelace");
        using var api = await Api(email);
        var (_, projectId) = await WorkspaceWithProject(api, "Wide", "WID");
        for (var i = 1; i <= 25; i++) await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = $"Card {i}" }, Ct);

        await page.GotoAsync($"/projects/{projectId}");
        await Expect(page.GetByTestId("board-column")).ToHaveCountAsync(5, new() { Timeout = 60_000 });
        await Expect(Column(page, "Todo").GetByTestId("task-card")).ToHaveCountAsync(25, new() { Timeout = 60_000 });
        var layout = await Layout(page);
        Assert.True(layout.LastRight <= 1440 && layout.LastLeft >= 0, $"the last of five columns is cut off: {layout}");
        Assert.False(layout.PageScrollsSideways, $"the page scrolls sideways: {layout}");
        Assert.True(layout.BoardBottom <= 900, $"the board ends below the window: {layout}");
        // 25 cards do not fit in 900 px: the column scrolls its own cards, the page does not grow.
        Assert.True(layout.TodoScrolls, $"the long column does not scroll on its own: {layout}");

        // Three more statuses: eight columns do not fit beside the sidebar.
        foreach (var (name, category) in new[] { ("Review", "in_progress"), ("QA", "in_progress"), ("Released", "done") })
            await SeedApi.Post(api, $"/v1/projects/{projectId}/statuses", new { name, category }, Ct);
        await page.ReloadAsync();
        await Expect(page.GetByTestId("board-column")).ToHaveCountAsync(8, new() { Timeout = 60_000 });
        await Expect(Column(page, "Todo").GetByTestId("task-card")).ToHaveCountAsync(25, new() { Timeout = 60_000 });
        layout = await Layout(page);
        Assert.True(layout.LastRight > 1440, $"eight columns were expected to overflow: {layout}");
        Assert.False(layout.PageScrollsSideways, $"the page scrolls sideways instead of the board: {layout}");
        Assert.True(layout.ScrollbarHeight > 0, $"the board shows no sideways scrollbar: {layout}");
        Assert.True(layout.BoardBottom <= 900, $"the board's scrollbar is below the window: {layout}");

        // The mouse wheel (sideways) over the board brings the last column fully into view.
        var board = await page.GetByTestId("board").BoundingBoxAsync();
        await page.Mouse.MoveAsync(board!.X + board.Width / 2, board.Y + 40);
        await page.Mouse.WheelAsync(3000, 0);
        await page.WaitForFunctionAsync("""
            () => { const c = [...document.querySelectorAll('[data-testid=board-column]')].at(-1).getBoundingClientRect(); return c.right <= innerWidth && c.left >= 0; }
            """);
        await Expect(Column(page, "Released")).ToBeInViewportAsync(new() { Ratio = 1 });
        await BrowserTests.Shot(page, "board-1440-eight-columns");
    }

    sealed record BoardLayout(double LastLeft, double LastRight, double BoardBottom, double ScrollbarHeight, bool PageScrollsSideways, bool TodoScrolls);

    static async Task<BoardLayout> Layout(IPage page) => JsonSerializer.Deserialize<BoardLayout>(await page.EvaluateAsync<string>("""
        () => {
          const board = document.querySelector('[data-testid=board]');
          const last = [...board.querySelectorAll('[data-testid=board-column]')].at(-1).getBoundingClientRect();
          const todo = board.querySelector("[data-testid=board-column][data-status='Todo'] .board-dropzone");
          return JSON.stringify({
            lastLeft: last.left, lastRight: last.right, boardBottom: board.getBoundingClientRect().bottom,
            scrollbarHeight: board.offsetHeight - board.clientHeight,
            pageScrollsSideways: document.documentElement.scrollWidth > window.innerWidth,
            todoScrolls: todo.scrollHeight > todo.clientHeight,
          });
        }
        """), JsonSerializerOptions.Web)!;

    [Fact]
    public async Task The_boards_csv_export_and_import_show_their_progress_and_the_imported_cards_appear()
    {
        var email = $"bcsv-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage(1440, 900);
        await BrowserTests.SignUp(page, email, "Ada Lovelace");
        using var api = await Api(email);
        var (_, projectId) = await WorkspaceWithProject(api, "Transfer", "TRF");
        await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = "Already here" }, Ct);

        await page.GotoAsync($"/projects/{projectId}");
        await Expect(Column(page, "Todo").GetByTestId("task-card")).ToHaveCountAsync(1, new() { Timeout = 60_000 });

        // Export: the server's answer is held until the progress has been seen (it is the real answer, only later).
        var exportGate = new TaskCompletionSource();
        await page.RouteAsync("**/tasks/export", async route =>
        {
            await exportGate.Task;
            await route.ContinueAsync();
        });
        var downloading = page.WaitForDownloadAsync();
        await page.GetByTestId("export-csv").ClickAsync();
        await Expect(page.GetByTestId("export-progress")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("export-status")).ToHaveTextAsync("Exporting the project's tasks…");
        await Expect(page.GetByTestId("export-csv")).ToBeDisabledAsync();
        exportGate.SetResult();
        var download = await downloading;
        Assert.Equal("TRF-tasks.csv", download.SuggestedFilename);
        Assert.Contains("Already here", await File.ReadAllTextAsync(await download.PathAsync(), Ct), StringComparison.Ordinal);
        await Expect(page.GetByTestId("export-status")).ToHaveTextAsync("Exported TRF-tasks.csv.");
        await Expect(page.GetByTestId("export-progress")).ToHaveCountAsync(0);

        // Import: the upload is held likewise while the dialog shows its progress.
        var importGate = new TaskCompletionSource();
        await page.RouteAsync("**/tasks/import**", async route =>
        {
            await importGate.Task;
            await route.ContinueAsync();
        });
        await page.GetByTestId("import-open").ClickAsync();
        var dialog = page.GetByTestId("import-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await page.Locator("#import-file").SetInputFilesAsync(new FilePayload
        {
            Name = "tasks.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("title,status,priority\nFrom the board,In Progress,high\nSecond import,Done,low\n"),
        });
        await Expect(dialog.GetByTestId("import-progress")).ToBeVisibleAsync();
        await Expect(dialog.GetByTestId("import-status")).ToContainTextAsync("tasks.csv");
        importGate.SetResult();
        await Expect(dialog.GetByTestId("import-report")).ToContainTextAsync("Imported 2 tasks", new() { Timeout = 60_000 });
        await page.GetByTestId("import-close").ClickAsync();
        await Expect(Column(page, "In Progress").GetByTestId("task-card").Filter(new() { HasText = "From the board" })).ToBeVisibleAsync();
        await Expect(Column(page, "Done").GetByTestId("task-card").Filter(new() { HasText = "Second import" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_trello_board_and_a_jira_export_imported_from_the_board_land_in_their_statuses_with_labels_and_assignees()
    {
        // People are matched by email or by the name their email spells (Ada Lovelace = ada.lovelace@…).
        var domain = $"{Guid.NewGuid():n}.example.com";
        var adaEmail = $"ada.lovelace@{domain}";
        var bobEmail = $"bob.babbage@{domain}";
        var page = await fixture.NewPage(1440, 900);
        await BrowserTests.SignUp(page, adaEmail, "Ada Lovelace");
        using var ada = await Api(adaEmail);
        var (workspaceId, projectId) = await WorkspaceWithProject(ada, "Imports", "IMX");
        await SeedApi.Create(ada, $"/v1/projects/{projectId}/labels", new { name = "Bug", color = "#d32f2f" }, Ct);
        await SeedApi.Create(ada, $"/v1/projects/{projectId}/labels", new { name = "Design", color = "#1565c0" }, Ct);
        using var http = fixture.Host.CreateClient();
        await Accounts.Register(http, bobEmail, BrowserTests.Password, "Bob Babbage");
        using var bob = await Api(bobEmail);
        await SeedApi.Post(ada, $"/v1/workspaces/{workspaceId}/invitations", new { email = bobEmail, role = "member" }, Ct);
        var link = await fixture.MailedLink(bobEmail, "/invitations/accept");
        await SeedApi.Post(bob, "/v1/invitations/accept", new { token = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..] }, Ct);
        await SeedApi.Create(ada, $"/v1/projects/{projectId}/tasks", new { title = "Already here" }, Ct);

        await page.GotoAsync($"/projects/{projectId}");
        await Expect(Column(page, "Todo").GetByTestId("task-card")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        // Bob's name must be on the board before his cards are checked.
        await Expect(page.GetByTestId("board")).ToBeVisibleAsync();

        var trello = JsonSerializer.Serialize(new
        {
            name = "Engine board",
            lists = new object[]
            {
                new { id = "l1", name = "To Do", closed = false }, new { id = "l2", name = "Doing", closed = false },
                new { id = "l3", name = "Done", closed = false }, new { id = "l4", name = "Old ideas", closed = true },
            },
            labels = new object[] { new { id = "b1", name = "Bug" }, new { id = "b2", name = "Design" }, new { id = "b3", name = "Marketing" } },
            members = new object[] { new { id = "m1", fullName = "Ada Lovelace" }, new { id = "m2", fullName = "Bob Babbage" }, new { id = "m3", fullName = "Charles Stranger" } },
            cards = new object[]
            {
                new { name = "Sketch the engine", idList = "l1", idLabels = new[] { "b2" }, idMembers = new[] { "m1" }, desc = "On paper first.", closed = false },
                new { name = "Fix the gear", idList = "l2", idLabels = new[] { "b1", "b3" }, idMembers = new[] { "m2", "m3" }, due = "2027-02-01T12:00:00.000Z", closed = false },
                new { name = "Ship the tables", idList = "l3", idLabels = Array.Empty<string>(), idMembers = Array.Empty<string>(), closed = false },
                new { name = "An archived card", idList = "l1", idLabels = Array.Empty<string>(), idMembers = Array.Empty<string>(), closed = true },
            },
        });
        var dialog = await OpenImport(page, "Trello board (JSON export)");
        await page.Locator("#import-file").SetInputFilesAsync(new FilePayload { Name = "trello.json", MimeType = "application/json", Buffer = Encoding.UTF8.GetBytes(trello) });
        await Expect(dialog.GetByTestId("import-report")).ToContainTextAsync("Imported 3 tasks", new() { Timeout = 60_000 });
        var warnings = dialog.GetByTestId("import-warnings");
        await Expect(warnings).ToContainTextAsync("Marketing");
        await Expect(warnings).ToContainTextAsync("Charles Stranger");
        await Expect(warnings).ToContainTextAsync("To Do");
        await BrowserTests.Shot(page, "import-trello-report");
        await page.GetByTestId("import-close").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);

        await ExpectCard(page, "Todo", "Sketch the engine", "Design", "Ada Lovelace");
        await ExpectCard(page, "In Progress", "Fix the gear", "Bug", "Bob Babbage");
        await Expect(Column(page, "Done").GetByTestId("task-card").Filter(new() { HasText = "Ship the tables" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("task-card").Filter(new() { HasText = "An archived card" })).ToHaveCountAsync(0);

        // Jira repeats the Labels column once per label; the assignee is a display name or an email.
        var jira = "Issue key,Summary,Status,Priority,Assignee,Labels,Labels,Description,Due date\n"
            + "JRA-1,Write the manual,In Progress,Highest,Bob Babbage,Bug,Design,Every lever explained,2027-03-01\n"
            + $"JRA-2,Count the cogs,To Do,Low,{adaEmail},,,,\n";
        dialog = await OpenImport(page, "Jira (CSV export)");
        await page.Locator("#import-file").SetInputFilesAsync(new FilePayload { Name = "jira.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(jira) });
        await Expect(dialog.GetByTestId("import-report")).ToContainTextAsync("Imported 2 tasks", new() { Timeout = 60_000 });
        await page.GetByTestId("import-close").ClickAsync();
        await ExpectCard(page, "In Progress", "Write the manual", "Bug", "Bob Babbage");
        var manual = Column(page, "In Progress").GetByTestId("task-card-shell").Filter(new() { HasText = "Write the manual" });
        await Expect(manual.GetByTestId("task-labels")).ToContainTextAsync("Design");
        await Expect(manual.GetByTestId("task-priority")).ToHaveTextAsync("urgent");
        await ExpectCard(page, "Todo", "Count the cogs", null, "Ada Lovelace");
        await BrowserTests.Shot(page, "import-board");
    }

    static async Task<ILocator> OpenImport(IPage page, string format)
    {
        await page.GetByTestId("import-open").ClickAsync();
        var dialog = page.GetByTestId("import-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Choose(page, Select(page, "import-format"), format);
        return dialog;
    }

    /// <summary>The card is in the column, shows the label chip and the assignee's avatar, and its name says both in words.</summary>
    static async Task ExpectCard(IPage page, string status, string title, string? label, string assignee)
    {
        var shell = Column(page, status).GetByTestId("task-card-shell").Filter(new() { HasText = title });
        await Expect(shell).ToBeVisibleAsync(new() { Timeout = 60_000 });
        if (label is not null) await Expect(shell.GetByTestId("task-labels")).ToContainTextAsync(label);
        await Expect(shell.Locator($".mud-avatar[title='{assignee}']")).ToBeVisibleAsync();
        await Expect(shell.GetByTestId("task-card")).ToHaveAttributeAsync("aria-label",
            new Regex((label is null ? "" : $"label.*{Regex.Escape(label)}.*") + $"assigned to {Regex.Escape(assignee)}"));
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
