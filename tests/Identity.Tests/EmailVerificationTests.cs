using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using TaskFlow.TestKit;

namespace TaskFlow.Identity.Tests;

public abstract class EmailVerificationTests(TaskFlowApp app) : IdentityTestBase(app)
{
    [Fact]
    public async Task Verify_with_the_mailed_token_marks_the_email_verified()
    {
        var user = await NewUser();
        var token = await MailedToken("EmailVerificationRequested", user.Email);

        Assert.Equal(HttpStatusCode.NoContent, (await Post("/v1/auth/email/verify", new { token })).StatusCode);

        var access = await Accounts.SignIn(Client, user.Email, user.Password);
        Assert.Equal("true", new JsonWebToken(access).GetClaim("email_verified").Value);
        var me = await Json(await App.Authorized(access).GetAsync("/v1/users/me", Ct));
        Assert.True(me.GetProperty("emailVerified").GetBoolean());
        // Single use.
        await AssertValidation(await Post("/v1/auth/email/verify", new { token }), "token");
    }

    [Fact]
    public async Task Verify_with_a_missing_unknown_or_expired_token_is_400()
    {
        var user = await NewUser();
        var token = await MailedToken("EmailVerificationRequested", user.Email);
        await Db(db => db.UserTokens.Where(t => t.UserId == user.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddSeconds(-1)), Ct));

        await AssertValidation(await Post("/v1/auth/email/verify", new { }), "token");
        await AssertValidation(await Post("/v1/auth/email/verify", new { token = "unknown-token" }), "token");
        await AssertValidation(await Post("/v1/auth/email/verify", new { token }), "token");
        Assert.False(await Db(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.EmailVerified).SingleAsync(Ct)));
    }

    [Fact]
    public async Task Resend_publishes_a_new_token_until_the_email_is_verified()
    {
        var user = await NewUser();
        var client = App.Authorized(await Accounts.SignIn(Client, user.Email, user.Password));
        var first = await MailedToken("EmailVerificationRequested", user.Email);

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/v1/auth/email/verification", null, Ct)).StatusCode);
        var second = await MailedToken("EmailVerificationRequested", user.Email);
        Assert.NotEqual(first, second);

        Assert.Equal(HttpStatusCode.NoContent, (await Post("/v1/auth/email/verify", new { token = second })).StatusCode);
        await AssertProblem(await client.PostAsync("/v1/auth/email/verification", null, Ct), HttpStatusCode.Conflict, "email-already-verified");
    }

    [Fact]
    public async Task Resend_needs_a_valid_access_token()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.PostAsync("/v1/auth/email/verification", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Authorized("bad").PostAsync("/v1/auth/email/verification", null, Ct)).StatusCode);
    }
}

public sealed class SqliteEmailVerificationTests(SqliteApp app) : EmailVerificationTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresEmailVerificationTests(PostgresApp app) : EmailVerificationTests(app), IClassFixture<PostgresApp>;
