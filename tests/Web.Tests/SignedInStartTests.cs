using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TaskFlow.Web.Tests;

/// <summary>
/// A signed-in page load: the app reads the load-time session renewal before its first render, so the layout and the
/// page render once, signed in; on the board the layout's own reads wait until the cards are shown
/// (docs/adr/0020-web-fifth-pass.md).
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class SignedInStartTests(BrowserFixture fixture)
{
    async Task<(Guid ProjectId, string Email)> Board()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.Host.CreateClient();
        var email = $"start-{Guid.NewGuid():n}@example.com";
        await Accounts.Register(http, email, BrowserTests.Password, "Grace Start");
        http.DefaultRequestHeaders.Authorization = new("Bearer", await Accounts.SignIn(http, email, BrowserTests.Password));
        var workspaceId = await SeedApi.Create(http, "/v1/workspaces", new { name = "Start" }, ct);
        var projectId = await SeedApi.Create(http, $"/v1/workspaces/{workspaceId}/projects", new { name = "Start", key = "STA" }, ct);
        for (var i = 0; i < 3; i++)
            await SeedApi.Create(http, $"/v1/projects/{projectId}/tasks", new { title = $"Card {i}" }, ct);
        return (projectId, email);
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
    public async Task A_signed_in_board_is_rendered_signed_in_from_the_first_interactive_render()
    {
        var (projectId, email) = await Board();
        var page = await SignedInPage(email);
        // Counts the sign-in wait (RequireSignIn's spinner) put into the page once it was parsed, i.e. by WebAssembly:
        // the prerendered one is part of the HTML.
        await page.AddInitScriptAsync("""
            window.__spinnersAdded = 0;
            document.addEventListener('DOMContentLoaded', () => new MutationObserver(changes => {
              for (const change of changes)
                for (const node of change.addedNodes)
                  if (node.nodeType === 1 && (node.matches('[data-testid=loading]') || node.querySelector('[data-testid=loading]'))) window.__spinnersAdded++;
            }).observe(document.body, { childList: true, subtree: true }));
            """);

        await page.GotoAsync($"/projects/{projectId}");
        await Expect(page.GetByTestId("task-card")).ToHaveCountAsync(3, new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("user-menu")).ToBeVisibleAsync();
        Assert.Equal(0, await page.EvaluateAsync<int>("window.__spinnersAdded"));
    }

    [Fact]
    public async Task Signed_out_the_board_still_sends_to_sign_in()
    {
        var (projectId, _) = await Board();
        var page = await fixture.NewPage();

        await page.GotoAsync($"/projects/{projectId}");
        await page.WaitForURLAsync(url => url.Contains("/signin?returnUrl=", StringComparison.Ordinal), new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("signin-submit")).ToBeEnabledAsync(new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task On_the_board_the_layout_reads_notifications_and_workspaces_once_the_cards_are_shown()
    {
        var (projectId, email) = await Board();
        var page = await SignedInPage(email);
        // How many cards were on the page when the app asked for the notification and workspace lists.
        await page.AddInitScriptAsync("""
            window.__cardsWhenAsked = {};
            const fetchBefore = window.fetch;
            window.fetch = function (input, init) {
              const path = new URL(typeof input === 'string' ? input : input.url, document.baseURI).pathname;
              if (path === '/v1/notifications' || path === '/v1/workspaces')
                window.__cardsWhenAsked[path] = document.querySelectorAll('[data-testid=task-card]').length;
              return fetchBefore.apply(this, arguments);
            };
            """);

        await page.GotoAsync($"/projects/{projectId}");
        await Expect(page.GetByTestId("task-card")).ToHaveCountAsync(3, new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("nav-workspace")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("bell")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("Object.keys(window.__cardsWhenAsked).length === 2", null, new() { Timeout = 30_000 });
        Assert.Equal(3, await page.EvaluateAsync<int>("window.__cardsWhenAsked['/v1/notifications']"));
        Assert.Equal(3, await page.EvaluateAsync<int>("window.__cardsWhenAsked['/v1/workspaces']"));
    }
}
