using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TaskFlow.Web.Tests;

/// <summary>
/// The web app under a strict Content-Security-Policy in Chromium (a violation is a console error, which fails the test),
/// and the hardening headers on every response, not only the one that sets the antiforgery cookie.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class SecurityHeadersTests(BrowserFixture fixture)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_app_works_in_Chromium_under_a_strict_content_security_policy()
    {
        var page = await fixture.NewPage();
        var documents = new System.Collections.Concurrent.ConcurrentQueue<IResponse>();
        page.Response += (_, r) => { if (r.Request.ResourceType == "document") documents.Enqueue(r); };

        // Sign up, create a workspace and a project, open the board and the settings: WebAssembly, MudBlazor, the
        // import map, the API and the live hub all run under the policy.
        await BrowserTests.SignUp(page, $"csp-{Guid.NewGuid():n}@example.com", "Cara Policy");
        await BrowserTests.Interactive(page.GetByTestId("create-workspace"));
        await page.Locator("#workspace-name").FillAsync("Walls");
        await page.GetByTestId("create-workspace").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/workspaces/[0-9a-f-]{36}$"));
        await page.Locator("#project-name").FillAsync("Moat");
        await page.Locator("#project-key").FillAsync("MOT");
        await page.GetByTestId("create-project").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/projects/[0-9a-f-]{36}$"));
        await Expect(page.GetByTestId("board-column")).ToHaveCountAsync(5, new() { Timeout = 60_000 });
        await page.GotoAsync("/settings");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Settings" }).First).ToBeVisibleAsync();

        Assert.NotEmpty(documents);
        foreach (var document in documents)
        {
            var policy = await document.HeaderValueAsync("content-security-policy") ?? "";
            var script = Directive(policy, "script-src");
            Assert.Contains("'wasm-unsafe-eval'", script, StringComparison.Ordinal);
            Assert.Matches("'nonce-[A-Za-z0-9+/=]{20,}'", script);
            Assert.DoesNotContain("'unsafe-inline'", script, StringComparison.Ordinal);
            Assert.DoesNotContain("'unsafe-eval'", script.Replace("'wasm-unsafe-eval'", "", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Equal("frame-ancestors 'none'", "frame-ancestors " + Directive(policy, "frame-ancestors"));
            Assert.Equal("'none'", Directive(policy, "object-src"));
            Assert.Equal("nosniff", await document.HeaderValueAsync("x-content-type-options"));
            Assert.NotNull(await document.HeaderValueAsync("referrer-policy"));
        }
        // The nonce is new on every page.
        var nonces = new HashSet<string>();
        foreach (var document in documents) nonces.Add(Regex.Match(await document.HeaderValueAsync("content-security-policy") ?? "", "'nonce-[^']+'").Value);
        Assert.Equal(documents.Count, nonces.Count);
    }

    [Fact]
    public async Task Settings_cannot_be_framed_by_another_page()
    {
        var page = await fixture.NewPage();
        // Chromium reports the refused frame as a console error: that is the behaviour under test.
        BrowserFixture.AllowConsoleError(page, "frame-ancestors");
        var refused = page.WaitForConsoleMessageAsync(new() { Predicate = m => m.Text.Contains("frame-ancestors", StringComparison.Ordinal), Timeout = 30_000 });
        await page.SetContentAsync($"<iframe title=\"framed\" src=\"{fixture.Host.BaseAddress}settings\"></iframe>");
        var message = await refused;
        Assert.Contains("frame-ancestors 'none'", message.Text, StringComparison.Ordinal);
        var frame = page.Frames.Single(f => f != page.MainFrame);
        Assert.DoesNotContain("TaskFlow", await frame.ContentAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/settings")]
    [InlineData("/signin")]
    [InlineData("/v1/users/me")]
    [InlineData("/v1/does-not-exist")]
    [InlineData("/app.css")]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/health/live")]
    [InlineData("/docs")]
    [InlineData("/openapi/v1.json")]
    public async Task Every_response_forbids_framing_and_sniffing_and_sets_a_referrer_policy(string path)
    {
        using var http = fixture.Host.CreateClient();
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), Ct);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        // Served over plain HTTP: no HSTS (browsers ignore it there, and it must not pin a development host).
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    static string Directive(string policy, string name) =>
        policy.Split(';', StringSplitOptions.TrimEntries).FirstOrDefault(d => d.StartsWith(name + " ", StringComparison.Ordinal))?[(name.Length + 1)..] ?? "";
}
