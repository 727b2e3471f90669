using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TaskFlow.Web.Tests;

/// <summary>
/// The set-up screens and joining a team, in Chromium with real clicks and typing: project settings (labels, cycles,
/// statuses, members), workspace settings (invitations), and an invitee who signs up from the emailed link.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class SettingsBrowserTests(BrowserFixture fixture)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_lead_sets_up_a_label_a_cycle_a_status_and_a_member_with_a_role_in_project_settings()
    {
        var leadEmail = $"lena-{Guid.NewGuid():n}@example.com";
        var mateEmail = $"milo-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage(1440, 900);
        await BrowserTests.SignUp(page, leadEmail, "Lena Lead");

        // The lead creates the workspace and the project in the UI.
        await page.GotoAsync("/workspaces");
        await BrowserTests.Interactive(page.GetByTestId("create-workspace"));
        await page.Locator("#workspace-name").FillAsync("Orbit");
        await page.GetByTestId("create-workspace").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/workspaces/[0-9a-f-]{36}$"));
        var workspaceId = Guid.Parse(page.Url[^36..]);
        await page.Locator("#project-name").FillAsync("Launch");
        await page.Locator("#project-key").FillAsync("LCH");
        await page.GetByTestId("create-project").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/projects/[0-9a-f-]{36}$"));
        var projectId = Guid.Parse(page.Url[^36..]);
        await Expect(page.GetByTestId("board-column")).ToHaveCountAsync(5, new() { Timeout = 60_000 });

        // A teammate joins the workspace (through the API: this test is about the settings page).
        using var lead = await Api(leadEmail);
        using var mateHttp = fixture.Host.CreateClient();
        await Accounts.Register(mateHttp, mateEmail, BrowserTests.Password, "Milo Mate");
        using var mate = await Api(mateEmail);
        await SeedApi.Post(lead, $"/v1/workspaces/{workspaceId}/invitations", new { email = mateEmail, role = "member" }, Ct);
        var link = await fixture.MailedLink(mateEmail, "/invitations/accept");
        await SeedApi.Post(mate, "/v1/invitations/accept", new { token = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..] }, Ct);

        // The board's header leads to the settings.
        await page.GetByTestId("project-settings-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/projects/{projectId}/settings$"));
        await Expect(page.GetByTestId("project-settings-title")).ToContainTextAsync("LCH · Launch");
        await BrowserTests.Interactive(page.GetByTestId("create-label"));

        // A label with a colour.
        await page.Locator("#new-label-name").FillAsync("Bug");
        await page.Locator("#new-label-color").FillAsync("#d32f2f");
        await page.GetByTestId("create-label").ClickAsync();
        var bug = page.Locator("[data-testid=label-row][data-name='Bug']");
        await Expect(bug).ToBeVisibleAsync();
        await Expect(bug).ToContainTextAsync("#D32F2F", new() { IgnoreCase = true });

        // A cycle with dates.
        await page.Locator("#new-cycle-name").FillAsync("Sprint 1");
        await page.Locator("#new-cycle-start").FillAsync("2027-01-04");
        await page.Locator("#new-cycle-end").FillAsync("2027-01-15");
        await page.GetByTestId("create-cycle").ClickAsync();
        var sprint = page.Locator("[data-testid=cycle-row][data-name='Sprint 1']");
        await Expect(sprint).ToContainTextAsync("2027-01-04 – 2027-01-15");

        // A status in the in_progress category, added after Done.
        await page.Locator("#new-status-name").FillAsync("Review");
        await Choose(page, Select(page, "new-status-category"), "in_progress");
        await page.GetByTestId("add-status").ClickAsync();
        var review = page.Locator("[data-testid=status-row][data-name='Review']");
        await Expect(review).ToContainTextAsync("in_progress");
        await Expect(page.GetByTestId("status-row")).ToHaveCountAsync(6);
        // Removing a status asks where its tasks go, offered by name (not an id); cancelled here.
        await review.GetByTestId("remove-status").ClickAsync();
        await Expect(page.Locator("#remove-status-move-to")).ToHaveValueAsync("Backlog");
        await review.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.Locator("#remove-status-move-to")).ToHaveCountAsync(0);

        // The teammate becomes a project viewer, then an admin. The member field shows names only, empty until one is chosen.
        await Expect(page.Locator("#add-member-user")).ToHaveValueAsync("");
        await Choose(page, Select(page, "add-member-user"), $"Milo Mate ({mateEmail})");
        await Expect(page.Locator("#add-member-user")).ToHaveValueAsync($"Milo Mate ({mateEmail})");
        await Choose(page, Select(page, "add-member-role"), "viewer");
        await page.GetByTestId("add-project-member").ClickAsync();
        var row = page.Locator($"[data-testid=project-member][data-email='{mateEmail}']");
        await Expect(row).ToBeVisibleAsync();
        await Choose(page, row.Locator(".mud-select"), "admin");
        await Expect(page.GetByText("Milo Mate is now admin.")).ToBeVisibleAsync();
        var mateId = await UserId(mate);
        var members = await lead.GetFromJsonAsync<JsonElement>($"/v1/projects/{projectId}/members", Ct);
        Assert.Equal("admin", members.EnumerateArray().Single(m => m.GetProperty("userId").GetGuid() == mateId).GetProperty("role").GetString());

        // Section headings are not bigger than the page title.
        var sizes = await page.EvaluateAsync<double[]>(
            "() => [parseFloat(getComputedStyle(document.querySelector('h1.page-title')).fontSize), ...[...document.querySelectorAll('h2.settings-heading')].map(h => parseFloat(getComputedStyle(h).fontSize))]");
        Assert.All(sizes.Skip(1), size => Assert.True(size < sizes[0], $"a settings heading is {size}px, the title {sizes[0]}px"));
        await BrowserTests.Shot(page, "project-settings");

        // The board shows the new column.
        await page.GetByTestId("back-to-board").ClickAsync();
        await Expect(page.Locator("[data-testid=board-column][data-status='Review']")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        NoConsoleErrors(page);
    }

    [Fact]
    public async Task Workspace_settings_invite_shows_it_pending_says_resent_on_a_second_invite_and_revokes_it()
    {
        var ownerEmail = $"wanda-{Guid.NewGuid():n}@example.com";
        var inviteeEmail = $"ivan-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage();
        await BrowserTests.SignUp(page, ownerEmail, "Wanda Owner");
        using var owner = await Api(ownerEmail);
        var workspaceId = (await SeedApi.Post(owner, "/v1/workspaces", new { name = "Guild" }, Ct)).GetProperty("id").GetGuid();

        await page.GotoAsync($"/workspaces/{workspaceId}");
        await BrowserTests.Interactive(page.GetByTestId("workspace-settings-link"));
        await page.GetByTestId("workspace-settings-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/workspaces/{workspaceId}/settings$"));
        await Expect(page.GetByTestId("no-invitations")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.Locator($"[data-testid=workspace-member][data-email='{ownerEmail}']")).ToBeVisibleAsync();

        await page.Locator("#settings-invite-email").FillAsync(inviteeEmail);
        await Choose(page, Select(page, "settings-invite-role"), "viewer");
        await page.GetByTestId("settings-invite").ClickAsync();
        await Expect(page.GetByText($"Invitation sent to {inviteeEmail}.")).ToBeVisibleAsync();
        var pending = page.Locator($"[data-testid=invitation-row][data-email='{inviteeEmail}']");
        await Expect(pending).ToContainTextAsync("viewer");

        // Inviting the same address again resends the same invitation instead of silently replacing it.
        await page.Locator("#settings-invite-email").FillAsync(inviteeEmail);
        await page.GetByTestId("settings-invite").ClickAsync();
        await Expect(page.GetByText($"Invitation resent to {inviteeEmail}.")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("invitation-row")).ToHaveCountAsync(1);

        await pending.GetByTestId("revoke-invitation").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.GetByText($"Invitation to {inviteeEmail} revoked.")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("no-invitations")).ToBeVisibleAsync();
        Assert.Empty((await owner.GetFromJsonAsync<JsonElement>($"/v1/workspaces/{workspaceId}/invitations", Ct)).EnumerateArray());
        NoConsoleErrors(page);
    }

    [Fact]
    public async Task A_new_user_signs_up_from_the_invitation_link_lands_in_the_workspace_and_adds_a_task()
    {
        var ownerEmail = $"olga-{Guid.NewGuid():n}@example.com";
        var inviteeEmail = $"nina-{Guid.NewGuid():n}@example.com";
        using var http = fixture.Host.CreateClient();
        await Accounts.Register(http, ownerEmail, BrowserTests.Password, "Olga Owner");
        using var owner = await Api(ownerEmail);
        var workspaceId = (await SeedApi.Post(owner, "/v1/workspaces", new { name = "Harbor" }, Ct)).GetProperty("id").GetGuid();
        var projectId = (await SeedApi.Post(owner, $"/v1/workspaces/{workspaceId}/projects", new { name = "Docks", key = "DOCK" }, Ct)).GetProperty("id").GetGuid();
        await SeedApi.Post(owner, $"/v1/workspaces/{workspaceId}/invitations", new { email = inviteeEmail, role = "member" }, Ct);

        // Signed out, the link asks to sign in; the invitee has no account and signs up from there.
        var page = await fixture.NewPage();
        await page.GotoAsync(await fixture.MailedLink(inviteeEmail, "/invitations/accept"));
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?returnUrl="), new() { Timeout = 60_000 });
        await page.GetByTestId("signup-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signup\\?returnUrl="));
        await Expect(page.GetByTestId("signup-invitation-note")).ToBeVisibleAsync();
        await FillSignUp(page, "Nina New", inviteeEmail);

        // Signed up, the invitation is accepted and the invitee lands in the workspace.
        await Expect(page).ToHaveURLAsync(new Regex($"/workspaces/{workspaceId}$"), new() { Timeout = 60_000 });
        await page.GetByTestId("project-item").Filter(new() { HasText = "Docks" }).ClickAsync(new() { Timeout = 60_000 });
        await Expect(page).ToHaveURLAsync(new Regex($"/projects/{projectId}$"));

        // As a workspace member they work in the project: no read-only badge, quick-add works.
        var todo = page.Locator("[data-testid=board-column][data-status='Todo']");
        await Expect(todo).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("read-only")).ToHaveCountAsync(0);
        var input = todo.Locator("input");
        await input.FillAsync("Paint the crane");
        await input.PressAsync("Enter");
        await Expect(todo.GetByTestId("task-card").Filter(new() { HasText = "Paint the crane" })).ToBeVisibleAsync();
        var tasks = await owner.GetFromJsonAsync<JsonElement>($"/v1/projects/{projectId}/tasks", Ct);
        Assert.Contains(tasks.GetProperty("data").EnumerateArray(), t => t.GetProperty("title").GetString() == "Paint the crane");
        NoConsoleErrors(page);
    }

    /// <summary>Fills and submits the sign-up form the page is on (any returnUrl it carries is kept), once it is interactive.</summary>
    internal static async Task FillSignUp(IPage page, string name, string email)
    {
        await BrowserTests.Interactive(page.GetByTestId("signup-submit"));
        await page.Locator("#displayName").FillAsync(name);
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(BrowserTests.Password);
        await page.GetByTestId("signup-submit").ClickAsync();
    }

    /// <summary>Opens the MudSelect <paramref name="field"/> and picks the option with exactly <paramref name="text"/>.</summary>
    static async Task Choose(IPage page, ILocator field, string text)
    {
        var option = page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(text)}\\s*$") });
        // MudSelect nests two .mud-select elements; the outer one takes the click. A click that lands while the previous
        // select's overlay is still closing only closes it: open again then.
        for (var attempt = 0; ; attempt++)
        {
            if (attempt == 0) await field.First.ClickAsync();
            else
            {
                await page.Keyboard.PressAsync("Escape");
                await field.First.Locator(".mud-input").First.ClickAsync();
            }
            try
            {
                await option.First.WaitForAsync(new() { Timeout = 10_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 2)
            {
                await BrowserTests.Shot(page, $"choose-{text}-{attempt}");
            }
        }
        await option.First.ClickAsync();
        await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
    }

    static ILocator Select(IPage page, string inputId) => page.Locator(".mud-select", new() { Has = page.Locator("#" + inputId) });

    /// <summary>
    /// No script error and no error logged, except Chromium's own lines for the 401 of the session renewal a signed-out
    /// page makes on start (the app's way of asking "is anyone signed in?") and for the favicon's 404 (the browser's own
    /// request, not the page's: no "response 404" line; issue 15 lists it, another change fixes it).
    /// </summary>
    static void NoConsoleErrors(IPage page)
    {
        var log = BrowserFixture.BrowserLog(page);
        var lines = log.Split('\n');
        var page404 = lines.Any(l => l.StartsWith("response 404", StringComparison.Ordinal));
        var errors = lines.Where(l => (l.StartsWith("console.error", StringComparison.Ordinal)
                && !l.Contains("status of 401", StringComparison.Ordinal) && (page404 || !l.Contains("status of 404", StringComparison.Ordinal)))
            || l.StartsWith("pageerror", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, log);
    }

    async Task<HttpClient> Api(string email)
    {
        var http = fixture.Host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Accounts.SignIn(http, email, BrowserTests.Password));
        return http;
    }

    static async Task<Guid> UserId(HttpClient api) => (await api.GetFromJsonAsync<JsonElement>("/v1/users/me", Ct)).GetProperty("id").GetGuid();
}
