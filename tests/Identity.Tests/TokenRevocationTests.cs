using System.Net;
using System.Net.Http.Headers;
using TaskFlow.TestKit;

namespace TaskFlow.Identity.Tests;

/// <summary>
/// Logout, password reset and refresh-token reuse end the session's access tokens at once, in every service of the
/// process (identity and tasks here), not when the token expires.
/// </summary>
public abstract class TokenRevocationTests(TaskFlowApp app) : IdentityTestBase(app)
{
    const string NewPassword = "brand-New-secret-42";

    async Task<HttpStatusCode> Status(string accessToken, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await Client.SendAsync(request, Ct);
        return response.StatusCode;
    }

    /// <summary>An identity endpoint and a tasks endpoint (the project does not exist: 404 when signed in, 401 when not).</summary>
    async Task AssertAccepted(string accessToken)
    {
        Assert.Equal(HttpStatusCode.OK, await Status(accessToken, "/v1/users/me"));
        Assert.NotEqual(HttpStatusCode.Unauthorized, await Status(accessToken, $"/v1/projects/{Guid.NewGuid()}/tasks"));
    }

    async Task AssertRefused(string accessToken)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await Status(accessToken, "/v1/users/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Status(accessToken, $"/v1/projects/{Guid.NewGuid()}/tasks"));
    }

    [Fact]
    public async Task After_logout_the_old_access_token_is_refused_at_once_and_other_sessions_keep_working()
    {
        var user = await NewUser();
        var session = await Login(user);
        var other = await Login(user);
        var access = session.GetProperty("accessToken").GetString()!;
        await AssertAccepted(access);

        Assert.Equal(HttpStatusCode.NoContent, (await Post("/v1/auth/logout", new { refreshToken = session.GetProperty("refreshToken").GetString() })).StatusCode);

        await AssertRefused(access);
        await AssertAccepted(other.GetProperty("accessToken").GetString()!);
    }

    [Fact]
    public async Task After_a_password_reset_every_old_access_token_is_refused_at_once()
    {
        var user = await NewUser();
        var first = (await Login(user)).GetProperty("accessToken").GetString()!;
        var second = (await Login(user)).GetProperty("accessToken").GetString()!;
        await Post("/v1/auth/password/forgot", new { email = user.Email });
        var token = await MailedToken("PasswordResetRequested", user.Email);

        Assert.Equal(HttpStatusCode.NoContent, (await Post("/v1/auth/password/reset", new { token, newPassword = NewPassword })).StatusCode);

        await AssertRefused(first);
        await AssertRefused(second);
        await AssertAccepted((await Login(user, NewPassword)).GetProperty("accessToken").GetString()!);
    }

    [Fact]
    public async Task Reusing_a_refresh_token_refuses_the_sessions_access_tokens_at_once()
    {
        var user = await NewUser();
        var session = await Login(user);
        var used = session.GetProperty("refreshToken").GetString();
        var rotated = await Post("/v1/auth/refresh", new { refreshToken = used });
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var current = (await Json(rotated)).GetProperty("accessToken").GetString()!;
        await AssertAccepted(current);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("/v1/auth/refresh", new { refreshToken = used })).StatusCode);

        await AssertRefused(current);
        await AssertRefused(session.GetProperty("accessToken").GetString()!);
    }
}

public sealed class SqliteTokenRevocationTests(SqliteApp app) : TokenRevocationTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresTokenRevocationTests(PostgresApp app) : TokenRevocationTests(app), IClassFixture<PostgresApp>;
