using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Scaled.Tests;

/// <summary>
/// Every TaskFlow service in a process of its own behind the gateway, on PostgreSQL and RabbitMQ: identity, workspaces,
/// projects, tasks, notifications (mail to an SMTP sink), integrations (webhooks to a local receiver), realtime and
/// reporting. One journey through the gateway crosses all of them (<see cref="TaskEffectsJourney"/>: invitation mail,
/// assign, mention, comment, move, each once as notification, email, webhook and SignalR push through the gateway), and
/// the reporting service counts the task.
/// </summary>
public sealed class AllServicesScaledTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_journey_crosses_every_service_each_in_its_own_process_behind_the_gateway()
    {
        // Nine processes start on a small, shared machine.
        if (HostProcess.StartTimeout < TimeSpan.FromMinutes(4)) HostProcess.StartTimeout = TimeSpan.FromMinutes(4);
        var clock = Stopwatch.StartNew();
        await using var scaled = await ScaledOut.Create();
        await using var receiver = await WebhookReceiver.Start();

        var identity = await scaled.StartIdentity();
        var jwks = new KeyValuePair<string, string?>("Auth:JwksUrl", ScaledOut.JwksUrl(identity));
        var workspaces = await scaled.Start("workspaces", jwks);
        // Services that miss a membership in their copy ask the workspaces service (read-your-writes, docs/adr/0005).
        var askWorkspaces = new KeyValuePair<string, string?>("Gateway:Services:workspaces", workspaces.BaseAddress.ToString());
        var rest = await scaled.Processes.StartAll(
            ("projects", "projects", Settings(scaled, "projects", jwks, askWorkspaces)),
            ("tasks", "tasks", Settings(scaled, "tasks", jwks, askWorkspaces)),
            ("notifications", "notifications", Settings(scaled, "notifications", jwks,
                new("Email:Smtp:Host", "127.0.0.1"),
                new("Email:Smtp:Port", scaled.Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("Email:Smtp:Security", "None"))),
            ("integrations", "integrations", Settings(scaled, "integrations", jwks, askWorkspaces,
                new("Integrations:AllowPrivateNetworks", "true"),
                new("Integrations:PollInterval", "00:00:00.200"))),
            ("realtime", "realtime", Settings(scaled, "realtime", jwks, askWorkspaces)),
            ("reporting", "reporting", Settings(scaled, "reporting", jwks, askWorkspaces)));
        HostProcess[] services = [identity, workspaces, .. rest];
        var gateway = await scaled.Processes.Start("gateway", "gateway",
        [
            .. services.Select(s => new KeyValuePair<string, string?>($"Gateway:Services:{s.Services}", s.BaseAddress.ToString())),
            jwks,
        ]);
        var startedIn = clock.Elapsed;

        using var anonymous = gateway.CreateClient();
        var ownerEmail = Account.NewEmail();
        var recipientEmail = Account.NewEmail();
        await Account.Register(anonymous, ownerEmail, "Olivia Owner");
        await Account.Register(anonymous, recipientEmail, "Rita Recipient");
        var ownerToken = await Account.AccessToken(anonymous, ownerEmail);
        var recipientToken = await Account.AccessToken(anonymous, recipientEmail);
        var owner = await User(gateway, ownerToken, ownerEmail);
        var recipient = await User(gateway, recipientToken, recipientEmail);

        // The recipient's SignalR client goes through the gateway (WebSockets).
        await using var hub = HubRecorder.For(gateway.BaseAddress, recipientToken);
        await hub.Start(Ct);

        var journey = new TaskEffectsJourney
        {
            Owner = owner,
            Recipient = recipient,
            Mails = () => scaled.Smtp.Messages,
            Hub = hub,
            Receiver = receiver,
            CancellationToken = Ct,
        };
        await journey.Run();

        // Reporting built its read model from the same events.
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(200, Ct))
        {
            var summary = await owner.Api.GetFromJsonAsync<JsonElement>($"/v1/projects/{journey.ProjectId}/reports/summary", Ct);
            if (summary.GetProperty("total").GetInt32() == 1) break;
            Assert.True(DateTime.UtcNow < deadline, $"reporting did not count the task: {summary}");
        }

        // Each service ran in its own process and consumed its own queue from the broker.
        foreach (var service in new[] { "notifications", "projects", "tasks", "integrations", "realtime", "reporting" })
            Assert.True(await services.Single(s => s.Services == service).WaitForOutput($"Consuming taskflow.{service}"), $"{service} consumes taskflow.{service}");
        TestContext.Current.TestOutputHelper?.WriteLine($"processes ready in {startedIn.TotalSeconds:0} s; journey {journey.Elapsed.TotalSeconds:0} s; test {clock.Elapsed.TotalSeconds:0} s");
    }

    static IEnumerable<KeyValuePair<string, string?>> Settings(ScaledOut scaled, string service, params KeyValuePair<string, string?>[] extra) =>
    [
        new("DataDir", scaled.DataDir(service)),
        new("Data:Provider", "Postgres"),
        new("Data:Postgres", Servers.Postgres),
        new("Data:DatabasePrefix", scaled.DatabasePrefix),
        new("Messaging:Transport", "RabbitMQ"),
        new("Messaging:RabbitMQ", scaled.VirtualHost.Uri.ToString()),
        new("Messaging:OutboxPollInterval", "00:00:00.200"),
        .. extra,
    ];

    static async Task<JourneyUser> User(HostProcess gateway, string token, string email)
    {
        var api = gateway.CreateClient();
        api.DefaultRequestHeaders.Authorization = Account.Bearer(token);
        var me = await api.GetFromJsonAsync<JsonElement>("/v1/users/me", Ct);
        return new JourneyUser(api, me.GetProperty("id").GetGuid(), email);
    }
}
