using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MimeKit;
using Npgsql;
using RabbitMQ.Client;
using TaskFlow.TestKit;

namespace TaskFlow.Scaled.Tests;

/// <summary>
/// Faults in the scaled-out shape, with real processes on PostgreSQL and RabbitMQ: what the outbox, the inbox and the
/// durable deliveries promise (docs/adr/0002). Run alone with <c>--filter-trait Category=Fault</c>.
/// </summary>
[Trait("Category", "Fault")]
public sealed class FaultTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    const string DeadQueue = "taskflow.notifications.dead";

    [Fact]
    public async Task Kill_9_under_a_write_load_loses_no_acknowledged_write_and_repeats_no_email()
    {
        await using var scaled = await ScaledOut.Create();
        var identity = await scaled.StartIdentity();
        // No SMTP host: mail goes to {DataDir}/mail as .eml files, one per Message-Id.
        var notifications = await scaled.Start("notifications", S("Auth:JwksUrl", ScaledOut.JwksUrl(identity)));
        var mailDir = Path.Combine(scaled.DataDir("notifications"), "mail");

        await using var load = new RegistrationLoad(identity, workers: 3);
        var random = new Random();
        // Each kill lands at a random point of the load, after at least a few acknowledged writes since the last one.
        await load.WaitForAcknowledged(4);
        await Task.Delay(random.Next(0, 400), Ct);
        await identity.Kill();
        await identity.Start(Ct);
        await load.WaitForAcknowledged(load.Acknowledged.Count + 4);
        await Task.Delay(random.Next(0, 400), Ct);
        await notifications.Kill();
        await notifications.Start(Ct);
        await load.WaitForAcknowledged(load.Acknowledged.Count + 4);
        await load.Stop();

        // Every acknowledged account is stored (the unique index makes "once" a given; it must be there).
        var stored = await Emails(scaled.DatabasePrefix);
        var acknowledged = load.Acknowledged.Keys.ToList();
        Assert.All(acknowledged, email => Assert.Contains(email, stored));
        // A later write whose effect arrives after every earlier one had time to repeat: the positive signal to stop waiting.
        var marker = Account.NewEmail();
        using (var client = identity.CreateClient()) await Account.Register(client, marker);
        stored.Add(marker);

        // Every stored account (acknowledged, or committed by a process killed before it answered) gets its welcome, once.
        var welcomes = await Until(() => Welcomes(mailDir), w => stored.All(w.ContainsKey), "a welcome email for every stored account", TimeSpan.FromSeconds(60));
        var repeated = welcomes.Where(w => w.Value > 1).Select(w => $"{w.Key} x{w.Value}").ToList();
        Assert.True(repeated.Count == 0, "welcome emails sent more than once: " + string.Join(", ", repeated));
        Assert.Equal(stored.Order(), welcomes.Keys.Order());
        TestContext.Current.TestOutputHelper?.WriteLine($"{acknowledged.Count} acknowledged writes, {stored.Count} stored, {load.Failed} refused or cut off by the kills");
    }

    /// <summary>
    /// Task assignments through the gateway while the tasks process, then notifications, then integrations are killed
    /// (SIGKILL) at random points and restarted. Every acknowledged task is stored once, and every stored assignment
    /// (acknowledged, or committed by a process killed before it answered) has exactly one TaskAssigned event, one in-app
    /// notification, one email, one webhook delivery (per event id, one delivery id: a resend of the same delivery after a
    /// crash is what receivers de-duplicate by TaskFlow-Delivery), one realtime push per event id, and realtime's access
    /// copy holds the member.
    /// </summary>
    [Fact]
    public async Task Kill_9_of_tasks_notifications_and_integrations_under_assignments_gives_each_assignment_one_notification_email_webhook_and_push()
    {
        // Six processes start slowly on a small, shared machine.
        if (HostProcess.StartTimeout < TimeSpan.FromMinutes(4)) HostProcess.StartTimeout = TimeSpan.FromMinutes(4);
        await using var scaled = await ScaledOut.Create();
        await using var receiver = await WebhookReceiver.Start();
        var world = await AssignmentWorld.Start(scaled, receiver);
        var (gateway, member) = (world.Gateway, world.Member);
        var random = new Random();

        await using var load = new AssignmentLoad(gateway, world.OwnerToken, world.ProjectId, member.Id, workers: 3);
        var replayed = 0;
        foreach (var victim in new[] { world.Tasks, world.Notifications, world.Integrations })
        {
            // Each kill lands at a random point of the load, after some acknowledged writes since the last one.
            await load.WaitForAcknowledged(load.Acknowledged.Count + 20);
            await Task.Delay(random.Next(0, 500), Ct);
            await victim.Kill();
            await victim.Start(Ct);
            // A kill between the broker's confirm and the outbox's "processed" write publishes a batch again; the kills
            // land there only by chance, so the test makes it certain: every TaskAssigned so far once more, with its id,
            // as the restarted dispatcher would send it. The consumers killed next are then busy with duplicates too.
            if (victim == world.Tasks) replayed += await PublishAssignmentsAgain(scaled);
        }
        await load.WaitForAcknowledged(load.Acknowledged.Count + 5);
        await load.Stop();
        // A write after the load: it must be acknowledged, and its effects are waited for like every other.
        using (var owner = gateway.CreateClient())
        {
            owner.DefaultRequestHeaders.Authorization = Account.Bearer(world.OwnerToken);
            var title = AssignmentLoad.TitlePrefix + Guid.NewGuid().ToString("N");
            using var created = await owner.PostAsJsonAsync($"/v1/projects/{world.ProjectId}/tasks", new { title, assigneeIds = new[] { member.Id } }, Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            load.Acknowledged[title] = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        }

        // And every one once more after the load, the later ones included.
        replayed += await PublishAssignmentsAgain(scaled);

        // Every acknowledged task is stored, once, under the id it was acknowledged with.
        var stored = await Rows(scaled.DatabasePrefix, "tasks", $"""SELECT "Id", "Title" FROM tasks WHERE "Title" LIKE '{AssignmentLoad.TitlePrefix}%'""", r => (Id: r.GetGuid(0), Title: r.GetString(1)));
        var repeatedTitles = stored.GroupBy(t => t.Title).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeatedTitles.Count == 0, "tasks stored twice: " + string.Join(", ", repeatedTitles));
        var storedByTitle = stored.ToDictionary(t => t.Title, t => t.Id);
        Assert.All(load.Acknowledged, a => Assert.Equal(a.Value, Assert.Contains(a.Key, storedByTitle)));
        var taskIds = stored.Select(t => t.Id).ToHashSet();
        // One TaskAssigned per stored assignment in the tasks outbox: the event ids every consumer must apply once.
        var published = (await Rows(scaled.DatabasePrefix, "tasks", """SELECT "Id", "Payload" FROM outbox_messages WHERE "Type" = 'TaskAssigned'""", r => (EventId: r.GetGuid(0), Payload: r.GetString(1))))
            .Select(e => (e.EventId, TaskId: JsonDocument.Parse(e.Payload).RootElement.GetProperty("taskId").GetGuid()))
            .Where(e => taskIds.Contains(e.TaskId))
            .ToList();
        Assert.Equal(taskIds.Order(), published.Select(e => e.TaskId).Order());
        var eventOf = published.ToDictionary(e => e.TaskId, e => e.EventId);

        // Wait until every assignment has all its effects and nothing is left in flight anywhere (outboxes, queues,
        // pending emails and deliveries): only then can a late duplicate no longer appear.
        var mailDir = Path.Combine(scaled.DataDir("notifications"), "mail");
        await Until(async () =>
        {
            var notified = (await Notified(gateway, member.Token)).Select(n => n.TaskId).ToHashSet();
            var mailed = AssignmentEmails(mailDir).Keys.ToHashSet();
            var hooked = receiver.Requests.Select(d => d.Data.GetProperty("taskId").GetGuid()).ToHashSet();
            var pushed = world.Pushes.Received("event").Where(IsAssignedPush).Select(p => p.GetProperty("taskId").GetGuid()).ToHashSet();
            var missing = $"notification {taskIds.Count(id => !notified.Contains(id))}, email {stored.Count(t => !mailed.Contains(t.Title))}, "
                + $"webhook {taskIds.Count(id => !hooked.Contains(id))}, push {taskIds.Count(id => !pushed.Contains(id))}";
            if (missing != "notification 0, email 0, webhook 0, push 0") return "missing " + missing;
            return await InFlight(scaled);
        }, left => left.Length == 0, "every assignment's effects, and nothing in flight", TimeSpan.FromSeconds(120), left => left);

        // Exactly once, per assignment.
        var notifications = (await Notified(gateway, member.Token)).Where(n => n.TaskId is not null).GroupBy(n => n.TaskId!.Value).ToDictionary(g => g.Key, g => g.Count());
        AssertOnce("in-app notifications", taskIds.ToDictionary(id => id, id => notifications.GetValueOrDefault(id)));
        var emails = AssignmentEmails(mailDir);
        AssertOnce("emails", stored.ToDictionary(t => t.Title, t => emails.GetValueOrDefault(t.Title)));
        var hooks = receiver.Requests.Where(d => d.Kind == "task.assigned" && taskIds.Contains(d.Data.GetProperty("taskId").GetGuid())).ToList();
        AssertOnce("webhook event ids", taskIds.ToDictionary(id => id, id => hooks.Where(d => d.Data.GetProperty("taskId").GetGuid() == id).Select(d => d.EventId).Distinct().Count()));
        Assert.All(hooks, d => Assert.Equal(eventOf[d.Data.GetProperty("taskId").GetGuid()], d.EventId));
        AssertOnce("webhook deliveries per event id", hooks.GroupBy(d => d.EventId).ToDictionary(g => g.Key, g => g.Select(d => d.DeliveryId).Distinct().Count()));
        var pushes = world.Pushes.Received("event").Where(p => IsAssignedPush(p) && taskIds.Contains(p.GetProperty("taskId").GetGuid())).ToList();
        AssertOnce("realtime pushes per event id", taskIds.ToDictionary(id => id, id => pushes.Where(p => p.GetProperty("taskId").GetGuid() == id).Select(p => p.GetProperty("data").GetProperty("eventId").GetGuid()).Distinct().Count()));
        Assert.All(pushes, p => Assert.Equal(eventOf[p.GetProperty("taskId").GetGuid()], p.GetProperty("data").GetProperty("eventId").GetGuid()));
        // Realtime's copy: the member (added by the invitation) and the project, applied (the keys make "once" structural).
        var members = await Rows(scaled.DatabasePrefix, "realtime", $"""SELECT "Role", "Active" FROM workspace_members WHERE "WorkspaceId" = '{world.WorkspaceId}' AND "UserId" = '{member.Id}'""", r => (Role: r.GetString(0), Active: r.GetBoolean(1)));
        Assert.Equal(("Member", true), Assert.Single(members));
        Assert.Single(await Rows(scaled.DatabasePrefix, "realtime", $"""SELECT "Id" FROM projects WHERE "Id" = '{world.ProjectId}'""", r => r.GetGuid(0)));

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{load.Acknowledged.Count} acknowledged task writes, {stored.Count} stored, {load.Failed} refused or cut off by the kills, {replayed} TaskAssigned published again; "
            + $"{hooks.Count} webhook requests for {hooks.Select(d => d.DeliveryId).Distinct().Count()} deliveries (resends of the same delivery after a crash: {hooks.Count - hooks.Select(d => d.DeliveryId).Distinct().Count()}); "
            + $"{pushes.Count} pushes for {pushes.Select(p => p.GetProperty("data").GetProperty("eventId").GetGuid()).Distinct().Count()} events");
    }

    /// <summary>Publishes every TaskAssigned of the tasks outbox again, as the outbox does (same message id); returns how many.</summary>
    static async Task<int> PublishAssignmentsAgain(ScaledOut scaled)
    {
        var rows = await Rows(scaled.DatabasePrefix, "tasks", """SELECT "Id", "Payload" FROM outbox_messages WHERE "Type" = 'TaskAssigned'""", r => (Id: r.GetGuid(0), Payload: r.GetString(1)));
        await PublishRaw(scaled.VirtualHost, rows.Select(r => ("TaskAssigned", r.Payload, r.Id)));
        return rows.Count;
    }

    static bool IsAssignedPush(JsonElement push) => push.GetProperty("type").GetString() == "TaskAssigned";

    static void AssertOnce<TKey>(string what, Dictionary<TKey, int> counts) where TKey : notnull
    {
        var wrong = counts.Where(c => c.Value != 1).Select(c => $"{c.Key} x{c.Value}").ToList();
        Assert.True(wrong.Count == 0, $"{what} not exactly once ({wrong.Count} of {counts.Count}): {string.Join(", ", wrong.Take(20))}");
    }

    /// <summary>What is still in flight: unsent outbox rows of tasks and notifications, queued events, pending emails and webhook deliveries ("" when nothing).</summary>
    static async Task<string> InFlight(ScaledOut scaled)
    {
        var left = new List<string>();
        foreach (var service in new[] { "tasks", "notifications", "workspaces", "projects" })
        {
            var unsent = (await Rows(scaled.DatabasePrefix, service, """SELECT count(*) FROM outbox_messages WHERE "ProcessedAt" IS NULL AND "DeadLetteredAt" IS NULL""", r => r.GetInt64(0)))[0];
            if (unsent > 0) left.Add($"{unsent} unsent in the {service} outbox");
        }
        var pendingEmails = (await Rows(scaled.DatabasePrefix, "notifications", """SELECT count(*) FROM outgoing_emails WHERE "Status" = 'Pending'""", r => r.GetInt64(0)))[0];
        if (pendingEmails > 0) left.Add($"{pendingEmails} pending emails");
        var pendingDeliveries = (await Rows(scaled.DatabasePrefix, "integrations", """SELECT count(*) FROM deliveries WHERE "Status" = 'Pending'""", r => r.GetInt64(0)))[0];
        if (pendingDeliveries > 0) left.Add($"{pendingDeliveries} pending webhook deliveries");
        foreach (var (queue, messages) in await scaled.VirtualHost.Queues())
            if (messages > 0 && !queue.EndsWith(".dead", StringComparison.Ordinal)) left.Add($"{messages} in {queue}");
        return string.Join(", ", left);
    }

    sealed record Notice(Guid Id, string Kind, Guid? TaskId);

    /// <summary>The member's task_assigned notifications, every page.</summary>
    static async Task<List<Notice>> Notified(HostProcess gateway, string token)
    {
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = Account.Bearer(token);
        var all = new List<Notice>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/v1/notifications?kind=task_assigned&limit=100{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", Ct);
            all.AddRange(page.GetProperty("data").Deserialize<List<Notice>>(JsonSerializerOptions.Web)!);
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return all;
    }

    /// <summary>"… assigned you KEY fault-…" emails in the file sink, per task title.</summary>
    static Dictionary<string, int> AssignmentEmails(string mailDir)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!Directory.Exists(mailDir)) return counts;
        foreach (var file in Directory.GetFiles(mailDir, "*.eml"))
        {
            MimeMessage message;
            try
            {
                message = MimeMessage.Load(file);
            }
            catch (Exception ex) when (ex is IOException or FormatException)
            {
                continue; // being written
            }
            if (message.Subject is not { } subject || !subject.Contains("assigned you", StringComparison.Ordinal)) continue;
            var at = subject.IndexOf(AssignmentLoad.TitlePrefix, StringComparison.Ordinal);
            if (at < 0 || subject.Length < at + AssignmentLoad.TitlePrefix.Length + 32) continue;
            var title = subject.Substring(at, AssignmentLoad.TitlePrefix.Length + 32);
            counts[title] = counts.GetValueOrDefault(title) + 1;
        }
        return counts;
    }

    /// <summary>Rows of a query against one service's database of this installation.</summary>
    static async Task<List<T>> Rows<T>(string databasePrefix, string service, string sql, Func<NpgsqlDataReader, T> read)
    {
        var csb = new NpgsqlConnectionStringBuilder(Servers.Postgres) { Database = $"{databasePrefix}_{service}", Pooling = false };
        await using var connection = new NpgsqlConnection(csb.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(Ct)) rows.Add(read(reader));
        return rows;
    }

    [Fact]
    public async Task A_poison_email_and_a_poison_event_are_dead_after_the_configured_tries_and_visible_to_operators()
    {
        using var jwks = new TestJwks();
        await using var scaled = await ScaledOut.Create();
        var identity = await scaled.StartIdentity();
        const string admin = "operator@example.com";
        // An SMTP server that is never there: every send fails as a connection would, and is retried.
        var notifications = await scaled.Start("notifications",
            S("Auth:JwksUrl", jwks.Url),
            S("Platform:AdminEmails", admin),
            S("Email:Smtp:Host", "127.0.0.1"),
            S("Email:Smtp:Port", HostProcess.FreePort().ToString(CultureInfo.InvariantCulture)),
            S("Email:Smtp:Security", "None"),
            S("Notifications:Email:MaxAttempts", "3"),
            S("Notifications:Email:RetryBaseDelay", "00:00:00.200"),
            S("Notifications:Email:RetryMaxDelay", "00:00:01"),
            S("Notifications:Email:PollInterval", "00:00:00.200"),
            S("Messaging:MaxAttempts", "3"));

        var email = Account.NewEmail();
        using (var client = identity.CreateClient()) await Account.Register(client, email);

        // The email: dead after three attempts, listed for platform admins with its error, refused to everyone else.
        using var http = notifications.CreateClient();
        var adminToken = jwks.Token(Guid.NewGuid(), admin);
        var letters = await Until(() => DeadLetters(http, adminToken), l => l.Any(d => d.Recipient == email), "the dead email to be listed", TimeSpan.FromSeconds(60));
        var letter = letters.First(d => d.Recipient == email);
        Assert.Equal("email", letter.Channel);
        Assert.Equal(3, letter.Attempts);
        Assert.False(string.IsNullOrEmpty(letter.LastError));
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/v1/notifications/admin/dead-letters") { Headers = { Authorization = Account.Bearer(jwks.Token(Guid.NewGuid(), Account.NewEmail())) } })
        using (var refused = await http.SendAsync(request, Ct))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        // The event: a UserRegistered nobody can read, delivered three times, then in the service's dead-letter queue,
        // where an operator sees it (rabbitmqctl list_queues, or the management UI) and the consumer goes on.
        await PublishRaw(scaled.VirtualHost, "UserRegistered", "{ this is not json");
        await scaled.VirtualHost.WaitForMessages(DeadQueue, 1, TimeSpan.FromSeconds(60));
        Assert.Equal(3, CountOccurrences(notifications.Output, "Handling UserRegistered"));
        var later = Account.NewEmail();
        using (var client = identity.CreateClient()) await Account.Register(client, later);
        await Until(() => DeadLetters(http, adminToken), l => l.Any(d => d.Recipient == later), "the next event to be handled", TimeSpan.FromSeconds(60));
        Assert.Equal(1, await scaled.VirtualHost.MessagesIn(DeadQueue));
    }

    [Fact]
    public async Task Writes_are_accepted_while_RabbitMQ_is_unreachable_for_30_s_and_their_emails_follow_once_each_when_it_is_back()
    {
        await using var scaled = await ScaledOut.Create();
        // Identity reaches the broker only through a proxy the test cuts: the shared RabbitMQ server keeps running.
        await using var proxy = new TcpProxy(Servers.RabbitMq.Port);
        var throughProxy = new UriBuilder(scaled.VirtualHost.Uri) { Port = proxy.Port }.Uri.ToString();
        var identity = await scaled.Start("identity", S("Messaging:RabbitMQ", throughProxy));
        await scaled.Start("notifications", S("Auth:JwksUrl", ScaledOut.JwksUrl(identity)));
        var mailDir = Path.Combine(scaled.DataDir("notifications"), "mail");
        using var client = identity.CreateClient();

        var before = Account.NewEmail();
        await Account.Register(client, before);
        await Until(() => Welcomes(mailDir), w => w.ContainsKey(before), "the first welcome", TimeSpan.FromSeconds(30));

        await proxy.Cut();
        var during = new List<string>();
        var outage = System.Diagnostics.Stopwatch.StartNew();
        while (outage.Elapsed < TimeSpan.FromSeconds(30) || during.Count < 3)
        {
            var email = Account.NewEmail();
            await Account.Register(client, email);
            during.Add(email);
        }
        // Nothing reached the consumers while the broker was away.
        Assert.DoesNotContain(during, (await Welcomes(mailDir)).ContainsKey);
        proxy.Restore();

        var after = Account.NewEmail();
        await Account.Register(client, after);
        string[] all = [before, .. during, after];
        var welcomes = await Until(() => Welcomes(mailDir), w => all.All(w.ContainsKey), "the backlog's welcomes", TimeSpan.FromSeconds(60));
        Assert.All(all, email => Assert.Equal(1, welcomes[email]));
    }

    [Fact]
    public async Task While_PostgreSQL_is_unreachable_for_10_s_under_load_writes_answer_503_with_Retry_After_and_the_service_recovers_within_5_s()
    {
        await using var scaled = await ScaledOut.Create();
        var postgres = new NpgsqlConnectionStringBuilder(Servers.Postgres);
        // Identity reaches PostgreSQL only through a proxy the test cuts: the shared server keeps running.
        await using var proxy = new TcpProxy(postgres.Port);
        var identity = await scaled.Start("identity", S("Data:Postgres", new NpgsqlConnectionStringBuilder(Servers.Postgres) { Port = proxy.Port }.ConnectionString));
        var attempts = new ConcurrentBag<Attempt>();
        using var stop = new CancellationTokenSource();
        // Three clients register accounts in a loop for the whole test: before, during and after the outage.
        var workers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            using var client = identity.CreateClient();
            client.Timeout = TimeSpan.FromSeconds(20);
            while (!stop.IsCancellationRequested)
            {
                var email = Account.NewEmail();
                var started = DateTime.UtcNow;
                try
                {
                    using var response = await client.PostAsJsonAsync("/v1/auth/register", new { email, password = Account.Password, displayName = "Outage" }, stop.Token);
                    var body = await response.Content.ReadAsStringAsync(stop.Token);
                    attempts.Add(new Attempt(email, started, DateTime.UtcNow, (int)response.StatusCode, response.Headers.RetryAfter?.Delta, body));
                    if (response.StatusCode != HttpStatusCode.Created) await Task.Delay(100, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        })).ToArray();

        async Task WaitFor(Func<bool> condition, string what)
        {
            for (var deadline = DateTime.UtcNow.AddSeconds(60); !condition(); await Task.Delay(50, Ct))
                Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
        }

        await WaitFor(() => attempts.Count(a => a.Status == 201) >= 5, "writes before the outage");
        await proxy.Cut();
        var cut = DateTime.UtcNow;
        // The database is away for 10 s while the clients keep writing.
        await WaitFor(() => DateTime.UtcNow - cut >= TimeSpan.FromSeconds(10) && attempts.Count(a => a.Started > cut) >= 3, "10 s of outage");
        proxy.Restore();
        var restored = DateTime.UtcNow;
        // Back by itself: writes begun after the database returned succeed again; then a few more.
        await WaitFor(() => attempts.Count(a => a.Started > restored && a.Status == 201) >= 10, "writes after the outage");
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        // Every write begun while the database was away (a moment after the cut, to leave out those it cut mid-flight, which
        // must still answer 201 or 503) was refused with 503, a Retry-After and the problem type.
        var during = attempts.Where(a => a.Started > cut && a.Finished < restored).ToList();
        Assert.NotEmpty(during);
        Assert.All(attempts.Where(a => a.Started < restored && a.Finished > cut), a => Assert.True(a.Status is 201 or 503, $"around the outage: {a.Status} {a.Body}"));
        Assert.All(during, a =>
        {
            Assert.True(a.Status == 503, $"while the database is down: {a.Status} {a.Body}");
            Assert.True(a.RetryAfter is { } wait && wait > TimeSpan.Zero, "Retry-After");
            Assert.Equal("https://taskflow.dev/problems/database-unavailable", JsonDocument.Parse(a.Body).RootElement.GetProperty("type").GetString());
        });
        // Recovered within 5 s of the database returning: the first write begun after that succeeded by then, and every
        // write begun later than 5 s after it succeeded.
        var firstBack = attempts.Where(a => a.Started > restored && a.Status == 201).Min(a => a.Finished);
        Assert.True(firstBack - restored < TimeSpan.FromSeconds(5), $"first write accepted {(firstBack - restored).TotalSeconds:0.0} s after the database returned");
        Assert.All(attempts.Where(a => a.Started > restored + TimeSpan.FromSeconds(5)), a => Assert.True(a.Status == 201, $"after recovery: {a.Status} {a.Body}"));
        // Nothing acknowledged was lost.
        var stored = await Emails(scaled.DatabasePrefix);
        var acknowledged = attempts.Where(a => a.Status == 201).Select(a => a.Email).ToList();
        Assert.All(acknowledged, email => Assert.Contains(email, stored));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{acknowledged.Count} writes acknowledged, {during.Count} refused during the outage; first write accepted {(firstBack - restored).TotalMilliseconds:0} ms after the database returned");
    }

    sealed record Attempt(string Email, DateTime Started, DateTime Finished, int Status, TimeSpan? RetryAfter, string Body);

    static KeyValuePair<string, string?> S(string key, string value) => new(key, value);

    static int CountOccurrences(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    sealed record DeadLetter(Guid Id, string Channel, Guid MessageId, string Recipient, string Summary, int Attempts, string? LastError, DateTime DeadAt);

    static async Task<List<DeadLetter>> DeadLetters(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/notifications/admin/dead-letters?channel=email") { Headers = { Authorization = Account.Bearer(token) } };
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<List<DeadLetter>>(Ct) ?? [];
    }

    static Task PublishRaw(RabbitVirtualHost virtualHost, string type, string payload) => PublishRaw(virtualHost, [(type, payload, Guid.NewGuid())]);

    /// <summary>Publishes messages to the events exchange as the outbox does (message id, type, persistent, confirmed).</summary>
    static async Task PublishRaw(RabbitVirtualHost virtualHost, IEnumerable<(string Type, string Payload, Guid Id)> messages)
    {
        var factory = new ConnectionFactory { Uri = virtualHost.Uri };
        await using var connection = await factory.CreateConnectionAsync(Ct);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), Ct);
        foreach (var (type, payload, id) in messages)
        {
            var properties = new BasicProperties { MessageId = id.ToString(), Type = type, Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()), ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
            await channel.BasicPublishAsync("taskflow.events", type, mandatory: false, properties, Encoding.UTF8.GetBytes(payload), Ct);
        }
    }

    /// <summary>The emails of the accounts in identity's database, lower case.</summary>
    static async Task<HashSet<string>> Emails(string databasePrefix)
    {
        var csb = new NpgsqlConnectionStringBuilder(Servers.Postgres) { Database = $"{databasePrefix}_identity" };
        await using var connection = new NpgsqlConnection(csb.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("""SELECT "Email" FROM users""", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var emails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadAsync(Ct)) emails.Add(reader.GetString(0));
        return emails;
    }

    /// <summary>Welcome emails in the file sink, per recipient.</summary>
    static Task<Dictionary<string, int>> Welcomes(string mailDir)
    {
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        if (!Directory.Exists(mailDir)) return Task.FromResult(counts);
        foreach (var file in Directory.GetFiles(mailDir, "*.eml"))
        {
            var message = MimeMessage.Load(file);
            if (!Account.IsWelcome(message)) continue;
            foreach (var to in message.To.Mailboxes) counts[to.Address] = counts.GetValueOrDefault(to.Address) + 1;
        }
        return Task.FromResult(counts);
    }

    static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan timeout, Func<T, string>? describe = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (condition(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}{(describe is null ? "" : ": " + describe(value))}.");
            await Task.Delay(200, Ct);
        }
    }
}

