using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TaskFlow.TestKit;
using TaskFlow.Web.Client.Auth;
using static Microsoft.Playwright.Assertions;

namespace TaskFlow.Web.Tests;

/// <summary>
/// The board, list and My tasks used with the keyboard, offline, on a phone, and the sign-in form before the app has
/// started: in Chromium against the real all-in-one host, with real keys and clicks, failing on any console error.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class KeyboardBoardTests(BrowserFixture fixture)
{
    sealed record Created(Guid Id, string Key);

    sealed record Seeded(string Email, Guid WorkspaceId, Guid ProjectId, List<Created> Tasks);

    /// <summary>An account, a workspace and a project with <paramref name="titles"/> in Todo (in that order), through the API.</summary>
    async Task<Seeded> Seed(string key, string[] titles, Func<int, object>? extra = null)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.Host.CreateClient();
        var email = $"kbd-{Guid.NewGuid():n}@example.com";
        await Accounts.Register(http, email, BrowserTests.Password, "Kay Board");
        var token = await Accounts.SignIn(http, email, BrowserTests.Password);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var workspace = await SeedApi.Create(http, "/v1/workspaces", new { name = "Keys " + key }, ct);
        var project = await SeedApi.Create(http, $"/v1/workspaces/{workspace}/projects", new { name = "Keyboard " + key, key }, ct);
        var tasks = new List<Created>();
        for (var i = 0; i < titles.Length; i++)
            tasks.Add(await SeedApi.Post<Created>(http, $"/v1/projects/{project}/tasks", extra?.Invoke(i) ?? new { title = titles[i] }, ct));
        return new Seeded(email, workspace, project, tasks);
    }

    static async Task<Created> AddTask(BrowserFixture fixture, Seeded s, object body)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.Host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Accounts.SignIn(http, s.Email, BrowserTests.Password));
        return await SeedApi.Post<Created>(http, $"/v1/projects/{s.ProjectId}/tasks", body, ct);
    }

    /// <summary>A page signed in through the session endpoint (the sign-in form is another test's business), failing on console errors.</summary>
    async Task<(IPage Page, ConcurrentQueue<string> Errors)> SignedIn(string email, int width = 1280, int height = 800)
    {
        var page = await fixture.NewPage(width, height);
        var errors = WatchErrors(page);
        var signIn = await page.Context.APIRequest.PostAsync("/app/session/login", new()
        {
            DataObject = new { email, password = BrowserTests.Password },
            Headers = new Dictionary<string, string> { ["X-TaskFlow-Session"] = "1" },
        });
        Assert.True(signIn.Ok);
        return (page, errors);
    }

    static readonly ConditionalWeakTable<IPage, ConcurrentQueue<string>> FailedResponses = new();

    static ConcurrentQueue<string> WatchErrors(IPage page)
    {
        var errors = new ConcurrentQueue<string>();
        var failed = FailedResponses.GetOrCreateValue(page);
        page.Console += (_, m) => { if (m.Type == "error") errors.Enqueue(m.Text); };
        page.PageError += (_, e) => errors.Enqueue(e);
        page.Response += (_, r) => { if (r.Status >= 400) failed.Enqueue($"{r.Status} {new Uri(r.Url).AbsolutePath}"); };
        return errors;
    }

    /// <summary>
    /// Fails on any console error but the browser's own note about a failed request that is expected: the session renewal a
    /// signed-out page tries (401), and /favicon.ico (404, another change's business).
    /// </summary>
    static void NoConsoleErrors(IPage page, IEnumerable<string> errors, Func<string, bool>? expected = null)
    {
        var failed = FailedResponses.TryGetValue(page, out var f) ? f.ToList() : [];
        var allowed = new[] { "401 /app/session/refresh", "404 /favicon.ico" };
        var unexplained = failed.Where(r => !allowed.Contains(r)).ToList();
        var unexpected = errors.Where(e => !(expected?.Invoke(e) ?? false)
            && !(e.StartsWith("Failed to load resource: the server responded", StringComparison.Ordinal) && unexplained.Count == 0)).ToList();
        Assert.True(unexpected.Count == 0, "Console errors:\n" + string.Join('\n', unexpected) + "\nFailed responses:\n" + string.Join('\n', failed)
            + "\n" + BrowserFixture.BrowserLog(page));
    }

    /// <summary>Ctrl+K, again until the palette opens: the shortcuts are registered once the page has shown its content.</summary>
    static async Task OpenPalette(IPage page)
    {
        for (var attempt = 0; ; attempt++)
        {
            await page.Keyboard.PressAsync("Control+k");
            try
            {
                await Expect(page.Locator("#search-input")).ToBeFocusedAsync(new() { Timeout = 2_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 15)
            {
            }
        }
    }

    static ILocator Column(IPage page, string status) => page.Locator($"[data-testid=board-column][data-status='{status}']");

    static ILocator Card(IPage page, string key) => page.Locator($"[data-testid=task-card][data-key='{key}']");

    static Task<string?> FocusedKey(IPage page) => page.EvaluateAsync<string?>("document.activeElement?.dataset?.key ?? null");

    async Task OpenBoard(IPage page, Guid projectId, int cards)
    {
        await page.GotoAsync($"/projects/{projectId}");
        await Expect(page.GetByTestId("task-card")).ToHaveCountAsync(cards, new() { Timeout = 60_000 });
    }

    [Fact]
    public async Task Tab_reaches_a_card_Enter_opens_it_J_K_move_focus_and_Alt_arrows_move_it_for_good()
    {
        var s = await Seed("KBD", ["Cut the gears", "Print the tables", "Find funding"]);
        var (a, b, c) = (s.Tasks[0].Key, s.Tasks[1].Key, s.Tasks[2].Key);
        var child = await AddTask(fixture, s, new { title = "Oil the gears", parentId = s.Tasks[0].Id });
        var (page, errors) = await SignedIn(s.Email);
        await OpenBoard(page, s.ProjectId, 4);

        // Every control is labelled: the filter and each column's quick-add have a label, not only a placeholder.
        await Expect(page.GetByLabel("Filter cards")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Add a task to Todo")).ToBeVisibleAsync();
        // A subtask's card names its parent.
        await Expect(Card(page, child.Key).GetByTestId("task-parent")).ToContainTextAsync($"{a} Cut the gears");

        // Tab from the filter reaches the cards; a card has a role and a name.
        await page.GetByLabel("Filter cards").ClickAsync();
        string? focused = null;
        for (var i = 0; i < 40 && focused is null; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            focused = await FocusedKey(page);
        }
        Assert.Equal(a, focused);
        await Expect(Card(page, a)).ToHaveAttributeAsync("role", "button");
        await Expect(Card(page, a)).ToHaveAttributeAsync("aria-label", new Regex($"^{a} Cut the gears"));

        // J and K move the focus through the cards.
        await page.Keyboard.PressAsync("j");
        Assert.Equal(b, await FocusedKey(page));
        await page.Keyboard.PressAsync("j");
        Assert.Equal(c, await FocusedKey(page));
        await page.Keyboard.PressAsync("k");
        await page.Keyboard.PressAsync("k");
        Assert.Equal(a, await FocusedKey(page));

        // Alt+Right: to In Progress, through the move API; the card keeps the focus and the move is announced.
        var moved = await page.RunAndWaitForResponseAsync(() => page.Keyboard.PressAsync("Alt+ArrowRight"),
            r => r.Url.EndsWith("/move", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal(200, moved.Status);
        await Expect(Column(page, "In Progress").Locator($"[data-key='{a}']")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("board-announcer")).ToContainTextAsync($"{a} moved to In Progress");
        await Expect(Card(page, a)).ToBeFocusedAsync();

        // Alt+Down in Todo: B goes below C.
        await Card(page, b).FocusAsync();
        var down = await page.RunAndWaitForResponseAsync(() => page.Keyboard.PressAsync("Alt+ArrowDown"),
            r => r.Url.EndsWith("/move", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal(200, down.Status);

        // After a reload the moves are still there.
        await page.ReloadAsync();
        await Expect(Column(page, "In Progress").Locator($"[data-key='{a}']")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var todoKeys = await Column(page, "Todo").GetByTestId("task-card").EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.key)");
        Assert.Equal([c, b, child.Key], todoKeys);

        // J with nothing focused takes the first card; Enter opens it.
        await page.GetByTestId("board-title").ClickAsync();
        await page.Keyboard.PressAsync("j");
        var first = await FocusedKey(page);
        Assert.NotNull(first);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("/tasks/[0-9a-f-]{36}"));
        await Expect(page.GetByTestId("task-panel")).ToBeVisibleAsync();
        NoConsoleErrors(page, errors);
    }

    [Fact]
    public async Task Ctrl_K_finds_a_task_by_its_key_and_the_palette_runs_actions()
    {
        var s = await Seed("PAL", [.. Enumerable.Range(1, 12).Select(i => $"Palette task {i}")]);
        var twelfth = s.Tasks[11];
        Assert.Equal("PAL-12", twelfth.Key);
        var (page, errors) = await SignedIn(s.Email);
        await OpenBoard(page, s.ProjectId, 12);

        // Ctrl+K, the key: the task comes first; Enter opens it.
        await OpenPalette(page);
        var input = page.Locator("#search-input");
        await input.PressSequentiallyAsync("pal-12");
        var firstResult = page.GetByTestId("search-result").First;
        await Expect(firstResult).ToContainTextAsync("PAL-12");
        await Expect(firstResult).ToHaveAttributeAsync("data-kind", "task");
        await input.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex($"/tasks/{twelfth.Id}"));
        await Expect(page.GetByTestId("task-panel")).ToBeVisibleAsync();

        // The palette runs actions: "Go to My tasks".
        await page.GotoAsync($"/projects/{s.ProjectId}");
        await Expect(page.GetByTestId("task-card")).ToHaveCountAsync(12, new() { Timeout = 60_000 });
        await OpenPalette(page);
        await input.PressSequentiallyAsync("my tasks");
        await Expect(page.GetByTestId("palette-command").First).ToHaveAttributeAsync("data-title", "Go to My tasks");
        await input.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("/my-tasks$"));
        await Expect(page.GetByTestId("my-tasks-title")).ToBeVisibleAsync();

        // S on a focused card lists the statuses; a click on one moves the card.
        await page.GotoAsync($"/projects/{s.ProjectId}");
        await Expect(page.GetByTestId("task-card")).ToHaveCountAsync(12, new() { Timeout = 60_000 });
        await Card(page, "PAL-1").FocusAsync();
        await page.Keyboard.PressAsync("s");
        var toDone = page.Locator("[data-testid=palette-command][data-title='Move PAL-1 to Done']");
        await Expect(toDone).ToBeVisibleAsync();
        var moved = await page.RunAndWaitForResponseAsync(() => toDone.ClickAsync(),
            r => r.Url.EndsWith("/move", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal(200, moved.Status);
        await Expect(Column(page, "Done").Locator("[data-key='PAL-1']")).ToBeVisibleAsync();

        // P sets the priority through the same palette, by keyboard alone.
        await Card(page, "PAL-2").FocusAsync();
        await page.Keyboard.PressAsync("p");
        await Expect(page.Locator("#search-input")).ToBeFocusedAsync();
        await page.Locator("#search-input").PressSequentiallyAsync("urgent");
        var patched = await page.RunAndWaitForResponseAsync(() => page.Locator("#search-input").PressAsync("Enter"),
            r => r.Request.Method == "PATCH" && r.Url.Contains("/v1/tasks/", StringComparison.Ordinal));
        Assert.Equal(200, patched.Status);
        await Expect(page.Locator("[data-testid=task-card-shell][data-card-key=PAL-2]").GetByTestId("task-priority")).ToHaveTextAsync("urgent");

        // The shortcuts dialog lists the keys.
        await page.GetByTestId("board-title").ClickAsync();
        await page.Keyboard.PressAsync("?");
        await Expect(page.GetByTestId("shortcuts")).ToContainTextAsync("Next or previous task");
        NoConsoleErrors(page, errors);
    }

    [Fact]
    public async Task Offline_a_failed_drag_goes_back_the_board_stays_quick_add_keeps_the_title_and_all_recovers()
    {
        var s = await Seed("OFF", ["Cut the gears", "Print the tables"]);
        var (page, errors) = await SignedIn(s.Email);
        await OpenBoard(page, s.ProjectId, 2);
        var todo = Column(page, "Todo");

        // The server goes away (every API call and the health probe fail as with the host stopped).
        await page.RouteAsync("**/v1/**", r => r.AbortAsync());
        await page.RouteAsync("**/health/**", r => r.AbortAsync());
        await Card(page, s.Tasks[0].Key).DragToAsync(Column(page, "Done").Locator(".board-dropzone"));

        await Expect(page.GetByTestId("offline-banner")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("offline-banner")).ToContainTextAsync("Can't reach the server");
        await Expect(todo.Locator($"[data-key='{s.Tasks[0].Key}']")).ToBeVisibleAsync();
        await Expect(Column(page, "Done").GetByTestId("task-card")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("board-column")).ToHaveCountAsync(5);
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("back where it was");
        await Expect(page.GetByText("Failed to fetch")).ToHaveCountAsync(0);

        // Quick-add offline: the title stays, and the reason is in plain words.
        var add = todo.Locator("input");
        await add.ClickAsync();
        await add.FillAsync("Written offline");
        await add.PressAsync("Enter");
        await Expect(todo.Locator(".mud-input-helper-text")).ToContainTextAsync("Can't reach the server");
        await Expect(add).ToHaveValueAsync("Written offline");
        await Expect(page.GetByText("TypeError")).ToHaveCountAsync(0);

        // The server is back: the banner goes, and the same Enter now adds the task.
        await page.UnrouteAllAsync(new() { Behavior = UnrouteBehavior.Wait });
        await Expect(page.GetByTestId("offline-banner")).ToBeHiddenAsync(new() { Timeout = 20_000 });
        await add.PressAsync("Enter");
        await Expect(todo.GetByTestId("task-card").Filter(new() { HasText = "Written offline" })).ToBeVisibleAsync();
        await Expect(add).ToHaveValueAsync("");
        // Chromium reports each aborted request as a console error of its own: those are the test's doing.
        BrowserFixture.AllowConsoleError(page, "Failed to load resource: net::ERR_FAILED");
        NoConsoleErrors(page, errors, e => e.StartsWith("Failed to load resource", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sign_in_keeps_an_email_typed_before_the_app_started()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.Host.CreateClient();
        var email = $"early-{Guid.NewGuid():n}@example.com";
        await Accounts.Register(http, email, BrowserTests.Password, "Early Bird");

        var page = await fixture.NewPage();
        var errors = WatchErrors(page);
        // Hold the app's start (the framework's files) until the email has been typed into the prerendered form.
        var started = new TaskCompletionSource();
        await page.RouteAsync("**/_framework/**", async r =>
        {
            await started.Task;
            await r.ContinueAsync();
        });
        await page.GotoAsync("/signin", new() { WaitUntil = WaitUntilState.Commit });
        var field = page.Locator("#email");
        await Expect(field).ToBeVisibleAsync();
        await Expect(page.GetByTestId("signin-submit")).ToBeDisabledAsync();
        await field.ClickAsync();
        await field.PressSequentiallyAsync(email);
        started.SetResult();

        await BrowserTests.Interactive(page.GetByTestId("signin-submit"));
        await Expect(field).ToHaveValueAsync(email);
        await page.Locator("#password").ClickAsync();
        await page.Locator("#password").PressSequentiallyAsync(BrowserTests.Password);
        await page.GetByTestId("signin-submit").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/workspaces"));
        NoConsoleErrors(page, errors);
        _ = ct;
    }

    [Fact]
    public async Task My_tasks_at_390px_is_a_stacked_list_without_sideways_scrolling()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.Host.CreateClient();
        var email = $"phone-{Guid.NewGuid():n}@example.com";
        await Accounts.Register(http, email, BrowserTests.Password, "Phone User");
        var token = await Accounts.SignIn(http, email, BrowserTests.Password);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = SessionService.ReadUser(token)!.Id;
        var workspace = await SeedApi.Create(http, "/v1/workspaces", new { name = "Pocket" }, ct);
        var project = await SeedApi.Create(http, $"/v1/workspaces/{workspace}/projects", new { name = "A project with quite a long name", key = "PHN" }, ct);
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await SeedApi.Post(http, $"/v1/projects/{project}/tasks", new { title = "Renew the certificate for the payment gateway before it expires", priority = "urgent", assigneeIds = new[] { me }, dueDate = yesterday }, ct);
        await SeedApi.Post(http, $"/v1/projects/{project}/tasks", new { title = "Call the bank", assigneeIds = new[] { me } }, ct);

        var (page, errors) = await SignedIn(email, 390, 844);
        await page.GotoAsync("/my-tasks");
        await Expect(page.GetByTestId("my-task")).ToHaveCountAsync(2, new() { Timeout = 60_000 });
        var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"The page is {overflow}px wider than the 390px screen.");
        var right = await page.GetByTestId("my-task").EvaluateAllAsync<double[]>("rows => rows.map(r => r.getBoundingClientRect().right)");
        var chain = await page.GetByTestId("my-task").First.EvaluateAsync<string>(
            "r => { const out = []; for (let e = r; e; e = e.parentElement) out.push(`${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().left)}-${Math.round(e.getBoundingClientRect().right)}`); return out.join('\\n'); }");
        Assert.All(right, r => Assert.True(r <= 390, $"A task ends at {r}px:\n{chain}"));
        await Expect(page.GetByTestId("my-task-title").First).ToBeVisibleAsync();
        await BrowserTests.Shot(page, "my-tasks-390px");
        NoConsoleErrors(page, errors);
    }
}
