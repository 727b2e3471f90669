using System.Net;
using Microsoft.EntityFrameworkCore;
using TaskFlow.TestKit;

namespace TaskFlow.Identity.Tests;

/// <summary>Forgot, reset and change password.</summary>
public abstract class PasswordTests(TaskFlowApp app) : IdentityTestBase(app)
{
    const string NewPassword = "brand-New-secret-42";

    [Fact]
    public async Task Forgot_is_202_for_known_and_unknown_emails_and_mails_only_known_ones()
    {
        var user = await NewUser();
        var unknown = $"nobody-{Guid.NewGuid():N}@example.test";
        Assert.Equal(HttpStatusCode.Accepted, (await Post("/v1/auth/password/forgot", new { email = user.Email.ToUpperInvariant() })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Post("/v1/auth/password/forgot", new { email = unknown })).StatusCode);

        var requested = await LatestEvent("PasswordResetRequested", user.Email);
        Assert.NotNull(requested);
        Assert.Equal(user.Id, requested.Value.GetProperty("userId").GetGuid());
        var expiresAt = requested.Value.GetProperty("expiresAt").GetDateTime();
        Assert.InRange(expiresAt, DateTime.UtcNow.AddMinutes(55), DateTime.UtcNow.AddMinutes(61));
        Assert.Null(await LatestEvent("PasswordResetRequested", unknown));
    }