/// <summary>
/// Clients registering new accounts in a loop against one process, counting the ones answered 201: those are acknowledged
/// writes. Refused connections and cut-off requests (the process was killed) are not acknowledged, and are retried as new writes.
/// </summary>
sealed class RegistrationLoad : IAsyncDisposable
{
    readonly CancellationTokenSource stop = new();
    readonly Task[] workers;
    int failed;

    public RegistrationLoad(HostProcess target, int workers) =>
        this.workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(() => Work(target)))];

    public ConcurrentDictionary<string, bool> Acknowledged { get; } = new(StringComparer.OrdinalIgnoreCase);

    public int Failed => Volatile.Read(ref failed);

    async Task Work(HostProcess target)
    {
        using var client = target.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(15);
        while (!stop.IsCancellationRequested)
        {
            var email = Account.NewEmail();
            try
            {
                using var response = await client.PostAsJsonAsync("/v1/auth/register", new { email, password = Account.Password, displayName = "Load" }, stop.Token);
                if (response.StatusCode == HttpStatusCode.Created) Acknowledged[email] = true;
                else Interlocked.Increment(ref failed);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                Interlocked.Increment(ref failed);
                // The process is down or restarting: try again shortly.
                try
                {
                    await Task.Delay(100, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public async Task WaitForAcknowledged(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (Acknowledged.Count < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Only {Acknowledged.Count} of {count} writes were acknowledged.");
            await Task.Delay(50);
        }
    }

    public async Task Stop()
    {
        await stop.CancelAsync();
        await Task.WhenAll(workers);
    }

    public async ValueTask DisposeAsync()
    {
        await Stop();
        stop.Dispose();
    }
}

/// <summary>
/// A TCP forwarder on a loopback port of its own, in front of a shared server (RabbitMQ, PostgreSQL) that other tests
/// use and must not be stopped: <see cref="Cut"/> closes the port and every open connection, as if the server were down,
/// <see cref="Restore"/> listens again on the same port.
/// </summary>
sealed class TcpProxy : IAsyncDisposable
{
    readonly int target;
    readonly ConcurrentDictionary<System.Net.Sockets.TcpClient, bool> open = new();
    System.Net.Sockets.TcpListener? listener;
    Task? accepting;

    public TcpProxy(int targetPort)
    {
        target = targetPort;
        Port = HostProcess.FreePort();
        Restore();
    }

    public int Port { get; }

    public void Restore()
    {
        if (listener is not null) return;
        var started = new System.Net.Sockets.TcpListener(IPAddress.Loopback, Port);
        started.Server.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Socket, System.Net.Sockets.SocketOptionName.ReuseAddress, true);
        started.Start();
        listener = started;
        accepting = Accept(started);
    }

    public async Task Cut()
    {
        var stopping = listener;
        listener = null;
        if (stopping is null) return;
        stopping.Stop();
        foreach (var client in open.Keys)
        {
            try
            {
                // RST, not FIN: what the peer of a dead server sees.
                if (client.Client is { } socket) socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or System.Net.Sockets.SocketException)
            {
            }
            client.Dispose();
        }
        open.Clear();
        if (accepting is not null) await accepting;
    }

    async Task Accept(System.Net.Sockets.TcpListener from)
    {
        while (true)
        {
            System.Net.Sockets.TcpClient inbound;
            try
            {
                inbound = await from.AcceptTcpClientAsync();
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => Forward(inbound));
        }
    }

    async Task Forward(System.Net.Sockets.TcpClient inbound)
    {
        var outbound = new System.Net.Sockets.TcpClient();
        open[inbound] = true;
        open[outbound] = true;
        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, target);
            using var both = new CancellationTokenSource();
            var up = Pump(inbound, outbound, both.Token);
            var down = Pump(outbound, inbound, both.Token);
            await Task.WhenAny(up, down);
            await both.CancelAsync();
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            open.TryRemove(inbound, out _);
            open.TryRemove(outbound, out _);
            inbound.Dispose();
            outbound.Dispose();
        }
    }

    static async Task Pump(System.Net.Sockets.TcpClient from, System.Net.Sockets.TcpClient to, CancellationToken ct)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), ct);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync() => await Cut();
}
