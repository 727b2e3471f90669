using Microsoft.AspNetCore.Mvc.Testing;

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
        TestContext.Current.TestOutputHelper?.WriteLine($"journey: {journey.Elapsed.TotalSeconds:0.0} s");
    }
}

/// <summary>The all-in-one host whose webhooks may reach the local receiver on 127.0.0.1, polling deliveries often.</summary>
public class EffectsApp(Provider provider) : TaskFlowApp(provider)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Integrations:AllowPrivateNetworks", "true"),
        new("Integrations:PollInterval", "00:00:00.100"),
    ];
}

public sealed class SqliteEffectsApp() : EffectsApp(Provider.Sqlite);

public sealed class PostgresEffectsApp() : EffectsApp(Provider.Postgres);

public sealed class SqliteTaskEffectsEndToEndTests(SqliteEffectsApp app) : TaskEffectsEndToEndTests(app), IClassFixture<SqliteEffectsApp>;

public sealed class PostgresTaskEffectsEndToEndTests(PostgresEffectsApp app) : TaskEffectsEndToEndTests(app), IClassFixture<PostgresEffectsApp>;
