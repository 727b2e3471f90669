using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TaskFlow.Web.Tests;

/// <summary>
/// Issue 15, critical 1 and 3: Markdown (description preview and comments) renders, and the notification bell and the
/// account menu open on a real mouse click. Journeys: they run on the development and the published build (test.sh).
/// </summary>
[Trait("Category", "Browser")]
[Trait("Category", "Journey")]
[Collection(BrowserCollection.Name)]
public sealed class MenusAndMarkdownTests(BrowserFixture fixture)
{
    async Task<(Guid TaskId, string Email)> OneTask()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.Host.CreateClient();
        var email = $"md-{Guid.NewGuid():n}@example.com";
        await Accounts.Register(http, email, BrowserTests.Password, "Ada Markdown");
        http.DefaultRequestHeaders.Authorization = new("Bearer", await Accounts.SignIn(http, email, BrowserTests.Password));
        var workspaceId = await SeedApi.Create(http, "/v1/workspaces", new { name = "Markdown" }, ct);
        var projectId = await SeedApi.Create(http, $"/v1/workspaces/{workspaceId}/projects", new { name = "Markdown", key = "MD" }, ct);
        var taskId = await SeedApi.Create(http, $"/v1/projects/{projectId}/tasks", new { title = "Write it down" }, ct);
        return (taskId, email);
    }

    async Task<IPage> SignedInPage(string email)
    {
        var page = await fixture.NewPage();
        var signIn = await page.Context.APIRequest.PostAsync("/app/session/login",
            new() { DataObject = new { email, password = BrowserTests.Password }, Headers = new Dictionary<string, string> { ["X-TaskFlow-Session"] = "1" } });
        Assert.True(signIn.Ok);
        return page;
    }

    [Fact]
    public async Task A_description_preview_and_a_comment_render_their_markdown()
    {
        var (taskId, email) = await OneTask();
        var page = await SignedInPage(email);
        await page.GotoAsync($"/tasks/{taskId}");
        var description = page.Locator("#panel-description");
        await BrowserTests.Interactive(page.GetByTestId("panel-close"));
        await description.ClickAsync();
        await description.PressSequentiallyAsync("Some **bold** text and a [link](https://example.com)");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Preview" }).ClickAsync();
        var preview = page.GetByTestId("task-panel").Locator("[data-testid=markdown-preview]").First;
        await Expect(preview.Locator("strong")).ToHaveTextAsync("bold");
        await Expect(preview.Locator("a[href='https://example.com']")).ToHaveTextAsync("link");

        var comment = page.Locator("#panel-comment");
        await comment.ClickAsync();
        await comment.PressSequentiallyAsync("A comment with *emphasis*");
        await page.GetByTestId("comment-add").ClickAsync();
        var posted = page.GetByTestId("comment").Filter(new() { HasText = "A comment with" });
        await Expect(posted.Locator("[data-testid=markdown-preview] em")).ToHaveTextAsync("emphasis");

        // A second load of the page (new app instance) renders the stored comment too.
        await page.ReloadAsync();
        await Expect(page.GetByTestId("comment").Locator("[data-testid=markdown-preview] em")).ToHaveTextAsync("emphasis", new() { Timeout = 60_000 });
    }

    [Fact]
    public async Task The_bell_and_the_account_menu_open_on_a_mouse_click_and_sign_out_is_in_the_menu()
    {
        var (_, email) = await OneTask();
        var page = await SignedInPage(email);
        await page.GotoAsync("/workspaces");
        var bell = page.GetByTestId("bell");
        await BrowserTests.Interactive(bell);
        // The app is interactive once the layout has read the session; wait until the notifications were read too.
        await Expect(page.GetByTestId("user-menu")).ToBeVisibleAsync();

        await Accessibility.AssertNoSeriousViolations(page);

        await bell.ClickAsync();
        await Expect(page.GetByTestId("notifications")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("notifications-loading")).ToHaveCountAsync(0);
        // Open, the menu (role=menu) holds menu items only: its states and "Mark all read" are items (aria-required-children).
        await Accessibility.AssertNoSeriousViolations(page);
        // Escape closes it, though it was opened with the mouse.
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByTestId("notifications")).ToBeHiddenAsync();
        await bell.ClickAsync();
        await Expect(page.GetByTestId("notifications")).ToBeVisibleAsync();
        await page.Mouse.ClickAsync(640, 600); // outside the menu closes it
        await Expect(page.GetByTestId("notifications")).ToBeHiddenAsync();

        var signOut = page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out" });
        await page.GetByTestId("user-menu").ClickAsync();
        await Expect(signOut).ToBeVisibleAsync();
        // One Escape closes the account menu too, though it was opened with the mouse.
        await page.Keyboard.PressAsync("Escape");
        await Expect(signOut).ToBeHiddenAsync();
        await page.GetByTestId("user-menu").ClickAsync();
        await Expect(signOut).ToBeVisibleAsync();
        await Expect(page.GetByTestId("menu-settings")).ToBeVisibleAsync();
        await signOut.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signin|/$"));
        await Expect(page.GetByTestId("user-menu")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_menus_still_open_on_a_click_after_the_page_was_idle()
    {
        var (_, email) = await OneTask();
        var page = await SignedInPage(email);
        await page.GotoAsync("/workspaces");
        await BrowserTests.Interactive(page.GetByTestId("bell"));
        await page.WaitForTimeoutAsync(15_000); // the reported case: a click after 15 s idle
        await page.GetByTestId("user-menu").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await page.Mouse.ClickAsync(640, 600);
        await Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out" })).ToBeHiddenAsync();
        await page.GetByTestId("bell").ClickAsync();
        await Expect(page.GetByTestId("notifications")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_bells_badge_shows_a_two_digit_count_whole_inside_the_app_bar()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, email) = await OneTask();
        using var http = fixture.Host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", await Accounts.SignIn(http, email, BrowserTests.Password));
        var adaId = (await http.GetFromJsonAsync<JsonElement>("/v1/users/me", ct)).GetProperty("id").GetGuid();
        var workspaceId = (await http.GetFromJsonAsync<JsonElement>("/v1/workspaces", ct)).EnumerateArray().First().GetProperty("id").GetGuid();
        var projects = await http.GetFromJsonAsync<JsonElement>($"/v1/workspaces/{workspaceId}/projects", ct);
        var projectId = (projects.ValueKind == JsonValueKind.Array ? projects : projects.GetProperty("items")).EnumerateArray().First().GetProperty("id").GetGuid();

        var bobEmail = $"md-bob-{Guid.NewGuid():n}@example.com";
        await Accounts.Register(http, bobEmail, BrowserTests.Password, "Bob Babbage");
        using var bob = fixture.Host.CreateClient();
        bob.DefaultRequestHeaders.Authorization = new("Bearer", await Accounts.SignIn(bob, bobEmail, BrowserTests.Password));
        await SeedApi.Post(http, $"/v1/workspaces/{workspaceId}/invitations", new { email = bobEmail, role = "member" }, ct);
        var link = await fixture.MailedLink(bobEmail, "/invitations/accept");
        await SeedApi.Post(bob, "/v1/invitations/accept", new { token = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..] }, ct);
        for (var i = 1; i <= 12; i++)
            await SeedApi.Create(bob, $"/v1/projects/{projectId}/tasks", new { title = $"Chore {i}", assigneeIds = new[] { adaId } }, ct);

        var page = await SignedInPage(email);
        await page.GotoAsync("/workspaces");
        await BrowserTests.Interactive(page.GetByTestId("bell"));
        var badge = page.GetByTestId("bell-badge").Locator(".mud-badge");
        await Expect(badge).ToHaveTextAsync("12", new() { Timeout = 60_000 });

        // Every box around the badge that clips its content holds the whole badge, and the badge holds its text.
        var cut = await badge.EvaluateAsync<string[]>("""
            badge => {
                const b = badge.getBoundingClientRect();
                const cut = [];
                if (b.top < 0 || b.right > window.innerWidth) cut.push(`viewport (${b.left},${b.top},${b.right},${b.bottom})`);
                if (badge.scrollWidth > badge.clientWidth + 1) cut.push('its own text');
                for (let p = badge.parentElement; p; p = p.parentElement) {
                    const style = getComputedStyle(p);
                    if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
                    const r = p.getBoundingClientRect();
                    if (b.left < r.left - 0.5 || b.right > r.right + 0.5 || b.top < r.top - 0.5 || b.bottom > r.bottom + 0.5)
                        cut.push(p.tagName + '.' + p.className);
                }
                return cut;
            }
            """);
        await BrowserTests.Shot(page, "bell-badge");
        Assert.Empty(cut);
    }
}
