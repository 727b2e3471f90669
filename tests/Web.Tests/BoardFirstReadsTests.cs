using System.Collections.Concurrent;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TaskFlow.Web.Tests;

/// <summary>
/// The board's first reads (project, statuses, members, the first page of every column) are started by js/api.js as soon
/// as the load-time session renewal answers, before WebAssembly runs, and the app takes those answers instead of asking
/// again (docs/adr/0017-web-third-pass.md).
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class BoardFirstReadsTests(BrowserFixture fixture)
{
    async Task<(Guid WorkspaceId, Guid ProjectId, string Email)> BoardWithCards()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.Host.CreateClient();
        var email = $"early-{Guid.NewGuid():n}@example.com";
        await Accounts.Register(http, email, BrowserTests.Password, "Early Reader");
        http.DefaultRequestHeaders.Authorization = new("Bearer", await Accounts.SignIn(http, email, BrowserTests.Password));
        var workspaceId = await SeedApi.Create(http, "/v1/workspaces", new { name = "Early" }, ct);
        var projectId = await SeedApi.Create(http, $"/v1/workspaces/{workspaceId}/projects", new { name = "Early", key = "ERL" }, ct);
        for (var i = 0; i < 3; i++)
            await SeedApi.Create(http, $"/v1/projects/{projectId}/tasks", new { title = $"Card {i}" }, ct);
        return (workspaceId, projectId, email);
    }

    static async Task SignIn(IPage page, string email)
    {
        var signIn = await page.Context.APIRequest.PostAsync("/app/session/login",
            new() { DataObject = new { email, password = BrowserTests.Password }, Headers = new Dictionary<string, string> { ["X-TaskFlow-Session"] = "1" } });
        Assert.True(signIn.Ok);
    }

    static ConcurrentQueue<string> ApiReads(IPage page)
    {
        var reads = new ConcurrentQueue<string>();
        page.Request += (_, r) =>
        {
            var url = new Uri(r.Url);
            if (r.Method == "GET" && url.AbsolutePath.StartsWith("/v1/", StringComparison.Ordinal) && !url.AbsolutePath.StartsWith("/v1/realtime", StringComparison.Ordinal))
                reads.Enqueue(url.PathAndQuery);
        };
        return reads;
    }

    static string[] BoardReads(ConcurrentQueue<string> reads, Guid workspaceId, Guid projectId) =>
        [.. reads.Where(r => r == $"/v1/projects/{projectId}" || r == $"/v1/projects/{projectId}/statuses" || r == $"/v1/workspaces/{workspaceId}/members"
            || r.StartsWith($"/v1/projects/{projectId}/tasks?", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task The_board_reads_start_before_webassembly_runs()
    {
        var (workspaceId, projectId, email) = await BoardWithCards();
        var page = await fixture.NewPage();
        await SignIn(page, email);
        // No .NET runtime at all: whatever reaches the API came from the page's scripts.
        BrowserFixture.AllowConsoleError(page, "dotnet.native|Failed to fetch|ERR_FAILED|net::|WebAssembly|dotnet"); // the test breaks the runtime on purpose
        await page.RouteAsync("**/_framework/dotnet.native*.wasm", route => route.AbortAsync());
        var reads = ApiReads(page);

        await page.GotoAsync($"/projects/{projectId}");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (BoardReads(reads, workspaceId, projectId).Length < 8 && DateTime.UtcNow < deadline)
            await Task.Delay(100, TestContext.Current.CancellationToken);
        var seen = BoardReads(reads, workspaceId, projectId);
        Assert.Contains($"/v1/projects/{projectId}", seen);
        Assert.Contains($"/v1/projects/{projectId}/statuses", seen);
        Assert.Contains($"/v1/workspaces/{workspaceId}/members", seen);
        Assert.Equal(5, seen.Count(r => r.Contains("/tasks?status=", StringComparison.Ordinal) && r.EndsWith("&sort=rank&limit=100", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_app_takes_the_early_answers_and_asks_for_each_board_read_once()
    {
        var (workspaceId, projectId, email) = await BoardWithCards();
        var page = await fixture.NewPage();
        await SignIn(page, email);
        var reads = ApiReads(page);

        await page.GotoAsync($"/projects/{projectId}");
        await Expect(page.GetByTestId("task-card")).ToHaveCountAsync(3, new() { Timeout = 60_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var seen = BoardReads(reads, workspaceId, projectId);
        Assert.Equal(8, seen.Length);
        Assert.Equal(seen.Length, seen.Distinct().Count());
    }

    [Fact]
    public async Task Signed_out_the_page_scripts_send_no_board_read()
    {
        var (workspaceId, projectId, _) = await BoardWithCards();
        var page = await fixture.NewPage();
        // No .NET runtime (the app itself would ask, and be refused): only what the page's scripts send is seen.
        BrowserFixture.AllowConsoleError(page, "dotnet.native|Failed to fetch|ERR_FAILED|net::|WebAssembly|dotnet"); // the test breaks the runtime on purpose
        await page.RouteAsync("**/_framework/dotnet.native*.wasm", route => route.AbortAsync());
        var reads = ApiReads(page);
        var renewal = page.WaitForResponseAsync(r => r.Url.EndsWith("/app/session/refresh", StringComparison.Ordinal));

        await page.GotoAsync($"/projects/{projectId}");
        Assert.Equal(204, (await renewal).Status); // no session
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Empty(BoardReads(reads, workspaceId, projectId));
    }
}