    [Fact]
    public async Task Forgot_mails_one_address_at_most_three_times_an_hour_and_still_answers_202()
    {
        var user = await NewUser();
        for (var i = 0; i < 6; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await Post("/v1/auth/password/forgot", new { email = user.Email })).StatusCode);
        var sent = (await Events.All(App, "PasswordResetRequested")).Count(e => e.GetProperty("userId").GetGuid() == user.Id);
        Assert.Equal(3, sent);
    }

    [Fact]
    public async Task Forgot_takes_as_long_for_an_unknown_email_as_the_floor_for_a_known_one()
    {
        var user = await NewUser();
        foreach (var email in new[] { $"nobody-{Guid.NewGuid():N}@example.test", user.Email })
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            Assert.Equal(HttpStatusCode.Accepted, (await Post("/v1/auth/password/forgot", new { email })).StatusCode);
            // Identity:MailLimits:ForgotPasswordMinimumDuration, 300 ms by default; an unknown email used to answer in a few ms.
            Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(295), email);
        }
    }

    [Fact]
    public async Task Forgot_with_a_malformed_email_is_400()
    {
        await AssertValidation(await Post("/v1/auth/password/forgot", new { email = "nope" }), "email");
        await AssertValidation(await Post("/v1/auth/password/forgot", new { }), "email");
    }

    [Fact]
    public async Task Reset_sets_the_new_password_once_and_signs_out_every_session()
    {
        var user = await NewUser();
        var session = (await Login(user)).GetProperty("refreshToken").GetString();
        await Post("/v1/auth/password/forgot", new { email = user.Email });
        var token = await MailedToken("PasswordResetRequested", user.Email);

        Assert.Equal(HttpStatusCode.NoContent, (await Post("/v1/auth/password/reset", new { token, newPassword = NewPassword })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("/v1/auth/login", new { email = user.Email, password = user.Password })).StatusCode);
        await Login(user, NewPassword);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("/v1/auth/refresh", new { refreshToken = session })).StatusCode);
        // Single use.
        await AssertValidation(await Post("/v1/auth/password/reset", new { token, newPassword = "yet-Another-secret-7" }), "token");
        await Login(user, NewPassword);
    }

    [Fact]
    public async Task Reset_lifts_a_lockout()
    {
        var user = await NewUser();
        for (var i = 0; i < 5; i++) await Post("/v1/auth/login", new { email = user.Email, password = "wrong-Password-123" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("/v1/auth/login", new { email = user.Email, password = user.Password })).StatusCode);
        await Post("/v1/auth/password/forgot", new { email = user.Email });
        await Post("/v1/auth/password/reset", new { token = await MailedToken("PasswordResetRequested", user.Email), newPassword = NewPassword });
        await Login(user, NewPassword);
    }

    [Fact]
    public async Task Reset_with_an_expired_or_superseded_token_is_400_and_changes_nothing()
    {
        var user = await NewUser();
        await Post("/v1/auth/password/forgot", new { email = user.Email });
        var superseded = await MailedToken("PasswordResetRequested", user.Email);
        await Post("/v1/auth/password/forgot", new { email = user.Email });
        var expired = await MailedToken("PasswordResetRequested", user.Email);
        await Db(db => db.UserTokens.Where(t => t.UserId == user.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddSeconds(-1)), Ct));

        await AssertValidation(await Post("/v1/auth/password/reset", new { token = superseded, newPassword = NewPassword }), "token");
        await AssertValidation(await Post("/v1/auth/password/reset", new { token = expired, newPassword = NewPassword }), "token");
        await Login(user);
    }

    [Fact]
    public async Task Reset_validates_its_fields_without_using_the_token()
    {
        var user = await NewUser();
        await Post("/v1/auth/password/forgot", new { email = user.Email });
        var token = await MailedToken("PasswordResetRequested", user.Email);
        await AssertValidation(await Post("/v1/auth/password/reset", new { token, newPassword = "weak" }), "newPassword");
        await AssertValidation(await Post("/v1/auth/password/reset", new { }), "token", "newPassword");
        await AssertValidation(await Post("/v1/auth/password/reset", new { token = "bogus", newPassword = NewPassword }), "token");
        Assert.Equal(HttpStatusCode.NoContent, (await Post("/v1/auth/password/reset", new { token, newPassword = NewPassword })).StatusCode);
    }

    [Fact]
    public async Task Change_password_keeps_this_session_and_revokes_the_others()
    {
        var user = await NewUser();
        var current = await Login(user);
        var other = (await Login(user)).GetProperty("refreshToken").GetString();
        var client = App.Authorized(current.GetProperty("accessToken").GetString()!);

        var response = await Post("/v1/auth/password/change", new { currentPassword = user.Password, newPassword = NewPassword }, client);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("/v1/auth/refresh", new { refreshToken = other })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post("/v1/auth/refresh", new { refreshToken = current.GetProperty("refreshToken").GetString() })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("/v1/auth/login", new { email = user.Email, password = user.Password })).StatusCode);
        await Login(user, NewPassword);
    }

    [Fact]
    public async Task Change_password_with_a_wrong_current_password_is_400_and_changes_nothing()
    {
        var user = await NewUser();
        var client = App.Authorized(await Accounts.SignIn(Client, user.Email, user.Password));
        await AssertValidation(await Post("/v1/auth/password/change", new { currentPassword = "wrong-Password-123", newPassword = NewPassword }, client), "currentPassword");
        await AssertValidation(await Post("/v1/auth/password/change", new { currentPassword = user.Password, newPassword = "weak" }, client), "newPassword");
        await AssertValidation(await Post("/v1/auth/password/change", new { currentPassword = user.Password, newPassword = user.Password }, client), "newPassword");
        await AssertValidation(await Post("/v1/auth/password/change", new { }, client), "currentPassword", "newPassword");
        await Login(user);
    }

    [Fact]
    public async Task Change_password_needs_a_valid_access_token()
    {
        var body = new { currentPassword = "correct-Horse-battery-9", newPassword = NewPassword };
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("/v1/auth/password/change", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("/v1/auth/password/change", body, App.Authorized("not.a.token"))).StatusCode);
    }
}

public sealed class SqlitePasswordTests(SqliteApp app) : PasswordTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresPasswordTests(PostgresApp app) : PasswordTests(app), IClassFixture<PostgresApp>;
