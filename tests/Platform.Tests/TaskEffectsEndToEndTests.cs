using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Platform.Tests;

/// <summary>
/// The all-in-one host with every TaskFlow module: the real Tasks API (assign, mention, comment, move) to an in-app
/// notification, an email (the file mail sink), a webhook to a real local receiver and a SignalR push, each exactly once
/// (<see cref="TaskEffectsJourney"/>).
/// </summary>
public abstract class TaskEffectsEndToEndTests(TaskFlowApp app)
{
    [Fact]
    public async Task Assign_mention_comment_and_move_reach_the_recipient_once_on_every_channel()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.Start();
        var anonymous = app.CreateClient();
        var owner = await Accounts.Register(anonymous, displayName: "Olivia Owner");
        var recipient = await Accounts.Register(anonymous, displayName: "Rita Recipient");
        var ownerToken = await Accounts.SignIn(anonymous, owner.Email, owner.Password);
        var recipientToken = await Accounts.SignIn(anonymous, recipient.Email, recipient.Password);
        await using var hub = HubRecorder.For(app.Server, recipientToken);
        await hub.Start(ct);

        var journey = new TaskEffectsJourney
        {
            Owner = new(app.Authorized(ownerToken), owner.Id, owner.Email),
            Recipient = new(app.Authorized(recipientToken), recipient.Id, recipient.Email),
            Mails = app.Mails,
            Hub = hub,
            Receiver = receiver,
            CancellationToken = ct,
        };
        await journey.Run();
        var transport = app.Services.GetRequiredService<IEventTransport>().GetType().Name;
        TestContext.Current.TestOutputHelper?.WriteLine($"journey over {transport}: {journey.Elapsed.TotalSeconds:0.0} s");
    }
}

/// <summary>The all-in-one host whose webhooks may reach the local receiver on 127.0.0.1, polling deliveries often.</summary>
public class EffectsApp(Provider provider) : TaskFlowApp(provider)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        new("Integrations:AllowPrivateNetworks", "true"),
        new("Integrations:PollInterval", "00:00:00.100"),
    ];
}

public sealed class SqliteEffectsApp() : EffectsApp(Provider.Sqlite);

public sealed class PostgresEffectsApp() : EffectsApp(Provider.Postgres);

/// <summary>
/// PostgreSQL and RabbitMQ (TASKFLOW_TEST_RABBITMQ), in a virtual host of its own (created with <c>rabbitmqctl</c>, deleted
/// on dispose), so events cross the broker as when scaled out.
/// </summary>
public sealed class RabbitMqEffectsApp() : EffectsApp(Provider.Postgres), IAsyncLifetime
{
    static Uri Broker => new(Environment.GetEnvironmentVariable("TASKFLOW_TEST_RABBITMQ") is { Length: > 0 } uri ? uri : "amqp://guest:guest@127.0.0.1:5672/");

    readonly string virtualHost = "tf_" + Guid.NewGuid().ToString("N")[..12];

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        new("Messaging:Transport", "RabbitMQ"),
        new("Messaging:RabbitMQ", new UriBuilder(Broker) { Path = "/" + virtualHost }.Uri.ToString()),
    ];

    public async ValueTask InitializeAsync()
    {
        var user = Uri.UnescapeDataString(Broker.UserInfo.Split(':')[0] is { Length: > 0 } u ? u : "guest");
        await RabbitMqCtl("add_vhost", virtualHost);
        await RabbitMqCtl("set_permissions", "-p", virtualHost, user, ".*", ".*", ".*");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await RabbitMqCtl("delete_vhost", virtualHost);
    }

    static async Task RabbitMqCtl(params string[] arguments)
    {
        var info = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("rabbitmqctl could not be started.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)}: {await output} {await errors}");
    }
}

public sealed class SqliteTaskEffectsEndToEndTests(SqliteEffectsApp app) : TaskEffectsEndToEndTests(app), IClassFixture<SqliteEffectsApp>;

public sealed class PostgresTaskEffectsEndToEndTests(PostgresEffectsApp app) : TaskEffectsEndToEndTests(app), IClassFixture<PostgresEffectsApp>;

public sealed class RabbitMqTaskEffectsEndToEndTests(RabbitMqEffectsApp app) : TaskEffectsEndToEndTests(app), IClassFixture<RabbitMqEffectsApp>;
