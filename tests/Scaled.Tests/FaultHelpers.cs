using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Scaled.Tests;

/// <summary>
/// Clients creating tasks assigned to one member through the gateway, in a loop: each 201 is an acknowledged write
/// (title → task id). A unique title per attempt lets the test find writes committed by a process killed before it answered.
/// </summary>
sealed class AssignmentLoad : IAsyncDisposable
{
    readonly CancellationTokenSource stop = new();
    readonly Task[] workers;
    int failed;

    public AssignmentLoad(HostProcess gateway, string token, Guid projectId, Guid assigneeId, int workers) =>
        this.workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(() => Work(gateway, token, projectId, assigneeId)))];

    public const string TitlePrefix = "fault-";

    public ConcurrentDictionary<string, Guid> Acknowledged { get; } = new(StringComparer.Ordinal);

    public int Failed => Volatile.Read(ref failed);

    async Task Work(HostProcess gateway, string token, Guid projectId, Guid assigneeId)
    {
        using var client = gateway.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(15);
        client.DefaultRequestHeaders.Authorization = Account.Bearer(token);
        while (!stop.IsCancellationRequested)
        {
            var title = TitlePrefix + Guid.NewGuid().ToString("N");
            try
            {
                using var response = await client.PostAsJsonAsync($"/v1/projects/{projectId}/tasks", new { title, assigneeIds = new[] { assigneeId } }, stop.Token);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>(stop.Token);
                    Acknowledged[title] = body.GetProperty("id").GetGuid();
                    continue;
                }
                Interlocked.Increment(ref failed);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or JsonException)
            {
                Interlocked.Increment(ref failed);
            }
            // The tasks process is down or restarting (the gateway answers 502/503): try again shortly.
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

    public async Task WaitForAcknowledged(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (Acknowledged.Count < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Only {Acknowledged.Count} of {count} task writes were acknowledged ({Failed} failed).");
            await Task.Delay(50);
        }
    }

    public async Task Stop()
    {
        if (!stop.IsCancellationRequested) await stop.CancelAsync();
        await Task.WhenAll(workers);
    }

    public async ValueTask DisposeAsync()
    {
        await Stop();
        stop.Dispose();
    }
}

