using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using TaskFlow.Identity.Security;
using TaskFlow.TestKit;

namespace TaskFlow.Identity.Tests;

/// <summary>Register and login, lockout.</summary>
public abstract class AuthTests(TaskFlowApp app) : IdentityTestBase(app)
{
    [Fact]
    public async Task Register_creates_the_account_with_a_location()
    {
        var email = $"Alice-{Guid.NewGuid():N}@Example.test";
        var response = await Post("/v1/auth/register", new { email, password = "correct-Horse-battery-9", displayName = " Alice " });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json(response);
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal(email, body.GetProperty("email").GetString());
        Assert.Equal("Alice", body.GetProperty("displayName").GetString());
        Assert.Equal($"/v1/users/{id}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Register_with_invalid_fields_names_each_field()
    {
        var response = await Post("/v1/auth/register", new { email = "not-an-email", password = "short" });
        await AssertValidation(response, "email", "password", "displayName");

        response = await Post("/v1/auth/register", new { });
        await AssertValidation(response, "email", "password", "displayName");
    }

    [Theory]
    [InlineData("short-9")]
    [InlineData("aaaaaaaaaaaa")]
    [InlineData("Password123")]
    [InlineData("qwertyuiop")]
    public async Task Register_rejects_weak_passwords(string password)
    {
        var response = await Post("/v1/auth/register", new { email = $"weak-{Guid.NewGuid():N}@example.test", password, displayName = "Weak" });
        await AssertValidation(response, "password");
    }

    [Fact]
    public async Task Register_with_a_taken_email_in_another_case_is_409_and_leaves_the_first_account_unchanged()
    {
        var first = await NewUser($"taken-{Guid.NewGuid():N}@example.test");
        var response = await Post("/v1/auth/register", new { email = first.Email.ToUpperInvariant(), password = "another-Password-77", displayName = "Intruder" });
        await AssertProblem(response, HttpStatusCode.Conflict, "email-taken");

        var me = await Json(await App.Authorized(await Accounts.SignIn(Client, first.Email, first.Password)).GetAsync("/v1/users/me", Ct));
        Assert.Equal("Test User", me.GetProperty("displayName").GetString());
        var other = await Post("/v1/auth/login", new { email = first.Email, password = "another-Password-77" });
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        Assert.Equal(1, await Db(db => db.Users.CountAsync(u => u.NormalizedEmail == first.Email.ToLowerInvariant(), Ct)));
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_email_create_one_account()
    {
        var email = $"race-{Guid.NewGuid():N}@example.test";
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            Post("/v1/auth/register", new { email = i % 2 == 0 ? email : email.ToUpperInvariant(), password = "correct-Horse-battery-9", displayName = $"Racer {i}" })));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(1, await Db(db => db.Users.CountAsync(u => u.NormalizedEmail == email, Ct)));
    }

    [Fact]
    public async Task Register_publishes_UserRegistered_and_EmailVerificationRequested()
    {
        var user = await NewUser();
        var registered = await LatestEvent("UserRegistered", user.Email);
        Assert.NotNull(registered);
        Assert.Equal(user.Id, registered.Value.GetProperty("userId").GetGuid());
        Assert.Equal("Test User", registered.Value.GetProperty("displayName").GetString());
        var verification = await LatestEvent("EmailVerificationRequested", user.Email);
        Assert.NotNull(verification);
        Assert.Matches("^[A-Za-z0-9_-]{43,}$", verification.Value.GetProperty("token").GetString());
        Assert.True(verification.Value.GetProperty("expiresAt").GetDateTime() > DateTime.UtcNow);
    }

    [Fact]
    public async Task Passwords_are_stored_as_versioned_pbkdf2_hashes()
    {
        var user = await NewUser();
        var hash = await Db(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.PasswordHash).SingleAsync(Ct));
        Assert.StartsWith("$pbkdf2-sha512$v=1$i=210000$", hash, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Password, hash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_returns_a_bearer_pair_with_the_contract_claims()
    {
        var user = await NewUser();
        var tokens = await Login(user);
        Assert.Equal("Bearer", tokens.GetProperty("tokenType").GetString());
        Assert.Equal(900, tokens.GetProperty("expiresIn").GetInt32());
        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("refreshToken").GetString()));

        var jwt = new JsonWebToken(tokens.GetProperty("accessToken").GetString());
        Assert.Equal("ES256", jwt.Alg);
        Assert.False(string.IsNullOrEmpty(jwt.Kid));
        Assert.Equal("taskflow", jwt.Issuer);
        Assert.Contains("taskflow-api", jwt.Audiences);
        Assert.Equal(user.Id.ToString(), jwt.Subject);
        Assert.Equal(user.Email, jwt.GetClaim("email").Value);
        Assert.Equal("Test User", jwt.GetClaim("name").Value);
        Assert.Equal("false", jwt.GetClaim("email_verified").Value);
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.Equal(TimeSpan.FromMinutes(15), jwt.ValidTo - jwt.IssuedAt);
    }

