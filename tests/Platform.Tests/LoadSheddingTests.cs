using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.TestKit;

namespace TaskFlow.Platform.Tests;

/// <summary>
/// Overload degrades gracefully (docs/adr/0044): past <c>Shedding:MaxConcurrent</c> + <c>MaxQueued</c> API requests are
/// answered 503 at once, and a process never holds more PostgreSQL connections than <c>Data:ConnectionBudget</c>.
/// Requests are kept genuinely busy by a lock the test takes on the tasks table (every create inserts a row), not by
/// timing: the test decides when they may finish.
/// </summary>
public abstract class OverloadTests(TaskFlowApp app)
{
    protected const string TestApplicationName = "taskflow-overload-test";
    protected readonly CancellationToken ct = TestContext.Current.CancellationToken;
    protected TaskFlowApp App => app;

    /// <summary>A signed-in user's project the tasks service already takes tasks in.</summary>
    protected async Task<(HttpClient Client, Guid ProjectId)> Project()
    {
        var owner = await app.SignUp(verifyEmail: false);
        var workspaceId = await Id(owner.Client.PostAsJsonAsync("/v1/workspaces", new { name = "Busy" }, ct));
        var projectId = await Id(owner.Client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Burst", key = "BRS" }, ct));
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(100, ct))
        {
            using var created = await Create(owner.Client, projectId, "First");
            if (created.StatusCode == HttpStatusCode.Created) return (owner.Client, projectId);
            Assert.True(DateTime.UtcNow < deadline, $"create task: {(int)created.StatusCode}");
        }
    }

    protected Task<HttpResponseMessage> Create(HttpClient client, Guid projectId, string title) =>
        client.PostAsJsonAsync($"/v1/projects/{projectId}/tasks", new { title }, ct);

    /// <summary>
    /// Blocks every insert into the tasks table until the returned connection is disposed (its transaction then rolls
    /// back): a create that reaches its insert waits there, holding its request and its pooled connection.
    /// </summary>
    protected async Task<NpgsqlConnection> HoldTaskInserts()
    {
        var connection = new NpgsqlConnection(TestConnection(app.DatabasePrefix + "_tasks"));
        await connection.OpenAsync(ct);
        await using (var begin = new NpgsqlCommand("BEGIN; LOCK TABLE tasks IN SHARE MODE", connection))
            await begin.ExecuteNonQueryAsync(ct);
        return connection;
    }

    protected static string TestConnection(string database) => new NpgsqlConnectionStringBuilder(TaskFlowApp.PostgresConnection)
    {
        Database = database,
        ApplicationName = TestApplicationName,
        Pooling = false,
    }.ConnectionString;

    /// <summary>Waits until <paramref name="count"/> of <paramref name="requests"/> have an answer; returns those answers.</summary>
    protected async Task<List<HttpResponseMessage>> Answered(IReadOnlyList<Task<HttpResponseMessage>> requests, int count, Func<Task>? whileWaiting = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (requests.Count(r => r.IsCompleted) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {requests.Count(r => r.IsCompleted)} of {requests.Count} requests were answered, expected {count}");
            if (whileWaiting is not null) await whileWaiting();
            await Task.WhenAny([.. requests.Where(r => !r.IsCompleted), Task.Delay(50, ct)]);
        }
        return [.. requests.Where(r => r.IsCompleted).Select(r => r.Result)];
    }

    protected async Task AssertProblem(HttpResponseMessage response, string type)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "503 without Retry-After");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
    }

    async Task<Guid> Id(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
    }
}

/// <summary>Two API requests at once, one waiting at most 0.3 s.</summary>
public sealed class SmallSheddingBoundApp() : TaskFlowApp(Provider.Postgres)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Shedding:Enabled", "true"),
        new("Shedding:MaxConcurrent", "2"),
        new("Shedding:MaxQueued", "1"),
        new("Shedding:QueueTimeout", "00:00:00.300"),
    ];
}