/// <summary>
/// The scaled-out installation of the assignment fault test: identity, workspaces and projects in one process ("core"),
/// tasks, notifications (file mail sink), integrations and realtime each in a process of their own, and the gateway;
/// an owner with a workspace, a project and a <c>task.assigned</c> webhook to <see cref="WebhookReceiver"/>, and a member
/// (joined through an invitation) whose realtime client has joined the project.
/// </summary>
sealed class AssignmentWorld
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public required HostProcess Core { get; init; }
    public required HostProcess Tasks { get; init; }
    public required HostProcess Notifications { get; init; }
    public required HostProcess Integrations { get; init; }
    public required HostProcess Realtime { get; init; }
    public required HostProcess Gateway { get; init; }
    public required string OwnerToken { get; init; }
    public required (Guid Id, string Token) Member { get; init; }
    public required Guid WorkspaceId { get; init; }
    public required Guid ProjectId { get; init; }
    public required HubRecorder Pushes { get; init; }

    public static async Task<AssignmentWorld> Start(ScaledOut scaled, WebhookReceiver receiver)
    {
        IEnumerable<KeyValuePair<string, string?>> Common(string name) =>
        [
            new("DataDir", scaled.DataDir(name)),
            new("Data:Provider", "Postgres"),
            new("Data:Postgres", Servers.Postgres),
            new("Data:DatabasePrefix", scaled.DatabasePrefix),
            new("Messaging:Transport", "RabbitMQ"),
            new("Messaging:RabbitMQ", scaled.VirtualHost.Uri.ToString()),
            new("Messaging:OutboxPollInterval", "00:00:00.200"),
            new("RateLimits:Enabled", "false"),
        ];
        var core = await scaled.Processes.Start("core", "identity,workspaces,projects", Common("core"));
        var jwks = ScaledOut.JwksUrl(core);
        IEnumerable<KeyValuePair<string, string?>> Service(string name, params KeyValuePair<string, string?>[] more) =>
            [.. Common(name), new("Auth:JwksUrl", jwks), new("Gateway:Services:workspaces", core.BaseAddress.ToString()), .. more];
        var tasks = await scaled.Processes.Start("tasks", "tasks", Service("tasks"));
        // No SMTP host: mail goes to {DataDir}/mail as .eml files, one per Message-Id.
        var notifications = await scaled.Processes.Start("notifications", "notifications", Service("notifications",
            new KeyValuePair<string, string?>("Notifications:Email:PollInterval", "00:00:00.200")));
        var integrations = await scaled.Processes.Start("integrations", "integrations", Service("integrations",
            new KeyValuePair<string, string?>("Integrations:AllowPrivateNetworks", "true"),
            new KeyValuePair<string, string?>("Integrations:PollInterval", "00:00:00.200"),
            new KeyValuePair<string, string?>("Integrations:RetryBaseDelay", "00:00:00.500"),
            new KeyValuePair<string, string?>("Integrations:MaxRetryDelay", "00:00:02")));
        var realtime = await scaled.Processes.Start("realtime", "realtime", Service("realtime"));
        var gateway = await scaled.Processes.Start("gateway", "gateway",
        [
            .. new[] { "identity", "workspaces", "projects" }.Select(s => new KeyValuePair<string, string?>($"Gateway:Services:{s}", core.BaseAddress.ToString())),
            new("Gateway:Services:tasks", tasks.BaseAddress.ToString()),
            new("Gateway:Services:notifications", notifications.BaseAddress.ToString()),
            new("Gateway:Services:integrations", integrations.BaseAddress.ToString()),
            new("Gateway:Services:realtime", realtime.BaseAddress.ToString()),
            new("Auth:JwksUrl", jwks),
            new("RateLimits:Enabled", "false"),
        ]);

        using var http = gateway.CreateClient();
        var ownerEmail = Account.NewEmail();
        await Account.Register(http, ownerEmail, "Owner");
        var ownerToken = await Account.AccessToken(http, ownerEmail);
        var memberEmail = Account.NewEmail();
        await Account.Register(http, memberEmail, "Member");
        var memberToken = await Account.AccessToken(http, memberEmail);
        http.DefaultRequestHeaders.Authorization = Account.Bearer(ownerToken);

        using var workspace = await http.PostAsJsonAsync("/v1/workspaces", new { name = "Faults" }, Ct);
        Assert.Equal(HttpStatusCode.Created, workspace.StatusCode);
        var workspaceId = (await workspace.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var memberId = await Invite(http, scaled.DatabasePrefix, workspaceId, memberEmail, memberToken);
        var project = await Retry(() => http.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Faults", key = "FLT" }, Ct), "create the project");
        var projectId = project.GetProperty("id").GetGuid();
        await Retry(() => http.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/webhooks", new { url = receiver.Url, eventKinds = new[] { "task.assigned" } }, Ct), "create the webhook");

        var pushes = HubRecorder.ReconnectingLongPolling(realtime.BaseAddress, memberToken);
        await pushes.Connection.StartAsync(Ct);
        await pushes.JoinWhenAllowed(projectId, TimeSpan.FromSeconds(60), Ct);
        // Tasks takes assignments once it has applied the project and the member (its copies, fed over the broker).
        await Retry(() => http.PostAsJsonAsync($"/v1/projects/{projectId}/tasks", new { title = "Warm-up", assigneeIds = new[] { memberId } }, Ct), "assign a first task");

        return new AssignmentWorld
        {
            Core = core, Tasks = tasks, Notifications = notifications, Integrations = integrations, Realtime = realtime, Gateway = gateway,
            OwnerToken = ownerToken, Member = (memberId, memberToken), WorkspaceId = workspaceId, ProjectId = projectId, Pushes = pushes,
        };
    }

    /// <summary>Sends until 201 (copies fed by events may not be there yet: 400, 404, 409), returns the body.</summary>
    static async Task<JsonElement> Retry(Func<Task<HttpResponseMessage>> send, string what)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(200, Ct))
        {
            using var response = await send();
            if (response.StatusCode == HttpStatusCode.Created) return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Conflict, $"{what}: {(int)response.StatusCode} {body}");
            Assert.True(DateTime.UtcNow < deadline, $"{what}: still {(int)response.StatusCode} {body}");
        }
    }

    /// <summary>Invites and accepts (the token is read from the InvitationCreated row of the workspaces outbox). Returns the member's user id.</summary>
    static async Task<Guid> Invite(HttpClient owner, string databasePrefix, Guid workspaceId, string email, string memberToken)
    {
        using (var invited = await owner.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/invitations", new { email, role = "member" }, Ct))
            Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        var csb = new Npgsql.NpgsqlConnectionStringBuilder(Servers.Postgres) { Database = $"{databasePrefix}_workspaces", Pooling = false };
        await using var connection = new Npgsql.NpgsqlConnection(csb.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var query = new Npgsql.NpgsqlCommand("""SELECT "Payload" FROM outbox_messages WHERE "Type" = 'InvitationCreated' AND "Payload" LIKE @email""", connection);
        query.Parameters.AddWithValue("email", $"%{email}%");
        var payload = JsonDocument.Parse((string)(await query.ExecuteScalarAsync(Ct))!).RootElement;

        using var accept = new HttpRequestMessage(HttpMethod.Post, "/v1/invitations/accept") { Content = JsonContent.Create(new { token = payload.GetProperty("token").GetString() }) };
        accept.Headers.Authorization = Account.Bearer(memberToken);
        using var accepted = await owner.SendAsync(accept, Ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        using var me = new HttpRequestMessage(HttpMethod.Get, "/v1/users/me");
        me.Headers.Authorization = Account.Bearer(memberToken);
        using var profile = await owner.SendAsync(me, Ct);
        return (await profile.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }
}
