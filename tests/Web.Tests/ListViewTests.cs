using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TaskFlow.TestKit;
using TaskFlow.Web.Client.Auth;
using static Microsoft.Playwright.Assertions;

namespace TaskFlow.Web.Tests;

/// <summary>The project list view and My tasks in Chromium against the real all-in-one host.</summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class ListViewTests(BrowserFixture fixture)
{
    sealed record Created(Guid Id, string Key);

    /// <summary>Workspace, project and three tasks through the API (the test is about the list, not about creating them).</summary>
    async Task<(Guid ProjectId, Dictionary<string, string> Keys)> Seed(string email)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.Host.CreateClient();
        var token = await Accounts.SignIn(http, email, BrowserTests.Password);
        var me = SessionService.ReadUser(token)!.Id;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var workspace = await SeedApi.Post<Created>(http, "/v1/workspaces", new { name = "Analytical Engines" }, ct);
        var project = await SeedApi.Post<Created>(http, $"/v1/workspaces/{workspace.Id}/projects", new { name = "Difference Engine", key = "DE" }, ct);
        var keys = new Dictionary<string, string>();
        foreach (var (title, priority, assignees, due) in new (string, string, Guid[], string?)[]
        {
            ("Cut the gears", "high", [], null),
            ("Print the tables", "low", [], null),
            ("Find funding", "none", [me], DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
        })
        {
            var task = await SeedApi.Post<Created>(http, $"/v1/projects/{project.Id}/tasks", new { title, priority, assigneeIds = assignees, dueDate = due }, ct);
            keys[title] = task.Key;
        }
        return (project.Id, keys);
    }

    static ILocator Row(IPage page, string key) =>
        page.Locator("tr", new() { Has = page.Locator($"[data-testid=task-row][data-key='{key}']") });

    /// <summary>Opens the MudSelect around <paramref name="field"/> and picks the option with exactly <paramref name="text"/>.</summary>
    static async Task Choose(IPage page, ILocator field, string text)
    {
        // MudSelect nests two .mud-select elements; the outer one takes the click.
        await field.First.ClickAsync();
        var option = page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(text)}\\s*$") });
        await option.First.ClickAsync();
    }

    static ILocator Select(IPage page, string inputId) => page.Locator(".mud-select", new() { Has = page.Locator("#" + inputId) });

    [Fact]
    public async Task Filter_edit_inline_bulk_change_and_saved_views_on_the_list_then_my_tasks()
    {
        var email = $"list-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage();
        await BrowserTests.SignUp(page, email, "Ada Lovelace");
        var (projectId, keys) = await Seed(email);
        var (gears, tables, funding) = (keys["Cut the gears"], keys["Print the tables"], keys["Find funding"]);

        // From the board, the switcher leads to the list.
        await page.GotoAsync($"/projects/{projectId}");
        await BrowserTests.Interactive(page.GetByTestId("switch-list"));
        await page.GetByTestId("switch-list").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/projects/{projectId}/list$"));
        var rows = page.GetByTestId("task-row");
        await Expect(rows).ToHaveCountAsync(3);
        // A due date is shown whole, not cut by the date field's buttons.
        var due = Row(page, funding).GetByTestId("cell-due").Locator("input").First;
        await Expect(due).Not.ToHaveValueAsync("");
        Assert.True(await due.EvaluateAsync<bool>("i => i.scrollWidth <= i.clientWidth"), "the due date fits its field");
        // At 1280 px beside the drawer every column fits: the table does not scroll sideways.
        var widths = await page.GetByTestId("task-grid").Locator(".mud-table-container").EvaluateAsync<string>(
            "c => c.scrollWidth <= c.clientWidth ? '' : `${c.scrollWidth} > ${c.clientWidth}: ` + [...c.querySelectorAll('thead th')].map(h => h.textContent.trim() + ' ' + Math.round(h.getBoundingClientRect().width)).join(', ')");
        Assert.True(widths == "", "the list's columns fit a 1280px window: " + widths);

        // Server-side filter by priority.
        await Choose(page, Select(page, "filter-priority"), "high");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(Row(page, gears)).ToBeVisibleAsync();
        await page.GetByTestId("filter-reset").ClickAsync();
        await Expect(rows).ToHaveCountAsync(3);

        // Inline priority edit, sent as a PATCH with If-Match; persisted after a reload.
        var patched = await page.RunAndWaitForResponseAsync(
            () => Choose(page, Row(page, tables).GetByTestId("cell-priority").Locator(".mud-select"), "urgent"),
            r => r.Request.Method == "PATCH" && r.Url.Contains("/v1/tasks/", StringComparison.Ordinal));
        Assert.Equal(200, patched.Status);
        // The row shows the change; no toast stacks up for an inline edit.
        await Expect(Row(page, tables).GetByTestId("cell-priority").Locator("input").First).ToHaveValueAsync("urgent");
        await Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0);
        Assert.Matches("^\"[0-9]+\"$", await patched.Request.HeaderValueAsync("if-match") ?? "");
        await page.ReloadAsync();
        await BrowserTests.Interactive(page.GetByTestId("save-view"));
        await Expect(rows).ToHaveCountAsync(3);
        await Choose(page, Select(page, "filter-priority"), "urgent");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(Row(page, tables)).ToBeVisibleAsync();
        await page.GetByTestId("filter-reset").ClickAsync();
        await Expect(rows).ToHaveCountAsync(3);

        // Bulk: two rows to priority low, then the same two to Done, each in one request; the selection stays between them.
        await Row(page, gears).GetByRole(AriaRole.Checkbox).ClickAsync();
        await Row(page, tables).GetByRole(AriaRole.Checkbox).ClickAsync();
        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("2 selected");
        var lowered = await page.RunAndWaitForResponseAsync(
            () => Choose(page, Select(page, "bulk-priority"), "low"),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/tasks/bulk", StringComparison.Ordinal));
        Assert.Equal(200, lowered.Status);
        // The bulk change is told in a toast at the bottom of the window, away from the app bar.
        var toast = page.Locator(".mud-snackbar").Filter(new() { HasText = "2 tasks updated." });
        await Expect(toast).ToBeVisibleAsync();
        Assert.True((await toast.BoundingBoxAsync())!.Y > page.ViewportSize!.Height / 2, "the toast is at the bottom");
        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("2 selected");
        await Expect(Row(page, gears).GetByRole(AriaRole.Checkbox)).ToBeCheckedAsync();
        await Expect(Row(page, tables).GetByRole(AriaRole.Checkbox)).ToBeCheckedAsync();
        await Expect(Row(page, funding).GetByRole(AriaRole.Checkbox)).Not.ToBeCheckedAsync();
        var bulk = await page.RunAndWaitForResponseAsync(
            () => Choose(page, Select(page, "bulk-status"), "Done"),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/tasks/bulk", StringComparison.Ordinal));
        Assert.Equal(200, bulk.Status);
        Assert.Equal(2, System.Text.Json.JsonDocument.Parse(bulk.Request.PostData!).RootElement.GetProperty("taskIds").GetArrayLength());
        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("2 selected");
        await page.GetByTestId("bulk-clear").ClickAsync();
        await Expect(page.GetByTestId("bulk-bar")).ToHaveCountAsync(0);

        // Filter by status Done: the two bulk-moved tasks.
        await Choose(page, Select(page, "filter-status"), "Done");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(Row(page, gears)).ToBeVisibleAsync();
        await Expect(Row(page, tables)).ToBeVisibleAsync();

        // Save that as a view, clear the filters, re-apply the view.
        await page.GetByTestId("save-view").ClickAsync();
        await page.Locator("#view-name").FillAsync("Done work");
        await page.GetByTestId("view-submit").ClickAsync();
        var view = page.Locator("[data-testid=saved-view][data-name='Done work']");
        await Expect(view).ToBeVisibleAsync();
        await page.GetByTestId("filter-reset").ClickAsync();
        await Expect(rows).ToHaveCountAsync(3);
        await BrowserTests.Shot(page, "list-view");
        await view.ClickAsync();
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(Row(page, funding)).ToHaveCountAsync(0);

        // The view is stored: still there after a reload.
        await page.ReloadAsync();
        await BrowserTests.Interactive(page.GetByTestId("save-view"));
        await Expect(view).ToBeVisibleAsync();

        // My tasks: the open task assigned to me, linking to its page.
        await page.GetByRole(AriaRole.Link, new() { Name = "My tasks" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/my-tasks$"));
        var mine = page.GetByTestId("my-task");
        await Expect(mine).ToHaveCountAsync(1);
        await Expect(mine).ToHaveAttributeAsync("data-key", funding);
        await Expect(page.GetByTestId("due-group")).ToHaveTextAsync("Due in the next 7 days");
        await BrowserTests.Shot(page, "my-tasks");
        await mine.GetByTestId("my-task-title").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/tasks/[0-9a-f-]{36}$"));
        await Expect(page.GetByTestId("task-panel")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_list_works_at_360_px()
    {
        var email = $"narrow-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage(360, 740);
        await BrowserTests.SignUp(page, email, "Grace Hopper");
        var (projectId, _) = await Seed(email);
        await page.GotoAsync($"/projects/{projectId}/list");
        await BrowserTests.Interactive(page.GetByTestId("save-view"));
        await Expect(page.GetByTestId("task-row")).ToHaveCountAsync(3);
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1");
        var wide = overflow ? await page.EvaluateAsync<string>("""
            () => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 8).map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`).join('; ')
            """) : "";
        Assert.False(overflow, $"The list page scrolls sideways at 360 px: {wide}");
        await BrowserTests.Shot(page, "list-view-360px");
    }
}
