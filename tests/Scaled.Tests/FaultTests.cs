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
    public async Task Writes_are_accepted_while_RabbitMQ_is_unreachable_and_their_emails_follow_once_it_is_back()
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
        while (outage.Elapsed < TimeSpan.FromSeconds(8) || during.Count < 3)
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
    public async Task While_PostgreSQL_is_unreachable_writes_answer_503_with_Retry_After_and_the_service_recovers_within_5_s()
    {
        await using var scaled = await ScaledOut.Create();
        var postgres = new NpgsqlConnectionStringBuilder(Servers.Postgres);
        // Identity reaches PostgreSQL only through a proxy the test cuts: the shared server keeps running.
        await using var proxy = new TcpProxy(postgres.Port);
        var identity = await scaled.Start("identity", S("Data:Postgres", new NpgsqlConnectionStringBuilder(Servers.Postgres) { Port = proxy.Port }.ConnectionString));
        using var client = identity.CreateClient();
        var acknowledged = new List<string>();
        var before = Account.NewEmail();
        await Account.Register(client, before);
        acknowledged.Add(before);

        await proxy.Cut();
        var outage = System.Diagnostics.Stopwatch.StartNew();
        var refused = 0;
        while (outage.Elapsed < TimeSpan.FromSeconds(10))
        {
            var email = Account.NewEmail();
            using var response = await client.PostAsJsonAsync("/v1/auth/register", new { email, password = Account.Password, displayName = "Outage" }, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"while the database is down: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
            Assert.True(response.Headers.RetryAfter?.Delta is { } wait && wait > TimeSpan.Zero, "Retry-After");
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("https://taskflow.dev/problems/database-unavailable", problem.GetProperty("type").GetString());
            refused++;
            await Task.Delay(250, Ct);
        }
        Assert.True(refused > 0);

        proxy.Restore();
        var back = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var email = Account.NewEmail();
            using var response = await client.PostAsJsonAsync("/v1/auth/register", new { email, password = Account.Password, displayName = "Back" }, Ct);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                acknowledged.Add(email);
                break;
            }
            Assert.True(back.Elapsed < TimeSpan.FromSeconds(5), $"still {(int)response.StatusCode} {back.Elapsed.TotalSeconds:0.0} s after the database returned");
            await Task.Delay(100, Ct);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{refused} writes refused during the outage; first write accepted {back.Elapsed.TotalMilliseconds:0} ms after the database returned");
        var stored = await Emails(scaled.DatabasePrefix);
        Assert.All(acknowledged, email => Assert.Contains(email, stored));
    }

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

    static async Task PublishRaw(RabbitVirtualHost virtualHost, string type, string payload)
    {
        var factory = new ConnectionFactory { Uri = virtualHost.Uri };
        await using var connection = await factory.CreateConnectionAsync(Ct);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), Ct);
        var properties = new BasicProperties { MessageId = Guid.NewGuid().ToString(), Type = type, ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
        await channel.BasicPublishAsync("taskflow.events", type, mandatory: false, properties, Encoding.UTF8.GetBytes(payload), Ct);
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

    static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (condition(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
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
