using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static TaskFlow.Web.Tests.Ui;

namespace TaskFlow.Web.Tests;

/// <summary>
/// A team's first day, as two people do it in Chromium with the mouse and the keyboard only: the lead signs up, creates
/// a workspace and a project, sets up a label and a cycle, and invites a teammate, who signs up from the mailed link.
/// Both work on one board: the lead assigns the teammate and comments in Markdown with a mention; the teammate drags
/// the card, renames it with one click on Save, and opens the notifications from the bell; the lead signs out from the
/// account menu. A journey: test.sh runs it on the development build and again on the published (trimmed) build, and
/// any console error fails it (BrowserFixture).
/// </summary>
[Trait("Category", "Browser")]
[Trait("Category", "Journey")]
[Collection(BrowserCollection.Name)]
public sealed class TeamJourneyTests(BrowserFixture fixture)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_lead_and_an_invited_teammate_set_up_and_share_a_board_from_sign_up_to_sign_out()
    {
        var leadEmail = $"lead-{Guid.NewGuid():n}@example.com";
        var mateEmail = $"mate-{Guid.NewGuid():n}@example.com";

        // The lead signs up and creates the workspace and the project.
        var lead = await fixture.NewPage(1440, 900);
        await BrowserTests.SignUp(lead, leadEmail, "Lena Lead");
        await BrowserTests.Interactive(lead.GetByTestId("create-workspace"));
        await lead.Locator("#workspace-name").FillAsync("Rocket Team");
        await lead.GetByTestId("create-workspace").ClickAsync();
        await Expect(lead).ToHaveURLAsync(new Regex("/workspaces/[0-9a-f-]{36}$"));
        var workspaceId = Guid.Parse(lead.Url[^36..]);
        await lead.Locator("#project-name").FillAsync("Launch");
        await lead.Locator("#project-key").FillAsync("LCH");
        await lead.GetByTestId("create-project").ClickAsync();
        await Expect(lead).ToHaveURLAsync(new Regex("/projects/[0-9a-f-]{36}$"));
        var projectId = Guid.Parse(lead.Url[^36..]);
        await Expect(lead.GetByTestId("board-column")).ToHaveCountAsync(5, new() { Timeout = 60_000 });
        await Accessibility.AssertNoSeriousViolations(lead);

        // Project settings: a label and a cycle.
        await lead.GetByTestId("project-settings-link").ClickAsync();
        await Expect(lead).ToHaveURLAsync(new Regex($"/projects/{projectId}/settings$"));
        await BrowserTests.Interactive(lead.GetByTestId("create-label"));
        await lead.Locator("#new-label-name").FillAsync("Bug");
        await lead.Locator("#new-label-color").FillAsync("#d32f2f");
        await lead.GetByTestId("create-label").ClickAsync();
        await Expect(lead.Locator("[data-testid=label-row][data-name='Bug']")).ToBeVisibleAsync();
        await lead.Locator("#new-cycle-name").FillAsync("Sprint 1");
        await lead.Locator("#new-cycle-start").FillAsync("2027-01-04");
        await lead.Locator("#new-cycle-end").FillAsync("2027-01-15");
        await lead.GetByTestId("create-cycle").ClickAsync();
        await Expect(lead.Locator("[data-testid=cycle-row][data-name='Sprint 1']")).ToBeVisibleAsync();
        await Expect(lead.GetByTestId("add-status")).ToBeEnabledAsync();
        await Accessibility.AssertNoSeriousViolations(lead);

        // Workspace settings: the invitation.
        await lead.GotoAsync($"/workspaces/{workspaceId}");
        await BrowserTests.Interactive(lead.GetByTestId("workspace-settings-link"));
        await lead.GetByTestId("workspace-settings-link").ClickAsync();
        await Expect(lead).ToHaveURLAsync(new Regex($"/workspaces/{workspaceId}/settings$"));
        await BrowserTests.Interactive(lead.GetByTestId("settings-invite"));
        await lead.Locator("#settings-invite-email").FillAsync(mateEmail);
        await lead.GetByTestId("settings-invite").ClickAsync();
        await Expect(lead.GetByText($"Invitation sent to {mateEmail}.")).ToBeVisibleAsync();
        await Expect(lead.Locator($"[data-testid=invitation-row][data-email='{mateEmail}']")).ToContainTextAsync("member");
        await Accessibility.AssertNoSeriousViolations(lead);

        // The teammate has no account: signs up from the mailed link and lands in the workspace as a member.
        var mate = await fixture.NewPage(1440, 900);
        await mate.GotoAsync(await fixture.MailedLink(mateEmail, "/invitations/accept"));
        await Expect(mate).ToHaveURLAsync(new Regex("/signin\\?returnUrl="), new() { Timeout = 60_000 });
        await mate.GetByTestId("signup-link").ClickAsync();
        await SettingsBrowserTests.FillSignUp(mate, "Milo Mate", mateEmail);
        await Expect(mate).ToHaveURLAsync(new Regex($"/workspaces/{workspaceId}$"), new() { Timeout = 60_000 });
        await mate.GetByTestId("project-item").Filter(new() { HasText = "Launch" }).ClickAsync(new() { Timeout = 60_000 });
        await Expect(mate).ToHaveURLAsync(new Regex($"/projects/{projectId}$"));
        var mateTodo = Column(mate, "Todo");
        await Expect(mateTodo).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(mate.GetByTestId("read-only")).ToHaveCountAsync(0);

        // The lead adds a task on the board; it shows on the teammate's board without a reload.
        await lead.GotoAsync($"/projects/{projectId}");
        var leadTodo = Column(lead, "Todo");
        var quickAdd = leadTodo.Locator("input");
        await quickAdd.ClickAsync(new() { Timeout = 60_000 });
        await quickAdd.FillAsync("Fuel the rocket");
        await quickAdd.PressAsync("Enter");
        var leadCard = leadTodo.GetByTestId("task-card").Filter(new() { HasText = "Fuel the rocket" });
        await Expect(leadCard).ToBeVisibleAsync();
        await Expect(mateTodo.GetByTestId("task-card").Filter(new() { HasText = "Fuel the rocket" })).ToBeVisibleAsync(new() { Timeout = 60_000 });

        // The lead opens it, assigns the teammate and comments in Markdown with a mention picked by name.
        await leadCard.ClickAsync();
        await Expect(lead).ToHaveURLAsync(new Regex("/tasks/[0-9a-f-]{36}$"));
        var taskId = Guid.Parse(lead.Url[^36..]);
        await Expect(lead.Locator("#panel-title")).ToHaveValueAsync("Fuel the rocket", new() { Timeout = 60_000 });
        await Choose(lead, Select(lead, "panel-assignees-input"), "Milo Mate");
        await lead.Keyboard.PressAsync("Escape");
        using var api = fixture.Host.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Accounts.SignIn(api, leadEmail, BrowserTests.Password));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await api.GetFromJsonAsync<JsonElement>($"/v1/tasks/{taskId}", Ct)).GetProperty("assigneeIds").GetArrayLength() != 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the assignee picked in the panel was not saved");
            await Task.Delay(200, Ct);
        }
        var box = lead.Locator("#panel-comment");
        await box.ClickAsync();
        await box.PressSequentiallyAsync("Needs **liquid oxygen**, @mil");
        await lead.GetByTestId("mention-option").Filter(new() { HasText = "Milo Mate" }).ClickAsync();
        await Expect(box).ToBeFocusedAsync();
        await lead.Keyboard.TypeAsync("please check.");
        await lead.GetByTestId("comment-add").ClickAsync();
        var comment = lead.GetByTestId("comment").Filter(new() { HasText = "Needs" });
        await Expect(comment.Locator("[data-testid=markdown-preview] strong")).ToHaveTextAsync("liquid oxygen");
        await Accessibility.AssertNoSeriousViolations(lead);

        // The teammate's bell counts the assignment and the mention; opening one from the bell opens the task.
        var bell = mate.GetByTestId("bell");
        await Expect(mate.GetByTestId("bell-badge").Locator(".mud-badge")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await bell.ClickAsync();
        var notifications = mate.GetByTestId("notifications");
        await Expect(notifications).ToBeVisibleAsync();
        var mention = notifications.GetByTestId("notification").Filter(new() { HasTextRegex = new Regex("mention", RegexOptions.IgnoreCase) });
        await Expect(mention).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Expect(notifications.GetByTestId("notification").Filter(new() { HasTextRegex = new Regex("assign", RegexOptions.IgnoreCase) })).ToHaveCountAsync(1);
        await mention.ClickAsync();
        await Expect(mate).ToHaveURLAsync(new Regex($"/tasks/{taskId}$"));
        await Expect(mate.GetByTestId("comment").Filter(new() { HasText = "Needs" }).Locator("[data-testid=markdown-preview] strong"))
            .ToHaveTextAsync("liquid oxygen", new() { Timeout = 60_000 });

        // The teammate renames the task with one click on Save, closes the panel and drags the card to Done.
        var title = mate.Locator("#panel-title");
        await title.ClickAsync();
        await title.FillAsync("Fuel the rocket with LOX");
        await mate.GetByTestId("panel-save").ClickAsync();
        await Expect(mate.GetByTestId("panel-save-state")).ToHaveTextAsync("Saved");
        await mate.GetByTestId("panel-close").ClickAsync();
        await Expect(mate).ToHaveURLAsync(new Regex($"/projects/{projectId}$"));
        var mateCard = mateTodo.GetByTestId("task-card").Filter(new() { HasText = "Fuel the rocket with LOX" });
        await Expect(mateCard).ToBeVisibleAsync();
        var moved = await mate.RunAndWaitForResponseAsync(
            () => mateCard.DragToAsync(Column(mate, "Done").Locator(".board-dropzone")),
            r => r.Url.EndsWith("/move", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal(200, moved.Status);

        // The lead sees both changes live.
        await lead.GetByTestId("panel-close").ClickAsync();
        await Expect(Column(lead, "Done").GetByTestId("task-card").Filter(new() { HasText = "Fuel the rocket with LOX" })).ToBeVisibleAsync(new() { Timeout = 60_000 });

        // What the server kept.
        var task = await api.GetFromJsonAsync<JsonElement>($"/v1/tasks/{taskId}", Ct);
        Assert.Equal("Fuel the rocket with LOX", task.GetProperty("title").GetString());
        Assert.Single(task.GetProperty("assigneeIds").EnumerateArray());
        await BrowserTests.Shot(lead, "journey-lead-board");

        // The lead signs out from the account menu.
        await lead.GetByTestId("user-menu").ClickAsync();
        await lead.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out" }).ClickAsync();
        await Expect(lead.GetByTestId("user-menu")).ToHaveCountAsync(0);
        await lead.GotoAsync($"/projects/{projectId}");
        await Expect(lead).ToHaveURLAsync(new Regex("/signin"), new() { Timeout = 60_000 });
    }
}
