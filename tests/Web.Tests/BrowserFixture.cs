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

    /// <summary>
    /// A page in a fresh context. Every console error and uncaught page error it shows fails the test that made it
    /// (<see cref="BrowserErrorsFailTheTestAttribute"/> checks after each test), unless the test allowed that message
    /// beforehand with <see cref="AllowConsoleError"/>.
    /// </summary>
    public async Task<IPage> NewPage(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = Host.BaseAddress.ToString(), ViewportSize = new() { Width = width, Height = height } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var watch = new PageWatch(page);
        Watches.AddOrUpdate(page, watch);
        BrowserErrorsFailTheTestAttribute.Track(watch);
        return page;
    }

    IBrowser? withScrollbars;

    /// <summary>
    /// Like <see cref="NewPage"/>, in a second Chromium that draws scrollbars as a desktop browser does (Playwright hides
    /// them in headless mode): for tests of what a scrollbar takes or whether one is on screen.
    /// </summary>
    public async Task<IPage> NewPageWithScrollbars(int width, int height)
    {
        withScrollbars ??= await Playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("TASKFLOW_TEST_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            IgnoreDefaultArgs = ["--hide-scrollbars"],
        });
        var context = await withScrollbars.NewContextAsync(new() { BaseURL = Host.BaseAddress.ToString(), ViewportSize = new() { Width = width, Height = height } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var watch = new PageWatch(page);
        Watches.AddOrUpdate(page, watch);
        BrowserErrorsFailTheTestAttribute.Track(watch);
        return page;
    }

    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, PageWatch> Watches = new();

    /// <summary>Console messages, page errors and failed requests of <paramref name="page"/> so far.</summary>
    public static string BrowserLog(IPage page) =>
        Watches.TryGetValue(page, out var watch) ? string.Join('\n', watch.Log) : "(no log)";

    /// <summary>
    /// Lets <paramref name="page"/> log console errors matching <paramref name="pattern"/> (a regular expression), e.g. the
    /// browser's own line for a 4xx the test provokes on purpose. Call it before the action that causes the message.
    /// </summary>
    public static void AllowConsoleError(IPage page, string pattern)
    {
        if (!Watches.TryGetValue(page, out var watch)) throw new ArgumentException("The page was not made by BrowserFixture.NewPage.", nameof(page));
        watch.Allowed.Add(new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.IgnoreCase));
    }

    /// <summary>Fails now if <paramref name="page"/> has shown a console or page error that was not allowed.</summary>
    public static void AssertNoConsoleErrors(IPage page)
    {
        if (Watches.TryGetValue(page, out var watch) && watch.UnexpectedErrors() is { Count: > 0 } errors)
            Assert.Fail($"The browser reported {errors.Count} error(s):\n{string.Join('\n', errors)}\nBrowser log:\n{string.Join('\n', watch.Log)}");
    }

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
        if (withScrollbars is not null) await withScrollbars.DisposeAsync();
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

/// <summary>What one page showed: its log for failure messages, and the console and page errors a test must not cause.</summary>
public sealed class PageWatch
{
    public PageWatch(IPage page)
    {
        Page = page;
        page.Console += (_, m) =>
        {
            Log.Enqueue($"console.{m.Type}: {m.Text}");
            if (m.Type == "error") Errors.Enqueue($"console.error: {m.Text} ({m.Location})");
        };
        page.PageError += (_, e) =>
        {
            Log.Enqueue($"pageerror: {e}");
            Errors.Enqueue($"pageerror: {e}");
        };
        page.RequestFailed += (_, r) => Log.Enqueue($"requestfailed: {r.Method} {r.Url} {r.Failure}");
        page.Response += (_, r) => { if (r.Status >= 400) Log.Enqueue($"response {r.Status}: {r.Request.Method} {r.Url}"); };
    }

    public IPage Page { get; }
    public System.Collections.Concurrent.ConcurrentQueue<string> Log { get; } = new();
    public System.Collections.Concurrent.ConcurrentQueue<string> Errors { get; } = new();
    public System.Collections.Concurrent.ConcurrentBag<System.Text.RegularExpressions.Regex> Allowed { get; } = [];

    public List<string> UnexpectedErrors() => Errors.Where(e => !Allowed.Any(a => a.IsMatch(e))).ToList();
}

/// <summary>
/// After every test of the assembly (applied in AssemblyInfo.cs): the pages that test made through
/// <see cref="BrowserFixture.NewPage"/> must have shown no console or page error (bar those it allowed), and their
/// contexts are closed. A test cannot forget the check.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class | AttributeTargets.Method)]
public sealed class BrowserErrorsFailTheTestAttribute : Xunit.v3.BeforeAfterTestAttribute
{
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentQueue<PageWatch>> PagesByTest = new();

    internal static void Track(PageWatch watch)
    {
        var test = TestContext.Current.Test?.UniqueID ?? "(outside a test)";
        PagesByTest.GetOrAdd(test, _ => new()).Enqueue(watch);
    }

    public override void After(System.Reflection.MethodInfo methodUnderTest, Xunit.v3.IXunitTest test)
    {
        if (!PagesByTest.TryRemove(test.UniqueID, out var watches)) return;
        var failures = new List<string>();
        foreach (var watch in watches)
        {
            if (watch.UnexpectedErrors() is { Count: > 0 } errors)
                failures.Add($"{watch.Page.Url}:\n  {string.Join("\n  ", errors)}");
            // After is synchronous: the context closes in the background (its errors no longer matter).
            _ = watch.Page.Context.CloseAsync().ContinueWith(t => t.Exception, TaskScheduler.Default);
        }
        if (failures.Count > 0)
            throw new Xunit.Sdk.XunitException(
                "The browser reported errors (allow an expected one with BrowserFixture.AllowConsoleError):\n" + string.Join('\n', failures));
    }
}
