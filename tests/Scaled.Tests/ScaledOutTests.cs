using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Scaled.Tests;

/// <summary>The host as real processes: restarts, and identity + notifications + gateway on PostgreSQL and RabbitMQ.</summary>
public sealed class ScaledOutTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    const string NotificationsQueue = "taskflow.notifications";

    [Fact]
    public async Task Host_stops_gracefully_on_sigterm_and_restarts_on_the_same_address()
    {
        await using var processes = new ProcessGroup();
        var host = await processes.Start("gateway", "gateway", []);

        await host.Stop();
        Assert.Contains("--- exited with code 0", host.Output, StringComparison.Ordinal);
        Assert.Contains("Application is shutting down", host.Output, StringComparison.Ordinal);

        await host.Start(Ct);
        using var client = host.CreateClient();
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Restart_keeps_accounts()
    {
        var dataDir = Servers.NewDataDir();
        try
        {
            await using var processes = new ProcessGroup();
            var host = await processes.Start("all", "all", [new("DataDir", dataDir), new("Data:Provider", "Sqlite")]);
            var email = Account.NewEmail();
            using (var client = host.CreateClient()) await Account.Register(client, email);

            await host.Restart(Ct);

            using var again = host.CreateClient();
            using var login = await Account.LogIn(again, email);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        finally
        {
            DeleteFolder(dataDir);
        }
    }

    [Fact]
    public async Task Scaled_out_register_login_me_and_welcome_email()
    {
        await using var scaled = await ScaledOut.Create();
        var identity = await scaled.StartIdentity();
        var notifications = await scaled.StartNotifications(identity);
        var gateway = await scaled.Processes.Start("gateway", "gateway",
        [
            new("Gateway:Services:identity", identity.BaseAddress.ToString()),
            new("Gateway:Services:notifications", notifications.BaseAddress.ToString()),
            new("Auth:JwksUrl", ScaledOut.JwksUrl(identity)),
        ]);
        using var client = gateway.CreateClient();
        var email = Account.NewEmail();

        await Account.Register(client, email);
        var token = await Account.AccessToken(client, email);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/users/me") { Headers = { Authorization = Account.Bearer(token) } };
        using var me = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(email, body.GetProperty("email").GetString(), ignoreCase: true);
        await scaled.Smtp.WaitFor(email, Account.IsWelcome);
    }

    [Fact]
    public async Task Event_written_while_its_consumer_was_down_is_delivered_once()
    {
        await using var scaled = await ScaledOut.Create();
        var identity = await scaled.StartIdentity();
        // The first start declares the durable queue and its bindings; then the consumer goes away.
        var notifications = await scaled.StartNotifications(identity);
        await notifications.Stop();

        using var client = identity.CreateClient();
        var email = Account.NewEmail();
        await Account.Register(client, email);
        // The event is safely in the broker (the outbox handed it over) while nobody consumes it.
        await scaled.VirtualHost.WaitForMessages(NotificationsQueue, 1);

        await notifications.Start(Ct);
        await scaled.Smtp.WaitFor(email, Account.IsWelcome);

        // A later user's welcome arrives after any redelivery of the first event would have.
        var later = Account.NewEmail();
        await Account.Register(client, later);
        await scaled.Smtp.WaitFor(later, Account.IsWelcome);
        Assert.Single(scaled.Smtp.To(email, Account.IsWelcome));
    }

    internal static void DeleteFolder(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One scaled-out installation: its own databases (prefix), RabbitMQ virtual host, SMTP sink and processes.</summary>
sealed class ScaledOut : IAsyncDisposable
{
    readonly string dataDir = Servers.NewDataDir();

    ScaledOut(RabbitVirtualHost virtualHost) => VirtualHost = virtualHost;

    public string DatabasePrefix { get; } = Servers.NewDatabasePrefix();
    public RabbitVirtualHost VirtualHost { get; }
    public SmtpSink Smtp { get; } = new();
    public ProcessGroup Processes { get; } = new();

    public static async Task<ScaledOut> Create() => new(await RabbitVirtualHost.Create());

    public static string JwksUrl(HostProcess identity) => new Uri(identity.BaseAddress, ".well-known/jwks.json").ToString();

    IEnumerable<KeyValuePair<string, string?>> Common(string service) =>
    [
        new("DataDir", Path.Combine(dataDir, service)),
        new("Data:Provider", "Postgres"),
        new("Data:Postgres", Servers.Postgres),
        new("Data:DatabasePrefix", DatabasePrefix),
        new("Messaging:Transport", "RabbitMQ"),
        new("Messaging:RabbitMQ", VirtualHost.Uri.ToString()),
        new("Messaging:OutboxPollInterval", "00:00:00.200"),
    ];

    public Task<HostProcess> StartIdentity() => Processes.Start("identity", "identity", Common("identity"));

    /// <summary>The data folder of <paramref name="service"/>'s processes (the file mail sink writes to <c>mail</c> in it).</summary>
    public string DataDir(string service) => Path.Combine(dataDir, service);

    /// <summary>A service with the settings every scaled-out process shares, plus <paramref name="settings"/>.</summary>
    public Task<HostProcess> Start(string service, params KeyValuePair<string, string?>[] settings) =>
        Processes.Start(service, service, [.. Common(service).Where(c => !settings.Any(s => s.Key == c.Key)), .. settings]);

    public Task<HostProcess> StartNotifications(HostProcess identity) => Processes.Start("notifications", "notifications",
    [
        .. Common("notifications"),
        new("Email:Smtp:Host", "127.0.0.1"),
        new("Email:Smtp:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Email:Smtp:Security", "None"),
        new("Auth:JwksUrl", JwksUrl(identity)),
    ]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Processes.DisposeAsync();
        }
        finally
        {
            await Smtp.DisposeAsync();
            await VirtualHost.DisposeAsync();
            await TaskFlowApp.DropDatabases(DatabasePrefix);
            ScaledOutTests.DeleteFolder(dataDir);
        }
    }
}
