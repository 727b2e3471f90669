using Microsoft.Playwright;

namespace TaskFlow.Web.Tests;

/// <summary>Browser test classes share one host and one Chromium, and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>The real all-in-one host (fresh data folder, free port) and Debian's Chromium driven by Playwright.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "taskflow-web-" + Guid.NewGuid().ToString("n"));
    public HostProcess Host { get; private set; } = default!;
    public IPlaywright Playwright { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;

    public static string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async ValueTask InitializeAsync()
    {
        // A shared 2-core machine: password hashing and the first WebAssembly start can take a while.
        Assertions.SetDefaultExpectTimeout(30_000);
        Directory.CreateDirectory(DataDir);
        Directory.CreateDirectory(ScreenshotDir);
        Host = await HostProcess.Start("web", "all", [new("DataDir", DataDir)]);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("TASKFLOW_TEST_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task<IPage> NewPage(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = Host.BaseAddress.ToString(), ViewportSize = new() { Width = width, Height = height } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        // What the browser saw, for the failure message of a test that waits in vain (BrowserLog).
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Logs.AddOrUpdate(page, log);
        page.Console += (_, m) => log.Enqueue($"console.{m.Type}: {m.Text}");
        page.PageError += (_, e) => log.Enqueue($"pageerror: {e}");
        page.RequestFailed += (_, r) => log.Enqueue($"requestfailed: {r.Method} {r.Url} {r.Failure}");
        page.Response += (_, r) => { if (r.Status >= 400) log.Enqueue($"response {r.Status}: {r.Request.Method} {r.Url}"); };
        return page;
    }

    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, System.Collections.Concurrent.ConcurrentQueue<string>> Logs = new();

    /// <summary>Console messages, page errors and failed requests of <paramref name="page"/> so far.</summary>
    public static string BrowserLog(IPage page) =>
        Logs.TryGetValue(page, out var log) ? string.Join('\n', log) : "(no log)";

    /// <summary>The mail sink of the all-in-one shape writes .eml files; the link with <paramref name="path"/> in the newest mail to <paramref name="to"/>.</summary>
    public async Task<string> MailedLink(string to, string path)
    {
        var folder = Path.Combine(DataDir, "mail");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (Directory.Exists(folder))
                foreach (var file in Directory.GetFiles(folder, "*.eml").OrderByDescending(File.GetLastWriteTimeUtc))
                {
                    var text = (await File.ReadAllTextAsync(file)).Replace("=\r\n", "", StringComparison.Ordinal).Replace("=\n", "", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);
                    if (!text.Contains(to, StringComparison.OrdinalIgnoreCase)) continue;
                    var match = System.Text.RegularExpressions.Regex.Match(text, System.Text.RegularExpressions.Regex.Escape(path) + @"\?token=[A-Za-z0-9_\-]+");
                    if (match.Success) return match.Value;
                }
            await Task.Delay(200);
        }
        throw new TimeoutException($"No mail to {to} with a {path} link.\n{Host.Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
