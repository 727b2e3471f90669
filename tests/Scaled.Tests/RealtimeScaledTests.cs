using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TaskFlow.TestKit;

namespace TaskFlow.Scaled.Tests;

/// <summary>
/// Two realtime instances behind a Redis backplane. Instance A consumes the events from RabbitMQ; instance B shares
/// A's realtime database (the access copy) but has no broker consumer at all (in-process transport), so every push a
/// client of B receives was consumed by A and crossed over Redis. One client talks to B directly, another through the
/// gateway with WebSockets and the token in the query string, as browsers do.
/// </summary>
public sealed class RealtimeScaledTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static string Redis => Environment.GetEnvironmentVariable("TASKFLOW_TEST_REDIS") is { Length: > 0 } r ? r : "127.0.0.1:6379";

    [Fact]
    public async Task A_client_of_one_instance_receives_events_consumed_by_another_also_through_the_gateway()
    {
        // Six services in four processes start slowly on a small, shared machine.
        if (HostProcess.StartTimeout < TimeSpan.FromMinutes(4)) HostProcess.StartTimeout = TimeSpan.FromMinutes(4);
        await using var scaled = await ScaledOut.Create();
        var dataDir = Servers.NewDataDir();
        try
        {
            var channelPrefix = "tf-test-" + Guid.NewGuid().ToString("N")[..12];
            IEnumerable<KeyValuePair<string, string?>> Common(string name, string transport) =>
            [
                new("DataDir", Path.Combine(dataDir, name)),
                new("Data:Provider", "Postgres"),
                new("Data:Postgres", Servers.Postgres),
                new("Data:DatabasePrefix", scaled.DatabasePrefix),
                new("Messaging:Transport", transport),
                new("Messaging:RabbitMQ", scaled.VirtualHost.Uri.ToString()),
                new("Messaging:OutboxPollInterval", "00:00:00.200"),
            ];
            var core = await scaled.Processes.Start("core", "identity,workspaces,projects,tasks", Common("core", "RabbitMQ"));
            IEnumerable<KeyValuePair<string, string?>> Realtime(string name, string transport) =>
            [
                .. Common(name, transport),
                new("Redis:Configuration", Redis),
                new("Realtime:ChannelPrefix", channelPrefix),
                new("Auth:JwksUrl", ScaledOut.JwksUrl(core)),
            ];
            // A first: it migrates the realtime database that B then shares.
            var realtimeA = await scaled.Processes.Start("realtime-a", "realtime", Realtime("realtime-a", "RabbitMQ"));
            var realtimeB = await scaled.Processes.Start("realtime-b", "realtime", Realtime("realtime-b", "InProcess"));
            var gateway = await scaled.Processes.Start("gateway", "gateway",
            [
                .. new[] { "identity", "workspaces", "projects", "tasks" }.Select(s => new KeyValuePair<string, string?>($"Gateway:Services:{s}", core.BaseAddress.ToString())),
                new("Gateway:Services:realtime", realtimeB.BaseAddress.ToString()),
                new("Auth:JwksUrl", ScaledOut.JwksUrl(core)),
            ]);

            using var http = gateway.CreateClient();
            var email = Account.NewEmail();
            await Account.Register(http, email);
            var token = await Account.AccessToken(http, email);
            http.DefaultRequestHeaders.Authorization = Account.Bearer(token);
            var (workspaceId, projectId) = await CreateProject(http);

            await using var direct = new Client(new Uri(realtimeB.BaseAddress, "v1/realtime/hub"), token, HttpTransportType.LongPolling);
            var gatewayHub = new UriBuilder(new Uri(gateway.BaseAddress, "v1/realtime/hub")) { Scheme = "ws" }.Uri;
            await using var viaGateway = new Client(gatewayHub, token, HttpTransportType.WebSockets);
            await direct.Connection.StartAsync(Ct);
            await viaGateway.Connection.StartAsync(Ct);
            await direct.JoinWhenAllowed(projectId);
            await viaGateway.JoinWhenAllowed(projectId);

            var taskId = await CreateTask(http, projectId);

            foreach (var client in new[] { direct, viaGateway })
            {
                var e = await client.WaitForEvent("TaskCreated", taskId);
                Assert.Equal(projectId, e.GetProperty("projectId").GetGuid());
            }
            Assert.True(await realtimeA.WaitForOutput("Consuming taskflow.realtime"), "instance A consumes the realtime queue");
            Assert.DoesNotContain("Consuming taskflow.realtime", realtimeB.Output, StringComparison.Ordinal);

            // A member removed from the workspace loses the project on every instance at once, not only on the one that
            // consumed MemberRemoved (A): B hears it over Redis. The owner's client on B, still a member, is the control.
            var memberEmail = Account.NewEmail();
            await Account.Register(http, memberEmail);
            var memberToken = await Account.AccessToken(http, memberEmail);
            var memberId = await Invite(http, scaled.DatabasePrefix, workspaceId, memberEmail, memberToken);
            await using var member = new Client(new Uri(realtimeB.BaseAddress, "v1/realtime/hub"), memberToken, HttpTransportType.LongPolling);
            await member.Connection.StartAsync(Ct);
            await member.JoinWhenAllowed(projectId);
            var seenByMember = await CreateTask(http, projectId);
            await member.WaitForEvent("TaskCreated", seenByMember);

            using (var removed = await http.DeleteAsync($"/v1/workspaces/{workspaceId}/members/{memberId}", Ct))
                Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
            // Eventually a task created after the removal reaches the owner on B but not the removed member on B.
            for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(200, Ct))
            {
                var probe = await CreateTask(http, projectId);
                await direct.WaitForEvent("TaskCreated", probe);
                // A second event to the owner on the same instance: had the member still been in the group, the probe would have reached it by now.
                await direct.WaitForEvent("TaskCreated", await CreateTask(http, projectId));
                if (!member.Received("TaskCreated", probe)) break;
                Assert.True(DateTime.UtcNow < deadline, "the removed member still receives the project's events on instance B");
            }
            Assert.True(await realtimeA.WaitForOutput("Consuming taskflow.realtime"), "A consumed MemberRemoved; B only heard the revocation");

            // The token travelled in a query string through the gateway: no process may have logged it.
            foreach (var process in new[] { core, realtimeA, realtimeB, gateway })
            {
                Assert.DoesNotContain(token, process.Output, StringComparison.Ordinal);
                Assert.DoesNotContain(memberToken, process.Output, StringComparison.Ordinal);
            }
        }
        finally
        {
            ScaledOutTests.DeleteFolder(dataDir);
        }
    }

    /// <summary>
    /// Invites and accepts: the invitation token is read from the InvitationCreated row of the workspaces outbox (no mail
    /// service runs in this topology). Returns the member's user id.
    /// </summary>
    static async Task<Guid> Invite(HttpClient owner, string databasePrefix, Guid workspaceId, string email, string memberToken)
    {
        using (var invited = await owner.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/invitations", new { email, role = "member" }, Ct))
            Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        var csb = new Npgsql.NpgsqlConnectionStringBuilder(Servers.Postgres) { Database = $"{databasePrefix}_workspaces" };
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

    static async Task<(Guid WorkspaceId, Guid ProjectId)> CreateProject(HttpClient http)
    {
        using var workspace = await http.PostAsJsonAsync("/v1/workspaces", new { name = "Scaled" }, Ct);
        Assert.Equal(HttpStatusCode.Created, workspace.StatusCode);
        var workspaceId = (await workspace.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        HttpStatusCode status = default;
        Guid projectId = default;
        // The projects service learns about the workspace through an event.
        for (var deadline = DateTime.UtcNow.AddSeconds(30); status != HttpStatusCode.Created && DateTime.UtcNow < deadline;)
        {
            using var project = await http.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Website", key = "WEB" }, Ct);
            status = project.StatusCode;
            if (status == HttpStatusCode.Created) projectId = (await project.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
            else await Task.Delay(200, Ct);
        }
        Assert.Equal(HttpStatusCode.Created, status);
        return (workspaceId, projectId);
    }

    /// <summary>The tasks service takes tasks once it has applied ProjectCreated (404 or 409 until then).</summary>
    static async Task<Guid> CreateTask(HttpClient http, Guid projectId)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ;)
        {
            using var created = await http.PostAsJsonAsync($"/v1/projects/{projectId}/tasks", new { title = "Across instances" }, Ct);
            if (created.StatusCode == HttpStatusCode.Created) return (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
            Assert.True(created.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict, $"create task: {created.StatusCode}");
            Assert.True(DateTime.UtcNow < deadline, "the tasks service did not take tasks");
            await Task.Delay(200, Ct);
        }
    }

    /// <summary>A hub client recording the <c>event</c> messages it receives.</summary>
    sealed class Client : IAsyncDisposable
    {
        readonly ConcurrentQueue<JsonElement> events = new();

        public Client(Uri hubUrl, string accessToken, HttpTransportType transport)
        {
            Connection = new HubConnectionBuilder()
                .WithUrl(hubUrl, o =>
                {
                    o.Transports = transport;
                    if (transport == HttpTransportType.WebSockets)
                    {
                        // As a browser: straight to WebSockets, the token in ?access_token=, no Authorization header.
                        o.SkipNegotiation = true;
                        o.WebSocketFactory = async (context, ct) =>
                        {
                            var socket = new System.Net.WebSockets.ClientWebSocket();
                            await socket.ConnectAsync(new UriBuilder(context.Uri) { Query = "access_token=" + Uri.EscapeDataString(accessToken) }.Uri, ct);
                            return socket;
                        };
                    }
                    else
                    {
                        o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                    }
                })
                .Build();
            Connection.On<JsonElement>("event", events.Enqueue);
        }

        public HubConnection Connection { get; }

        public async Task JoinWhenAllowed(Guid projectId)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                try
                {
                    await Connection.InvokeAsync("JoinProject", projectId, Ct);
                    return;
                }
                catch (HubException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200, Ct);
                }
            }
        }

        public async Task<JsonElement> WaitForEvent(string type, Guid taskId)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                foreach (var e in events)
                    if (e.GetProperty("type").GetString() == type && e.GetProperty("taskId").GetString() == taskId.ToString()) return e;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"No {type} for {taskId}; received {string.Join("; ", events)}");
                await Task.Delay(50, Ct);
            }
        }

        public bool Received(string type, Guid taskId) =>
            events.Any(e => e.GetProperty("type").GetString() == type && e.GetProperty("taskId").GetString() == taskId.ToString());

        public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
    }
}
