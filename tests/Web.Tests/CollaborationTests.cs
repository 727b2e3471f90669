using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TaskFlow.Web.Tests;

/// <summary>Two people on one board, a viewer who cannot move cards, and the task panel's attachments and subtasks, in Chromium.</summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class CollaborationTests(BrowserFixture fixture)
{

    [Fact]
    public async Task A_card_one_member_drags_to_done_moves_on_the_other_members_board_without_a_reload()
    {
        var ownerEmail = $"ada-{Guid.NewGuid():n}@example.com";
        var memberEmail = $"bob-{Guid.NewGuid():n}@example.com";
        var owner = await fixture.NewPage();
        await BrowserTests.SignUp(owner, ownerEmail, "Ada Lovelace");
        using var ownerApi = await Api(ownerEmail);
        var (workspaceId, projectId) = await WorkspaceWithProject(ownerApi, "Engines", "ENG");
        await CreateTask(ownerApi, projectId, "Cut the gears");

        // The owner invites by email in the UI; the invitee accepts through the mailed link.
        await owner.GotoAsync($"/workspaces/{workspaceId}");
        // The project list loads only once the page is interactive.
        await Expect(owner.GetByTestId("project-item")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await owner.Locator(".mud-tab").Filter(new() { HasText = "Members" }).ClickAsync();
        await owner.Locator("#invite-email").FillAsync(memberEmail);
        await owner.GetByTestId("invite").ClickAsync();
        await Expect(owner.GetByText($"Invitation sent to {memberEmail}.")).ToBeVisibleAsync();

        var member = await fixture.NewPage();
        await BrowserTests.SignUp(member, memberEmail, "Bob Babbage");
        await member.GotoAsync(await fixture.MailedLink(memberEmail, "/invitations/accept"));
        await BrowserTests.Interactive(member.GetByTestId("accept-invitation"));
        await member.GetByTestId("accept-invitation").ClickAsync();
        await Expect(member).ToHaveURLAsync(new Regex($"/workspaces/{workspaceId}$"));
        await AddProjectMember(ownerApi, projectId, await UserId(memberEmail), "member");

        // The member's board joins the project's live channel: wait for the server's answer. The realtime service learns
        // of the new member from an event; should it refuse the first join, a reload joins again.
        var joined = false;
        for (var attempt = 0; attempt < 5 && !joined; attempt++)
        {
            var join = NextJoin(member);
            if (attempt == 0) await member.GotoAsync($"/projects/{projectId}");
            else await member.ReloadAsync();
            await Expect(Column(member, "Todo").GetByTestId("task-card").Filter(new() { HasText = "Cut the gears" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
            joined = await join.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }
        Assert.True(joined, "the member's board could not join the project's live channel");
        await member.EvaluateAsync("window.__sameDocument = true");

        await owner.GotoAsync($"/projects/{projectId}");
        var card = Column(owner, "Todo").GetByTestId("task-card").Filter(new() { HasText = "Cut the gears" });
        await Expect(card).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var moved = await owner.RunAndWaitForResponseAsync(
            () => card.DragToAsync(Column(owner, "Done").Locator(".board-dropzone")),
            r => r.Url.EndsWith("/move", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal(200, moved.Status);

        await Expect(Column(member, "Done").GetByTestId("task-card").Filter(new() { HasText = "Cut the gears" })).ToBeVisibleAsync();
        await Expect(Column(member, "Todo").GetByTestId("task-card")).ToHaveCountAsync(0);
        Assert.True(await member.EvaluateAsync<bool>("window.__sameDocument === true"), "the member's page was reloaded");
        await BrowserTests.Shot(member, "board-live-move");
    }

    [Fact]
    public async Task A_viewer_cannot_drag_a_card_the_card_stays_and_no_move_is_sent()
    {
        using var http = fixture.Host.CreateClient();
        var ownerEmail = $"olive-{Guid.NewGuid():n}@example.com";
        await Register(http, ownerEmail, "Olive Owner");
        using var ownerApi = await Api(ownerEmail);
        var (workspaceId, projectId) = await WorkspaceWithProject(ownerApi, "Looms", "LOOM");
        var taskId = await CreateTask(ownerApi, projectId, "Weave the cards");

        var viewerEmail = $"vera-{Guid.NewGuid():n}@example.com";
        var viewer = await fixture.NewPage();
        await BrowserTests.SignUp(viewer, viewerEmail, "Vera Viewer");
        using var viewerApi = await Api(viewerEmail);
        await Invite(ownerApi, viewerApi, workspaceId, viewerEmail);
        await AddProjectMember(ownerApi, projectId, await UserId(viewerEmail), "viewer");

        var moves = new ConcurrentQueue<string>();
        viewer.Request += (_, r) => { if (r.Url.EndsWith("/move", StringComparison.Ordinal)) moves.Enqueue(r.Url); };
        await viewer.GotoAsync($"/projects/{projectId}");
        await Expect(viewer.GetByTestId("read-only")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var todo = Column(viewer, "Todo");
        var card = todo.GetByTestId("task-card").Filter(new() { HasText = "Weave the cards" });
        await Expect(card).ToBeVisibleAsync();
        // No drag affordance: the item is not draggable and the card does not show a grab cursor.
        await Expect(todo.Locator(".mud-drop-item", new() { HasText = "Weave the cards" })).ToHaveAttributeAsync("draggable", "false");
        Assert.NotEqual("grab", await card.EvaluateAsync<string>("e => getComputedStyle(e).cursor"));
        await Expect(viewer.GetByTestId("quick-add")).ToHaveCountAsync(0);

        await card.DragToAsync(Column(viewer, "Done").Locator(".board-dropzone"));
        await Expect(todo.GetByTestId("task-card").Filter(new() { HasText = "Weave the cards" })).ToBeVisibleAsync();
        await Expect(Column(viewer, "Done").GetByTestId("task-card")).ToHaveCountAsync(0);

        // Open the card in the page: a drop handler would have sent its move before this later interaction's requests.
        await card.ClickAsync();
        await Expect(viewer).ToHaveURLAsync(new Regex($"/tasks/{taskId}$"));
        await Expect(viewer.GetByTestId("task-panel")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(viewer.GetByTestId("attachments").GetByTestId("list-empty")).ToBeVisibleAsync();
        await Expect(viewer.GetByTestId("panel-save")).ToHaveCountAsync(0);
        await Expect(viewer.Locator("#attachment-file")).ToHaveCountAsync(0);
        await Expect(viewer.Locator("#subtask-title")).ToHaveCountAsync(0);
        Assert.Empty(moves);

        var task = await ownerApi.GetFromJsonAsync<JsonElement>($"/v1/tasks/{taskId}", TestContext.Current.CancellationToken);
        var statuses = await ownerApi.GetFromJsonAsync<JsonElement>($"/v1/projects/{projectId}/statuses", TestContext.Current.CancellationToken);
        var todoId = statuses.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "Todo").GetProperty("id").GetString();
        Assert.Equal(todoId, task.GetProperty("statusId").GetString());
    }

    [Fact]
    public async Task The_panel_adds_a_subtask_uploads_an_attachment_with_progress_and_suggests_mentions()
    {
        var email = $"mary-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage();
        await BrowserTests.SignUp(page, email, "Mary Somerville");
        using var api = await Api(email);
        var (_, projectId) = await WorkspaceWithProject(api, "Mechanics", "MEC");
        var label = await SeedApi.Post(api, $"/v1/projects/{projectId}/labels", new { name = "research", color = "#1565c0" }, TestContext.Current.CancellationToken);
        // Tasks learns about the label from an event: until then the label id is unknown there.
        var taskId = await CreateTask(api, projectId, "Translate the Mécanique céleste", [label.GetProperty("id").GetString()!]);

        await page.GotoAsync($"/projects/{projectId}");
        var card = Column(page, "Todo").GetByTestId("task-card-shell").Filter(new() { HasText = "Translate" });
        await Expect(card.GetByTestId("label-chip")).ToHaveTextAsync("research", new() { Timeout = 60_000 });
        await card.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/tasks/{taskId}$"));
        var panel = page.GetByTestId("task-panel");
        await Expect(panel.GetByTestId("subtasks").GetByTestId("list-empty")).ToBeVisibleAsync();

        await page.Locator("#subtask-title").FillAsync("Write the preface");
        await page.GetByTestId("subtask-add").ClickAsync();
        await Expect(panel.GetByTestId("subtask").Filter(new() { HasText = "Write the preface" })).ToBeVisibleAsync();
        await Expect(panel.GetByTestId("subtask-done")).ToHaveTextAsync("0/1 done");

        var upload = await page.RunAndWaitForResponseAsync(
            () => page.Locator("#attachment-file").SetInputFilesAsync(new FilePayload
            {
                Name = "notes.txt",
                MimeType = "text/plain",
                Buffer = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("The mechanism of the heavens. ", 4000))),
            }),
            r => r.Url.EndsWith($"/v1/tasks/{taskId}/attachments", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal(201, upload.Status);
        await Expect(panel.GetByTestId("attachment").Filter(new() { HasText = "notes.txt" })).ToBeVisibleAsync();
        await Expect(panel.GetByTestId("upload-progress")).ToHaveCountAsync(0);

        var comment = page.Locator("#panel-comment");
        await comment.FillAsync("Please review, @mar");
        await page.GetByTestId("mention-option").Filter(new() { HasText = "Mary Somerville" }).ClickAsync();
        await Expect(comment).ToHaveValueAsync("Please review, @Mary Somerville ");
        await BrowserTests.Shot(page, "task-panel-details");
    }

    static ILocator Column(IPage page, string status) => page.Locator($"[data-testid=board-column][data-status='{status}']");

    /// <summary>
    /// The outcome of the next JoinProject call the page's SignalR connection (JSON protocol over a WebSocket) makes:
    /// true when the server completed it, false when it answered with an error (it does not know yet that the user may read).
    /// </summary>
    static Task<bool> NextJoin(IPage page)
    {
        var outcome = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.WebSocket += (_, socket) =>
        {
            string? invocation = null;
            socket.FrameSent += (_, frame) =>
            {
                foreach (var m in HubMessages(frame.Text))
                    if (m.TryGetProperty("target", out var target) && target.GetString() == "JoinProject" && m.TryGetProperty("invocationId", out var id))
                        invocation = id.GetString();
            };
            socket.FrameReceived += (_, frame) =>
            {
                foreach (var m in HubMessages(frame.Text))
                    if (invocation is not null && m.TryGetProperty("type", out var type) && type.GetInt32() == 3
                        && m.TryGetProperty("invocationId", out var id) && id.GetString() == invocation)
                        outcome.TrySetResult(!m.TryGetProperty("error", out JsonElement _));
            };
        };
        return outcome.Task;
    }

    static IEnumerable<JsonElement> HubMessages(string? text)
    {
        foreach (var record in (text ?? "").Split('\u001e', StringSplitOptions.RemoveEmptyEntries))
        {
            JsonElement message;
            try
            {
                message = JsonDocument.Parse(record).RootElement.Clone();
            }
            catch (JsonException)
            {
                continue;
            }
            if (message.ValueKind == JsonValueKind.Object) yield return message;
        }
    }

    async Task<HttpClient> Api(string email)
    {
        var http = fixture.Host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Accounts.SignIn(http, email, BrowserTests.Password));
        return http;
    }

    static Task Register(HttpClient http, string email, string name) => Accounts.Register(http, email, BrowserTests.Password, name);

    async Task<Guid> UserId(string email)
    {
        using var api = await Api(email);
        return (await api.GetFromJsonAsync<JsonElement>("/v1/users/me")).GetProperty("id").GetGuid();
    }

    static async Task<(Guid WorkspaceId, Guid ProjectId)> WorkspaceWithProject(HttpClient api, string name, string key)
    {
        var workspace = await SeedApi.Post(api, "/v1/workspaces", new { name });
        var workspaceId = workspace.GetProperty("id").GetGuid();
        var project = await SeedApi.Post(api, $"/v1/workspaces/{workspaceId}/projects", new { name = name + " project", key });
        return (workspaceId, project.GetProperty("id").GetGuid());
    }

    static async Task<Guid> CreateTask(HttpClient api, Guid projectId, string title, string[]? labelIds = null) =>
        (await SeedApi.Post(api, $"/v1/projects/{projectId}/tasks", new { title, labelIds })).GetProperty("id").GetGuid();

    /// <summary>The owner invites through the API and the invitee accepts with the token from the mailed link.</summary>
    async Task Invite(HttpClient owner, HttpClient invitee, Guid workspaceId, string email)
    {
        await SeedApi.Post(owner, $"/v1/workspaces/{workspaceId}/invitations", new { email, role = "member" });
        var link = await fixture.MailedLink(email, "/invitations/accept");
        await SeedApi.Post(invitee, "/v1/invitations/accept", new { token = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..] });
    }

    static Task AddProjectMember(HttpClient owner, Guid projectId, Guid userId, string role) =>
        SeedApi.Post(owner, $"/v1/projects/{projectId}/members", new { userId, role });
}
