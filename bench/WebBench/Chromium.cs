using Microsoft.Playwright;

namespace TaskFlow.Bench.WebBench;

/// <summary>Debian's chromium as every measurement drives it, and a signed-in browser context on one host.</summary>
internal static class Chromium
{
    public static Task<IBrowser> Launch(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = Environment.GetEnvironmentVariable("TASKFLOW_TEST_CHROMIUM") ?? "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });

    /// <summary>A browser context is a fresh profile (empty cache); signing in through the session endpoint sets its HttpOnly cookie.</summary>
    public static async Task<IBrowserContext> SignedInContext(IBrowser browser, string url, string email)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = url, ViewportSize = new() { Width = 1600, Height = 1000 } });
        var login = await context.APIRequest.PostAsync("app/session/login", new()
        {
            DataObject = new { email, password = Seeding.Password },
            Headers = new Dictionary<string, string> { ["X-TaskFlow-Session"] = "1" },
        });
        if (!login.Ok) throw new InvalidOperationException($"Sign-in failed: {login.Status}");
        return context;
    }
}
