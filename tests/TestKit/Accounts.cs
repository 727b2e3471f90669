using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace TaskFlow.TestKit;

public sealed record RegisteredUser(Guid Id, string Email, string Password, string DisplayName);

/// <summary>An account that signed up and signed in through the identity API, and a client sending its access token.</summary>
public sealed record SignedInUser(Guid Id, string Email, string DisplayName, string AccessToken, HttpClient Client);

/// <summary>Creates accounts and signs in through the identity API (POST /v1/auth/register, /v1/auth/login).</summary>
public static partial class Accounts
{
    public static async Task<RegisteredUser> Register(HttpClient client, string? email = null, string password = "correct-Horse-battery-9", string displayName = "Test User")
    {
        email ??= $"user-{Guid.NewGuid():N}@example.test";
        using var response = await client.PostAsJsonAsync("/v1/auth/register", new { email, password, displayName });
        await EnsureSuccess(response, "register");
        var created = await response.Content.ReadFromJsonAsync<Created>() ?? throw new InvalidOperationException("Register returned no body.");
        return new RegisteredUser(created.Id, created.Email, password, created.DisplayName);
    }

    /// <summary>Signs in and returns the access token.</summary>
    public static async Task<string> SignIn(HttpClient client, string email, string password)
    {
        using var response = await client.PostAsJsonAsync("/v1/auth/login", new { email, password });
        await EnsureSuccess(response, "sign in");
        var tokens = await response.Content.ReadFromJsonAsync<Tokens>() ?? throw new InvalidOperationException("Login returned no body.");
        return tokens.AccessToken;
    }

    /// <summary>
    /// Registers, verifies the address with the token of the mailed link (read from the all-in-one mail sink) and signs
    /// in, all through the identity endpoints of <paramref name="app"/>, so the token is one the identity service issued.
    /// </summary>
    public static async Task<SignedInUser> SignUp(this TaskFlowApp app, string? email = null, string displayName = "Test User", bool verifyEmail = true)
    {
        using var anonymous = app.CreateClient();
        var user = await Register(anonymous, email, displayName: displayName);
        if (verifyEmail)
        {
            var mail = await app.WaitForMail(user.Email, m => VerifyLink().IsMatch(m.TextBody ?? ""));
            using var verified = await anonymous.PostAsJsonAsync("/v1/auth/email/verify", new { token = VerifyLink().Match(mail.TextBody!).Groups[1].Value });
            await EnsureSuccess(verified, "verify the email address");
        }
        var token = await SignIn(anonymous, user.Email, user.Password);
        return new SignedInUser(user.Id, user.Email, user.DisplayName, token, app.Authorized(token));
    }

    [GeneratedRegex("/verify-email\\?token=([A-Za-z0-9_-]+)")]
    private static partial Regex VerifyLink();

    /// <summary>A client that sends <paramref name="accessToken"/> as the bearer token.</summary>
    public static HttpClient Authorized(this WebApplicationFactory<Program> app, string accessToken)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    static async Task EnsureSuccess(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"Could not {what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    sealed record Created(Guid Id, string Email, string DisplayName);

    sealed record Tokens(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType);
}
