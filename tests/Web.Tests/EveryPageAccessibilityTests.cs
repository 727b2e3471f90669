using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TaskFlow.Web.Tests;

/// <summary>
/// axe-core on every page of the app, as a person reaches it, in the light and the dark theme (chosen with the app bar's
/// toggle): sign in and sign up (at 390 px), the workspace list, a workspace and its settings, the board with the bell's and
/// the account menu open, the task panel and the task page, the list, the calendar, the project settings, the reports, the inbox, My
/// tasks (1440 px and 390 px) and the user's settings. The pages hold real data: a teammate, labels, a cycle, an overdue
/// task, a subtask, a pending invitation and a notification. No serious or critical violation is allowed; every one found is
/// listed at the end with its page and theme.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class EveryPageAccessibilityTests(BrowserFixture fixture)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task Every_page_has_no_serious_accessibility_violation(string theme)
    {
        var dark = theme == "dark";
        var failures = new List<string>();
        async Task Check(IPage page, string what)
        {
            try
            {
                await Accessibility.AssertNoSeriousViolations(page);
            }
            catch (Xunit.Sdk.XunitException e)
            {
                failures.Add($"[{theme}] {what}: {e.Message}");
            }
        }

        try
        {
            // Signed out, on a phone: sign in and sign up.
            var email = $"axe-{theme}-{Guid.NewGuid():n}@example.com";
            var phone = await fixture.NewPage(390, 844);
            await phone.GotoAsync("/signin");
            await BrowserTests.Interactive(phone.GetByTestId("signin-submit"));
            if (dark) await ChooseDark(phone);
            await Check(phone, "sign in (390 px)");
            await phone.GetByTestId("signup-link").ClickAsync();
            await Expect(phone).ToHaveURLAsync(new Regex("/signup"));
            await BrowserTests.Interactive(phone.GetByTestId("signup-submit"));
            await Check(phone, "sign up (390 px)");
            await phone.Locator("#displayName").FillAsync("Ada Lovelace");
            await phone.Locator("#email").FillAsync(email);
            await phone.Locator("#password").FillAsync(BrowserTests.Password);
            await phone.GetByTestId("signup-submit").ClickAsync();
            await Expect(phone).ToHaveURLAsync(new Regex("/workspaces"));

            var data = await Seed(email);

            // My tasks on the phone.
            await phone.GotoAsync("/my-tasks");
            await Expect(phone.GetByTestId("my-task").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Settled(phone, dark);
            await Check(phone, "My tasks (390 px)");

            // On a desktop, signed in from the form.
            var page = await fixture.NewPage(1440, 900);
            await page.GotoAsync("/signin");
            await BrowserTests.Interactive(page.GetByTestId("signin-submit"));
            if (dark) await ChooseDark(page);
            await page.Locator("#email").FillAsync(email);
            await page.Locator("#password").FillAsync(BrowserTests.Password);
            await page.GetByTestId("signin-submit").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/workspaces"));
            await Expect(page.GetByTestId("workspace-item").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Settled(page, dark);
            await Check(page, "workspaces");

            async Task Visit(string url, ILocator ready, string what)
            {
                await page.GotoAsync(url);
                await Expect(ready).ToBeVisibleAsync(new() { Timeout = 60_000 });
                await Settled(page, dark);
                await Check(page, what);
            }

            await Visit($"/workspaces/{data.WorkspaceId}", page.GetByTestId("project-item").First, "workspace");
            await Visit($"/workspaces/{data.WorkspaceId}/settings", page.GetByTestId("invitation-row").First, "workspace settings");
            await Visit($"/workspaces/{data.WorkspaceId}/overview", page.GetByTestId("overview-workload"), "workspace overview");
            await Visit($"/projects/{data.ProjectId}", page.Locator("[data-testid=task-card][data-key=AXE-1]"), "board");

            // The bell's and the account menu's open menus.
            await page.GetByTestId("bell").ClickAsync();
            await Expect(page.GetByTestId("notification").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Check(page, "board, bell open");
            await page.Keyboard.PressAsync("Escape");
            await Expect(page.GetByTestId("notifications")).ToBeHiddenAsync();
            await page.GetByTestId("user-menu").ClickAsync();
            await Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out" })).ToBeVisibleAsync();
            await Check(page, "board, account menu open");
            await page.Keyboard.PressAsync("Escape");

            await Visit($"/tasks/{data.TaskId}", page.GetByTestId("comment").First, "task panel");
            await Visit($"/projects/{data.ProjectId}/tasks/{data.TaskId}", page.GetByTestId("comment").First, "task page");
            await Visit($"/projects/{data.ProjectId}/list", page.GetByTestId("task-row").First, "list");
            // The list with two rows selected: the bulk bar.
            await page.GetByRole(AriaRole.Row).Nth(1).GetByRole(AriaRole.Checkbox).ClickAsync();
            await page.GetByRole(AriaRole.Row).Nth(2).GetByRole(AriaRole.Checkbox).ClickAsync();
            await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("2 selected");
            await Check(page, "list, two rows selected");
            await Visit($"/projects/{data.ProjectId}/calendar", page.GetByTestId("calendar"), "calendar");
            await Visit($"/projects/{data.ProjectId}/settings", page.Locator("[data-testid=label-row][data-name='Bug']"), "project settings");
            await Visit($"/projects/{data.ProjectId}/reports", page.GetByTestId("workload-table"), "reports");
            await Visit("/inbox", page.GetByTestId("inbox-item").First, "inbox");
            await Visit("/my-tasks", page.GetByTestId("my-task").First, "My tasks");
            await Visit("/settings", page.GetByTestId("preference").First, "settings");
        }
        catch (Exception e) when (failures.Count > 0)
        {
            throw new Xunit.Sdk.XunitException(string.Join("\n\n", failures) + "\n\nand then: " + e);
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    /// <summary>The app bar's theme toggle, clicked like a person would; the choice is kept for the next pages.</summary>
    static async Task ChooseDark(IPage page)
    {
        await page.GetByTestId("theme-toggle").ClickAsync();
        await Settled(page, dark: true);
    }

    /// <summary>The page shows the theme's background (the dark palette is applied once the app runs).</summary>
    static Task Settled(IPage page, bool dark) => page.WaitForFunctionAsync("""
        dark => {
          const m = getComputedStyle(document.body).backgroundColor.match(/\d+/g);
          if (!m) return false;
          const light = (0.299 * m[0] + 0.587 * m[1] + 0.114 * m[2]) > 128;
          return dark ? !light : light;
        }
        """, dark);

    sealed record Seeded(Guid WorkspaceId, Guid ProjectId, Guid TaskId);

    /// <summary>
    /// Ada's workspace with a project (a label, a cycle), a teammate who assigned her an overdue task with a comment and a
    /// subtask, another task due next week, and a pending invitation.
    /// </summary>
    async Task<Seeded> Seed(string email)
    {
        using var ada = await Api(email);
        var workspaceId = await SeedApi.Create(ada, "/v1/workspaces", new { name = "Looms" }, Ct);
        var projectId = await SeedApi.Create(ada, $"/v1/workspaces/{workspaceId}/projects", new { name = "Jacquard", key = "AXE" }, Ct);
        var label = await SeedApi.Create(ada, $"/v1/projects/{projectId}/labels", new { name = "Bug", color = "#d32f2f" }, Ct);
        await SeedApi.Create(ada, $"/v1/projects/{projectId}/cycles", new { name = "Sprint 1", startDate = "2027-01-04", endDate = "2027-01-15" }, Ct);
        var adaId = (await ada.GetFromJsonAsync<JsonElement>("/v1/users/me", Ct)).GetProperty("id").GetGuid();

        using var http = fixture.Host.CreateClient();
        var bobEmail = $"axe-bob-{Guid.NewGuid():n}@example.com";
        await Accounts.Register(http, bobEmail, BrowserTests.Password, "Bob Babbage");
        using var bob = await Api(bobEmail);
        await SeedApi.Post(ada, $"/v1/workspaces/{workspaceId}/invitations", new { email = bobEmail, role = "member" }, Ct);
        var link = await fixture.MailedLink(bobEmail, "/invitations/accept");
        await SeedApi.Post(bob, "/v1/invitations/accept", new { token = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..] }, Ct);
        await SeedApi.Post(ada, $"/v1/workspaces/{workspaceId}/invitations", new { email = $"axe-pending-{Guid.NewGuid():n}@example.com", role = "member" }, Ct);

        var today = DateOnly.FromDateTime(DateTime.Now);
        var taskId = await SeedApi.Create(bob, $"/v1/projects/{projectId}/tasks", new
        {
            title = "Overdue report",
            description = "The **cards** for the loom.",
            priority = "high",
            assigneeIds = new[] { adaId },
            labelIds = new[] { label },
            dueDate = Iso(today.AddDays(-3)),
        }, Ct);
        await SeedApi.Create(bob, $"/v1/projects/{projectId}/tasks", new { title = "Punch the cards", parentId = taskId, assigneeIds = new[] { adaId } }, Ct);
        await SeedApi.Create(bob, $"/v1/projects/{projectId}/tasks", new { title = "Order thread", priority = "medium", assigneeIds = new[] { adaId }, dueDate = Iso(today.AddDays(5)) }, Ct);
        await SeedApi.Create(bob, $"/v1/projects/{projectId}/tasks", new { title = "Fix the shuttle", priority = "urgent" }, Ct);
        await SeedApi.Create(bob, $"/v1/projects/{projectId}/tasks", new { title = "Oil the loom", priority = "low" }, Ct);
        await SeedApi.Post(bob, $"/v1/tasks/{taskId}/comments", new { body = "Ready for **review**." }, Ct);
        return new(workspaceId, projectId, taskId);
    }

    static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    async Task<HttpClient> Api(string email)
    {
        var http = fixture.Host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Accounts.SignIn(http, email, BrowserTests.Password));
        return http;
    }
}