    [Fact]
    public async Task Login_with_missing_fields_names_them()
    {
        await AssertValidation(await Post("/v1/auth/login", new { }), "email", "password");
        await AssertValidation(await Post("/v1/auth/login", new { email = "a@example.test" }), "password");
    }

    [Fact]
    public async Task Login_failure_is_the_same_for_an_unknown_email_and_a_wrong_password()
    {
        var user = await NewUser();
        var wrongPassword = await AssertProblem(await Post("/v1/auth/login", new { email = user.Email, password = "wrong-Password-123" }), HttpStatusCode.Unauthorized, "invalid-credentials");
        var unknownEmail = await AssertProblem(await Post("/v1/auth/login", new { email = $"nobody-{Guid.NewGuid():N}@example.test", password = "wrong-Password-123" }), HttpStatusCode.Unauthorized, "invalid-credentials");

        Assert.Equal(WithoutTraceId(wrongPassword), WithoutTraceId(unknownEmail));
    }

    static string WithoutTraceId(System.Text.Json.JsonElement problem) =>
        string.Join(';', problem.EnumerateObject().Where(p => p.Name != "traceId").Select(p => $"{p.Name}={p.Value}"));

    [Fact]
    public async Task A_locked_account_answers_exactly_like_an_unknown_email_even_to_the_right_password()
    {
        var user = await NewUser();
        for (var i = 0; i < 4; i++)
            await AssertProblem(await Post("/v1/auth/login", new { email = user.Email, password = "wrong-Password-123" }), HttpStatusCode.Unauthorized);
        var unknown = await Post("/v1/auth/login", new { email = $"nobody-{Guid.NewGuid():N}@example.test", password = "wrong-Password-123" });
        var unknownBody = WithoutTraceId(await AssertProblem(unknown, HttpStatusCode.Unauthorized, "invalid-credentials"));

        // The fifth failure locks the account; that answer, and every answer while locked, is the unknown email's.
        foreach (var password in new[] { "wrong-Password-123", "wrong-Password-123", user.Password })
        {
            var answer = await Post("/v1/auth/login", new { email = user.Email, password });
            Assert.Equal(unknownBody, WithoutTraceId(await AssertProblem(answer, HttpStatusCode.Unauthorized, "invalid-credentials")));
            Assert.False(answer.Headers.Contains("Retry-After"));
        }
        Assert.NotNull(await Db(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.LockedUntil).SingleAsync(Ct)));

        // Once the lock has run out, the right password works again.
        await Db(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.LockedUntil, DateTime.UtcNow.AddSeconds(-1)), Ct));
        await Login(user);
    }

    [Fact]
    public async Task A_successful_login_resets_the_failure_count()
    {
        var user = await NewUser();
        for (var i = 0; i < 4; i++) await Post("/v1/auth/login", new { email = user.Email, password = "wrong-Password-123" });
        await Login(user);
        for (var i = 0; i < 4; i++)
            await AssertProblem(await Post("/v1/auth/login", new { email = user.Email, password = "wrong-Password-123" }), HttpStatusCode.Unauthorized);
        await Login(user);
    }

    [Fact]
    public async Task Login_rehashes_a_password_hashed_with_outdated_parameters()
    {
        var user = await NewUser();
        var old = PasswordHasher.Hash(user.Password, 100_000);
        await Db(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, old), Ct));

        await Login(user);

        var hash = await Db(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.PasswordHash).SingleAsync(Ct));
        Assert.StartsWith("$pbkdf2-sha512$v=1$i=210000$", hash, StringComparison.Ordinal);
        await Login(user);
    }
}

public sealed class SqliteAuthTests(SqliteApp app) : AuthTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresAuthTests(PostgresApp app) : AuthTests(app), IClassFixture<PostgresApp>;
