using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TaskFlow.Notifications.Delivery;
using TaskFlow.TestKit;

namespace TaskFlow.Notifications.Tests;

/// <summary>A clock the tests move forward (quiet hours ending, digest periods passing) instead of waiting.</summary>
public sealed class TestClock : TimeProvider
{
    long offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));
}

/// <summary>
/// The all-in-one host for the channel tests: test tokens (any user, any verified email), one platform admin,
/// the local SMS provider, fast retries and digest checks, and a clock the test controls.
/// </summary>
public class ChannelsApp(Provider provider) : TestTokenApp(provider)
{
    public const string PublicUrl = "https://app.taskflow.test";
    public const string AdminEmail = "admin@taskflow.test";

    public TestClock Clock { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("App:PublicUrl", PublicUrl),
        new("Platform:AdminEmails", "someone@else.test, " + AdminEmail),
        new("Notifications:Email:PollInterval", "00:00:00.100"),
        new("Notifications:Sms:PollInterval", "00:00:00.100"),
        new("Notifications:Sms:RetryBaseDelay", "00:00:00.100"),
        new("Notifications:Sms:RetryMaxDelay", "00:00:00.300"),
        new("Notifications:Sms:MaxAttempts", "3"),
        new("Notifications:Digest:CheckInterval", "00:00:00.100"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton(new NotificationClock(Clock)));
    }
}

public sealed class SqliteChannelsApp() : ChannelsApp(Provider.Sqlite);

public sealed class PostgresChannelsApp() : ChannelsApp(Provider.Postgres);

/// <summary>Sends email through SMTP to a port where no sink listens until the test starts one; few attempts; test tokens and an admin.</summary>
public class SmtpDeadLetterApp(Provider provider) : SmtpApp(provider)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        base.Settings.Where(s => s.Key != "Notifications:Email:MaxAttempts")
            .Append(new("Notifications:Email:MaxAttempts", "2"))
            .Append(new("Platform:AdminEmails", ChannelsApp.AdminEmail));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<BuildingBlocks.Web.ISigningKeySource>(new TestKeys(TestTokens.PublicKey)));
    }
}

public sealed class SqliteSmtpDeadLetterApp() : SmtpDeadLetterApp(Provider.Sqlite);

public sealed class PostgresSmtpDeadLetterApp() : SmtpDeadLetterApp(Provider.Postgres);

/// <summary>The host sending SMS through the Twilio-shaped HTTP provider, pointed at a <see cref="FakeTwilio"/> it starts first.</summary>
public class TwilioApp(Provider provider) : TestTokenApp(provider)
{
    public FakeTwilio Twilio { get; } = FakeTwilio.Start();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("App:PublicUrl", ChannelsApp.PublicUrl),
        new("Platform:AdminEmails", ChannelsApp.AdminEmail),
        new("Notifications:Sms:Provider", "twilio"),
        new("Notifications:Sms:From", "+15005550006"),
        new("Notifications:Sms:Twilio:BaseUrl", Twilio.BaseUrl),
        new("Notifications:Sms:Twilio:AccountSid", FakeTwilio.AccountSid),
        new("Notifications:Sms:Twilio:AuthToken", FakeTwilio.AuthToken),
        new("Notifications:Sms:PollInterval", "00:00:00.100"),
        new("Notifications:Sms:RetryBaseDelay", "00:00:00.100"),
        new("Notifications:Sms:RetryMaxDelay", "00:00:00.300"),
        new("Notifications:Sms:MaxAttempts", "5"),
    ];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Twilio.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteTwilioApp() : TwilioApp(Provider.Sqlite);

public sealed class PostgresTwilioApp() : TwilioApp(Provider.Postgres);

