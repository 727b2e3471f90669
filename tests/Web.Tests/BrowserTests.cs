using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TaskFlow.Web.Tests;

/// <summary>End to end in Chromium against the real all-in-one host. Slow: run alone with <c>--filter-trait Category=Browser</c>.</summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed partial class BrowserTests(BrowserFixture fixture)
{
    internal const string Password = "correct-horse-battery-9";

    internal static Task Shot(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, name + ".png"), FullPage = true });

    /// <summary>Buttons are disabled until WebAssembly has taken over the prerendered page.</summary>
    /// <remarks>On a loaded shared machine the first WebAssembly start can stall; one reload is allowed before failing.</remarks>
    internal static async Task Interactive(ILocator button)
    {
        try
        {
            await Expect(button).ToBeEnabledAsync(new() { Timeout = 60_000 });
        }
        catch (PlaywrightException)
        {
            await button.Page.ReloadAsync();
            try
            {
                await Expect(button).ToBeEnabledAsync(new() { Timeout = 90_000 });
            }
            catch (PlaywrightException e)
            {
                throw new InvalidOperationException($"{e.Message}\nBrowser log:\n{BrowserFixture.BrowserLog(button.Page)}", e);
            }
        }
    }

    internal static async Task SignUp(IPage page, string email, string name)
    {
        await page.GotoAsync("/signup");
        await Interactive(page.GetByTestId("signup-submit"));
        await page.Locator("#displayName").FillAsync(name);
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(Password);
        await page.GetByTestId("signup-submit").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/workspaces"));
    }

    [Fact]
    public async Task Sign_up_shows_validation_errors_beside_the_fields()
    {
        var page = await fixture.NewPage(360, 740);
        BrowserFixture.AllowConsoleError(page, @"status of 400 .*/v1/auth/register"); // the invalid form is sent on purpose
        await page.GotoAsync("/signup");
        await Interactive(page.GetByTestId("signup-submit"));
        await page.Locator("#displayName").FillAsync("Val");
        await page.Locator("#email").FillAsync("not-an-email");
        await page.Locator("#password").FillAsync("short");
        await page.GetByTestId("signup-submit").ClickAsync();

        // MudBlazor renders a field's error text in the helper line under that field.
        var passwordError = page.Locator(".mud-input-control", new() { Has = page.Locator("#password") }).Locator(".mud-input-error");
        var emailError = page.Locator(".mud-input-control", new() { Has = page.Locator("#email") }).Locator(".mud-input-error");
        await Expect(passwordError.First).ToBeVisibleAsync();
        await Expect(emailError.First).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signup$"));
        await Shot(page, "signup-validation-360px");
    }

    [Fact]
    public async Task A_new_user_builds_a_board_and_a_dragged_card_stays_in_done_after_reload()
    {
        var email = $"ada-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage();
        await SignUp(page, email, "Ada Lovelace");

        // Verify the address through the mailed link.
        await page.GotoAsync(await fixture.MailedLink(email, "/verify-email"));
        await Expect(page.GetByTestId("verified")).ToBeVisibleAsync(new() { Timeout = 60_000 });

        await page.GotoAsync("/workspaces");
        await Interactive(page.GetByTestId("create-workspace"));
        await Expect(page.GetByTestId("list-empty")).ToBeVisibleAsync();
        await Shot(page, "workspaces-empty");
        await page.Locator("#workspace-name").FillAsync("Analytical Engines");
        await page.GetByTestId("create-workspace").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/workspaces/[0-9a-f-]{36}$"));
        await Expect(page.GetByTestId("workspace-title")).ToHaveTextAsync("Analytical Engines");

        await page.Locator("#project-name").FillAsync("Difference Engine");
        await page.Locator("#project-key").FillAsync("DE");
        await Shot(page, "workspace");
        await page.GetByTestId("create-project").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/projects/[0-9a-f-]{36}$"));
        await Expect(page.GetByTestId("board-column")).ToHaveCountAsync(5, new() { Timeout = 30_000 });

        var todo = page.Locator("[data-testid=board-column][data-status='Todo']");
        var done = page.Locator("[data-testid=board-column][data-status='Done']");
        foreach (var title in new[] { "Cut the gears", "Print the tables", "Find funding" })
        {
            var input = todo.Locator("input");
            await input.FillAsync(title);
            await input.PressAsync("Enter");
            await Expect(todo.GetByTestId("task-card").Filter(new() { HasText = title })).ToBeVisibleAsync();
        }
        await Expect(todo.GetByTestId("task-card")).ToHaveCountAsync(3);
        await Shot(page, "board");

        var card = todo.GetByTestId("task-card").Filter(new() { HasText = "Print the tables" });
        // The card shows in Done at once (optimistic); wait for the server to confirm the move before reloading.
        var moved = await page.RunAndWaitForResponseAsync(
            () => card.DragToAsync(done.Locator(".board-dropzone")),
            r => r.Url.EndsWith("/move", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal(200, moved.Status);
        await Expect(done.GetByTestId("task-card").Filter(new() { HasText = "Print the tables" })).ToBeVisibleAsync();
        await Expect(done.GetByTestId("column-count")).ToHaveTextAsync("1");

        // Persisted: after a reload (a fresh WebAssembly start that renews the session from the cookie) it is still there.
        await page.ReloadAsync();
        await Expect(done.GetByTestId("task-card").Filter(new() { HasText = "Print the tables" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(todo.GetByTestId("task-card")).ToHaveCountAsync(2);

        // The detail panel has its own URL.
        await done.GetByTestId("task-card").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/tasks/[0-9a-f-]{36}$"));
        await Expect(page.GetByTestId("task-panel")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("activity").First).ToBeVisibleAsync();
        await Shot(page, "task-panel");
    }

    [Fact]
    public async Task A_column_with_more_cards_than_one_page_shows_them_all()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.Host.CreateClient();
        var email = $"many-{Guid.NewGuid():n}@example.com";
        await Accounts.Register(http, email, Password, "Many Cards");
        http.DefaultRequestHeaders.Authorization = new("Bearer", await Accounts.SignIn(http, email, Password));
        var workspaceId = await SeedApi.Create(http, "/v1/workspaces", new { name = "Many" }, ct);
        var projectId = await SeedApi.Create(http, $"/v1/workspaces/{workspaceId}/projects", new { name = "Many", key = "MNY" }, ct);
        for (var i = 0; i < 130; i++)
            await SeedApi.Create(http, $"/v1/projects/{projectId}/tasks", new { title = $"Card {i}" }, ct);

        var page = await fixture.NewPage();
        var signIn = await page.Context.APIRequest.PostAsync("/app/session/login", new() { DataObject = new { email, password = Password }, Headers = new Dictionary<string, string> { ["X-TaskFlow-Session"] = "1" } });
        Assert.True(signIn.Ok);
        await page.GotoAsync($"/projects/{projectId}");
        var todo = page.Locator("[data-testid=board-column][data-status='Todo']");
        await Expect(todo.GetByTestId("task-card")).ToHaveCountAsync(130, new() { Timeout = 60_000 });
        await Expect(todo.GetByTestId("column-count")).ToHaveTextAsync("130");
    }

    [Fact]
    public async Task The_app_does_not_shadow_the_api_and_platform_routes()
    {
        using var http = fixture.Host.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        using var unknownApi = await http.GetAsync(new Uri("/v1/no-such-thing", UriKind.Relative), ct);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknownApi.StatusCode);
        Assert.Equal("application/problem+json", unknownApi.Content.Headers.ContentType?.MediaType);
        foreach (var (path, mediaType) in new[] { ("/health/live", "text/plain"), ("/openapi/v1.json", "application/json"), ("/.well-known/jwks.json", "application/json"), ("/signin", "text/html") })
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative), ct);
            Assert.True(response.IsSuccessStatusCode, path);
            Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        }
        using var metrics = await http.GetAsync(new Uri("/metrics", UriKind.Relative), ct);
        Assert.DoesNotContain("<html", await metrics.Content.ReadAsStringAsync(ct), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Static_assets_are_not_rate_limited()
    {
        using var http = fixture.Host.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        // The host's anonymous limit is 300 requests a minute per address; a WebAssembly start alone fetches over 100 files.
        for (var i = 0; i < 400; i++)
        {
            using var asset = await http.GetAsync(new Uri("/_framework/blazor.web.js", UriKind.Relative), ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, asset.StatusCode);
        }
        // (That the API itself is limited is GatewayTests' business; exhausting this host's budget would starve the other tests.)
    }

    [Fact]
    public async Task The_refresh_token_is_an_httponly_cookie_scripts_cannot_read()
    {
        var email = $"grace-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage();
        await SignUp(page, email, "Grace Hopper");

        var cookies = await page.Context.CookiesAsync();
        var refresh = Assert.Single(cookies, c => c.Name == "taskflow_refresh");
        Assert.True(refresh.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, refresh.SameSite);
        Assert.Equal("/app/session", refresh.Path);
        Assert.DoesNotContain("taskflow_refresh", await page.EvaluateAsync<string>("document.cookie"), StringComparison.Ordinal);
        var stored = await page.EvaluateAsync<string>("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)");
        Assert.DoesNotContain(refresh.Value, stored, StringComparison.Ordinal);
    }
}
