using System.Net;
using TaskFlow.TestKit;

namespace TaskFlow.Identity.Tests;

/// <summary>
/// Sign-in cannot be used to burn the server's CPU: attempts are limited per account (and per client address, tested with
/// real addresses in Scaled.Tests <c>SignInLimitTests</c>), and password hashing past its small concurrency limit is
/// answered 503 with Retry-After at once.
/// </summary>
public abstract class AbuseTests(TaskFlowApp app) : IdentityTestBase(app)
{
    [Fact]
    public async Task Sign_in_attempts_on_one_account_are_limited_with_retry_after()
    {
        var target = await NewUser();
        var other = await NewUser();
        for (var i = 0; i < AbuseApps.PerAccountPerMinute; i++)
        {
            var attempt = await Post("/v1/auth/login", new { email = target.Email, password = "wrong-Password-" + i });
            Assert.Equal(HttpStatusCode.Unauthorized, attempt.StatusCode);
        }

        var limited = await Post("/v1/auth/login", new { email = target.Email.ToUpperInvariant(), password = target.Password });
        await AssertProblem(limited, HttpStatusCode.TooManyRequests, "too-many-sign-ins");
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing.");

        // Another account is not affected.
        await Login(other);
    }

    [Fact]
    public async Task Password_hashing_past_its_limit_answers_503_with_retry_after_at_once()
    {
        var users = new List<RegisteredUser>();
        for (var i = 0; i < 12; i++) users.Add(await NewUser());

        var responses = await Task.WhenAll(users.Select(u => Post("/v1/auth/login", new { email = u.Email, password = u.Password })));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        var shed = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(shed);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var response in shed)
        {
            await AssertProblem(response, HttpStatusCode.ServiceUnavailable, "busy");
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing.");
        }
    }
}

static class AbuseApps
{
    public const int PerAccountPerMinute = 3;

    /// <summary>One hash at a time and no queue, so concurrent sign-ins must be shed; a small per-account limit.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Identity:LoginLimits:Enabled", "true"),
        new("Identity:LoginLimits:PerAccountPerMinute", PerAccountPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Identity:LoginLimits:PerAddressPerMinute", "1000"),
        new("Identity:Hashing:MaxConcurrent", "1"),
        new("Identity:Hashing:MaxQueued", "0"),
    ];
}

public sealed class AbuseSqliteApp() : TaskFlowApp(Provider.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => AbuseApps.Settings;
}

public sealed class AbusePostgresApp() : TaskFlowApp(Provider.Postgres)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => AbuseApps.Settings;
}

public sealed class SqliteAbuseTests(AbuseSqliteApp app) : AbuseTests(app), IClassFixture<AbuseSqliteApp>;

public sealed class PostgresAbuseTests(AbusePostgresApp app) : AbuseTests(app), IClassFixture<AbusePostgresApp>;
