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
        await page.GotoAsync("/settings");
        await BrowserTests.Interactive(page.GetByTestId("download-data"));

        // Download my data: a JSON file with the profile.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download my data" }).ClickAsync());
        Assert.Equal("taskflow-account.json", download.SuggestedFilename);
        var text = await File.ReadAllTextAsync(await download.PathAsync(), Ct);
        Assert.Contains(email, text, StringComparison.Ordinal);
        Assert.Contains("Lea Leaver", text, StringComparison.Ordinal);

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