/// <summary>
/// A real HTTP server (Kestrel on a free port) that answers like Twilio's Messages API: basic auth with the account SID
/// and token (else 401, code 20003), 201 with a <c>sid</c>, 400 with code 21211 for an invalid 'To' number, and
/// 500 (code 20500) for the next <see cref="FailNext"/> requests.
/// </summary>
public sealed class FakeTwilio : IAsyncDisposable
{
    public const string AccountSid = "AC00000000000000000000000000000001";
    public const string AuthToken = "test-auth-token";

    readonly WebApplication app;
    int failNext;

    FakeTwilio(WebApplication app) => this.app = app;

    public sealed record Request(string Path, string? Authorization, string To, string From, string Body, int Status);

    public ConcurrentQueue<Request> Requests { get; } = new();

    public string BaseUrl => app.Urls.First();

    public int FailNext
    {
        get => Volatile.Read(ref failNext);
        set => Volatile.Write(ref failNext, value);
    }

    public static FakeTwilio Start()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeTwilio(app);
        app.MapPost("/2010-04-01/Accounts/{sid}/Messages.json", fake.Handle);
        app.StartAsync().GetAwaiter().GetResult();
        return fake;
    }

    async Task<IResult> Handle(string sid, HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var auth = request.Headers.Authorization.ToString();
        string to = form["To"].ToString(), from = form["From"].ToString(), body = form["Body"].ToString();
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
        IResult result;
        int status;
        if (sid != AccountSid || auth != expected)
            (status, result) = (401, Error(401, 20003, "Authenticate"));
        else if (Interlocked.Decrement(ref failNext) >= 0)
            (status, result) = (500, Error(500, 20500, "An internal server error has occurred"));
        else if (!System.Text.RegularExpressions.Regex.IsMatch(to, @"^\+[1-9][0-9]{7,14}$") || to == "+15005550001")
            (status, result) = (400, Error(400, 21211, $"The 'To' number {to} is not a valid phone number."));
        else
        {
            var messageSid = "SM" + Guid.NewGuid().ToString("N");
            (status, result) = (201, Results.Json(new Dictionary<string, object?>
            {
                ["sid"] = messageSid, ["status"] = "queued", ["to"] = to, ["from"] = from, ["body"] = body,
                ["date_created"] = DateTime.UtcNow.ToString("R", CultureInfo.InvariantCulture), ["account_sid"] = sid,
            }, statusCode: 201));
        }
        if (failNext < 0) Interlocked.Exchange(ref failNext, 0);
        Requests.Enqueue(new Request(request.Path, auth, to, from, body, status));
        return result;
    }

    static IResult Error(int status, int code, string message) => Results.Json(new Dictionary<string, object?>
    {
        ["code"] = code, ["message"] = message, ["more_info"] = $"https://www.twilio.com/docs/errors/{code}", ["status"] = status,
    }, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>Helpers shared by the channel tests.</summary>
static class Channels
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed record Person(TestUser User, HttpClient Client)
    {
        public Guid Id => User.Id;
        public string Email => User.Email;
    }

    /// <summary>A user the notifications service knows (its local copy from UserRegistered) with a client holding their token.</summary>
    public static async Task<Person> NewPerson(this TaskFlowApp app, string name, string? email = null, bool emailVerified = true)
    {
        var user = TestUser.New(name);
        if (email is not null) user = user with { Email = email };
        var registered = new UserRegistered(user.Id, user.Email, name);
        await app.Publish(registered);
        await app.Handled(registered, "UserCopyHandler");
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(user, emailVerified));
        return new Person(user, client);
    }

    /// <summary>Waits until <paramref name="consumer"/> has handled the event: after that, what it did (or did not do) is final.</summary>
    public static Task Handled(this TaskFlowApp app, BuildingBlocks.Messaging.IntegrationEvent e, string consumer) =>
        Events.Eventually(() => app.Query(db => db.InboxMessages.AnyAsync(m => m.MessageId == e.EventId && m.Consumer == "notifications." + consumer, Ct)),
            handled => handled, $"{consumer} to handle {e.GetType().Name}");
}