public sealed class LoadSheddingTests(SmallSheddingBoundApp app) : OverloadTests(app), IClassFixture<SmallSheddingBoundApp>
{
    [Fact]
    public async Task Past_the_bound_API_requests_are_answered_503_at_once_while_health_and_the_hub_answer_and_the_host_recovers()
    {
        var (client, projectId) = await Project();
        List<Task<HttpResponseMessage>> burst;
        await using (await HoldTaskInserts())
        {
            burst = [.. Enumerable.Range(0, 6).Select(i => Create(client, projectId, $"Burst {i}"))];
            // Two are served and wait on the lock; one waits for a turn and gives up after 0.3 s; three are shed at once.
            // None of them can finish otherwise while the lock is held.
            var shed = await Answered(burst, 4);
            Assert.Equal(4, shed.Count);
            foreach (var response in shed) await AssertProblem(response, "https://taskflow.dev/problems/busy");

            // Health is never shed: a load balancer must still hear from an overloaded process.
            using var anonymous = App.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("/health/live", UriKind.Relative), ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("/health/ready", UriKind.Relative), ct)).StatusCode);
            // Nor are SignalR connections (each would hold a permit as long as it lives): the hub's negotiate answers.
            using (var negotiate = await client.PostAsync(new Uri("/v1/realtime/hub/negotiate?negotiateVersion=1", UriKind.Relative), null, ct))
                Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
            Assert.Equal(4, burst.Count(r => r.IsCompleted));
        }

        // Released: the two that were in the database finish, and new requests are served again.
        var all = await Task.WhenAll(burst).WaitAsync(TimeSpan.FromSeconds(90), ct);
        Assert.Equal(2, all.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(4, all.Count(r => r.StatusCode == HttpStatusCode.ServiceUnavailable));
        using var after = await Create(client, projectId, "After the burst");
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
    }
}

/// <summary>A budget of 16 connections for the eight services: two each (shedding is off in test hosts).</summary>
public sealed class SmallConnectionBudgetApp() : TaskFlowApp(Provider.Postgres)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Data:ConnectionBudget", "16"),
        new("Data:ConnectionTimeout", "00:00:02"),
    ];
}

public sealed class ConnectionBudgetTests(SmallConnectionBudgetApp app) : OverloadTests(app), IClassFixture<SmallConnectionBudgetApp>
{
    [Fact]
    public async Task A_service_never_opens_more_connections_than_its_share_and_a_request_waits_for_one_a_bounded_time()
    {
        var (client, projectId) = await Project();
        var tasksDb = App.DatabasePrefix + "_tasks";
        await using var sampler = new NpgsqlConnection(TestConnection("postgres"));
        await sampler.OpenAsync(ct);
        var most = 0;
        async Task Sample()
        {
            await using var count = new NpgsqlCommand("SELECT count(*)::int FROM pg_stat_activity WHERE datname = @db AND application_name <> @test", sampler);
            count.Parameters.AddWithValue("db", tasksDb);
            count.Parameters.AddWithValue("test", TestApplicationName);
            most = Math.Max(most, (int)(await count.ExecuteScalarAsync(ct))!);
        }

        List<Task<HttpResponseMessage>> burst;
        await using (await HoldTaskInserts())
        {
            burst = [.. Enumerable.Range(0, 8).Select(i => Create(client, projectId, $"Burst {i}"))];
            // At most two creates hold the tasks pool's two connections (waiting on the lock); the others wait for a
            // connection for Data:ConnectionTimeout and are answered 503, instead of opening more connections.
            var waitedOut = await Answered(burst, 6, Sample);
            await Sample();
            foreach (var response in waitedOut) await AssertProblem(response, "https://taskflow.dev/problems/database-unavailable");
        }
        Assert.InRange(most, 1, 2);

        var all = await Task.WhenAll(burst).WaitAsync(TimeSpan.FromSeconds(90), ct);
        Assert.All(all, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.ServiceUnavailable }));
        using var after = await Create(client, projectId, "After the burst");
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
    }
}

public sealed class ConnectionBudgetSplitTests
{
    static readonly string[] TaskFlowServices = ["identity", "workspaces", "notifications", "projects", "tasks", "integrations", "realtime", "reporting"];

    [Fact]
    public void The_budget_is_shared_equally_and_never_exceeded()
    {
        var shares = ConnectionBudget.Split(48, TaskFlowServices, new Dictionary<string, int>());
        Assert.All(TaskFlowServices, s => Assert.Equal(6, shares[s]));
        Assert.True(ConnectionBudget.Split(50, TaskFlowServices, new Dictionary<string, int>()).Values.Sum() <= 50);
    }

    [Fact]
    public void A_service_given_its_own_size_leaves_the_rest_to_the_others()
    {
        var shares = ConnectionBudget.Split(48, TaskFlowServices, new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase) { ["Tasks"] = 20 });
        Assert.Equal(20, shares["tasks"]);
        Assert.All(TaskFlowServices.Where(s => s != "tasks"), s => Assert.Equal(4, shares[s]));
    }

    [Fact]
    public void A_budget_too_small_for_the_services_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => ConnectionBudget.Split(7, TaskFlowServices, new Dictionary<string, int>()));
        Assert.Throws<InvalidOperationException>(() => ConnectionBudget.Split(10, ["tasks"], new Dictionary<string, int> { ["tasks"] = 11 }));
    }
}
