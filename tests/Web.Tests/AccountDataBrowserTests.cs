using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TaskFlow.Web.Tests;

/// <summary>Account settings: download my data, and delete the account behind a password confirmation.</summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class AccountDataBrowserTests(BrowserFixture fixture)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_user_downloads_their_data_then_deletes_the_account_with_their_password()
    {
        var email = $"leaver-{Guid.NewGuid():n}@example.com";
        var page = await fixture.NewPage();
        await BrowserTests.SignUp(page, email, "Lea Leaver");
        using (var api = fixture.Host.CreateClient())
        {
            api.DefaultRequestHeaders.Authorization = new("Bearer", await Accounts.SignIn(api, email, BrowserTests.Password));
            var workspaceId = await SeedApi.Create(api, "/v1/workspaces", new { name = "Lea's Loom" }, Ct);
            var projectId = await SeedApi.Create(api, $"/v1/workspaces/{workspaceId}/projects", new { name = "Weaving", key = "WV" }, Ct);
            var taskId = await SeedApi.Create(api, $"/v1/projects/{projectId}/tasks", new { title = "Spin the yarn" }, Ct);
            await SeedApi.Create(api, $"/v1/tasks/{taskId}/comments", new { body = "Wool, not cotton." }, Ct);
        }
        await page.GotoAsync("/settings");
        await BrowserTests.Interactive(page.GetByTestId("download-data"));

        // Download my data: one JSON file with the account (profile, sessions), workspaces, tasks and comments, notifications and their settings.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download my data" }).ClickAsync());
        Assert.Equal("taskflow-my-data.json", download.SuggestedFilename);
        using (var data = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(await download.PathAsync(), Ct)))
        {
            var root = data.RootElement;
            var profile = root.GetProperty("account").GetProperty("profile");
            Assert.Equal(email, profile.GetProperty("email").GetString());
            Assert.Equal("Lea Leaver", profile.GetProperty("displayName").GetString());
            Assert.NotEmpty(root.GetProperty("account").GetProperty("sessions").EnumerateArray());
            Assert.Contains(root.GetProperty("workspaces").EnumerateArray(), w => w.GetProperty("name").GetString() == "Lea's Loom");
            Assert.Equal("Spin the yarn", Assert.Single(root.GetProperty("tasksAndComments").GetProperty("tasks").EnumerateArray()).GetProperty("title").GetString());
            Assert.Equal("Wool, not cotton.", Assert.Single(root.GetProperty("tasksAndComments").GetProperty("comments").EnumerateArray()).GetProperty("body").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Array, root.GetProperty("notifications").ValueKind);
            Assert.True(root.GetProperty("notificationPreferences").TryGetProperty("mentioned", out _), "the preferences per kind");
            Assert.Equal(System.Text.Json.JsonValueKind.Object, root.GetProperty("notificationDelivery").ValueKind);
        }

        // Delete account asks for the password; a wrong one is refused beside the field.
        BrowserFixture.AllowConsoleError(page, @"status of 400 .*/v1/users/me");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Delete your account?" })).ToBeVisibleAsync();
        var password = page.GetByLabel("Your password");
        await password.FillAsync("not-my-password-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();
        await Expect(page.GetByText("The password is wrong.")).ToBeVisibleAsync();

        await password.FillAsync(BrowserTests.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));

        // The account is gone: signing in with it fails.
        using var http = fixture.Host.CreateClient();
        using var login = await http.PostAsJsonAsync("/v1/auth/login", new { email, password = BrowserTests.Password }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }
}
