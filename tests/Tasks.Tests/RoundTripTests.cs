using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>
/// What one request costs the database (issue 19): the round trips a move and a create make on the request path, and
/// that a repeated read compiles no new query. Each request carries its own W3C trace id; the recorder keeps only the
/// database work that ran in that trace (the host's background work and the other tests' requests run in other traces).
/// </summary>
public abstract class RoundTripTests(TaskFlowApp app) : TasksTestBase(app)
{
    /// <summary>The target of issue 19 for a move and a create on PostgreSQL.</summary>
    const int MaxRoundTrips = 4;

    [Fact]
    public async Task A_move_to_the_bottom_of_a_column_takes_at_most_four_round_trips()
    {
        var s = await WorkspaceWithProject();
        var taskId = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Moved" }));
        await CreateTask(s.Owner, s.ProjectId, new { title = "Already there", statusId = s.StatusIds[1] });
        // A first move warms the caches (statuses of the project, compiled queries) as a running server has them.
        await Move(s.Owner, taskId, new { statusId = s.StatusIds[2] });

        var trips = await Record(() => Move(s.Owner, taskId, new { statusId = s.StatusIds[1] }));

        AssertAtMost(trips, "move to the bottom");
    }

    [Fact]
    public async Task A_move_between_two_neighbours_takes_at_most_four_round_trips()
    {
        var s = await WorkspaceWithProject();
        var taskId = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Moved" }));
        var above = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Above", statusId = s.StatusIds[1] }));
        var below = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Below", statusId = s.StatusIds[1] }));
        // The same kind of move first (another task between the two), as a running server has made many.
        var other = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Other" }));
        await Move(s.Owner, other, new { statusId = s.StatusIds[1], after = above, before = below });

        var trips = await Record(() => Move(s.Owner, taskId, new { statusId = s.StatusIds[1], after = above, before = other }));

        AssertAtMost(trips, "move between neighbours");
        var column = await s.Owner.Client.GetFromJsonAsync<System.Text.Json.JsonElement>(
            $"/v1/projects/{s.ProjectId}/tasks?status={s.StatusIds[1]}&sort=rank&limit=10", Ct);
        Assert.Equal([above, taskId, other, below], column.GetProperty("data").EnumerateArray().Select(Id).ToArray());
    }

    [Fact]
    public async Task A_create_takes_at_most_four_round_trips()
    {
        var s = await WorkspaceWithProject();
        await CreateTask(s.Owner, s.ProjectId, new { title = "Warm-up" });

        var trips = await Record(async () =>
        {
            var response = await s.Owner.Client.SendAsync(Traced(HttpMethod.Post, $"/v1/projects/{s.ProjectId}/tasks", new { title = "Counted" }), Ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        });

        AssertAtMost(trips, "create");
    }

    [Fact]
    public async Task A_repeated_read_by_id_compiles_no_query()
    {
        var s = await WorkspaceWithProject();
        var taskId = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Read" }));
        await GetTask(s.Owner, taskId);

        var trips = await Record(async () =>
        {
            var response = await s.Owner.Client.SendAsync(Traced(HttpMethod.Get, $"/v1/tasks/{taskId}"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });

        TestContext.Current.TestOutputHelper?.WriteLine(trips.Describe("GET /v1/tasks/{id}"));
        Assert.Equal(0, trips.QueriesCompiled);
        // The task, its details and the caller's access in one query (SQLite: split into one statement per collection).
        if (App.Provider == Provider.Postgres) Assert.Equal(1, trips.Count);
    }

    [Fact]
    public async Task A_board_column_read_compiles_no_query_once_another_column_was_read()
    {
        var s = await WorkspaceWithProject();
        await CreateTask(s.Owner, s.ProjectId, new { title = "On the board", statusId = s.StatusIds[0] });
        await CreateTask(s.Owner, s.ProjectId, new { title = "In the next column", statusId = s.StatusIds[1] });
        var first = await s.Owner.Client.GetAsync($"/v1/projects/{s.ProjectId}/tasks?status={s.StatusIds[0]}&sort=rank&limit=50", Ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        // Another column: not in the list cache, the same query shape.
        var trips = await Record(async () =>
        {
            var response = await s.Owner.Client.SendAsync(Traced(HttpMethod.Get, $"/v1/projects/{s.ProjectId}/tasks?status={s.StatusIds[1]}&sort=rank&limit=50"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });

        TestContext.Current.TestOutputHelper?.WriteLine(trips.Describe("board column"));
        Assert.Equal(0, trips.QueriesCompiled);
    }

    [Fact]
    public async Task A_search_for_other_words_compiles_no_query()
    {
        var s = await WorkspaceWithProject();
        await CreateTask(s.Owner, s.ProjectId, new { title = "Deploy the gateway", description = "rollout notes" });
        await CreateTask(s.Owner, s.ProjectId, new { title = "Invoice export", description = "billing run" });
        // The first search compiles its queries.
        await Search(s.Owner, $"/v1/workspaces/{s.WorkspaceId}/search?q=deploy");

        // Other words, a prefix and two words: the same SQL with other parameters.
        foreach (var q in new[] { "invoice", "bill", "invoice export" })
        {
            var trips = await Record(() => Search(s.Owner, $"/v1/workspaces/{s.WorkspaceId}/search?q={Uri.EscapeDataString(q)}"));
            TestContext.Current.TestOutputHelper?.WriteLine(trips.Describe("search " + q));
            Assert.Equal(0, trips.QueriesCompiled);
        }
    }

    /// <summary>
    /// A search is two statements (issue 19): the access check with the caller's readable projects, then the ranked page
    /// with its tasks and snippets, the projects filtering the matches before the limit. It was five here: the workspace,
    /// the membership, a page of 10 × limit candidates that the private project's better matches filled, the workspace's
    /// full ranking as the fallback, and the snippets.
    /// </summary>
    [Fact]
    public async Task A_search_takes_two_statements_and_ranks_only_the_callers_projects()
    {
        var s = await WorkspaceWithProject();
        var member = await JoinWorkspace(s.Owner, s.WorkspaceId, "member");
        var created = await s.Owner.Client.PostAsJsonAsync($"/v1/workspaces/{s.WorkspaceId}/projects", new { name = "Secret", key = "SEC", visibility = "private" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = Id(await Json(created));
        await WaitUntil(db => db.Projects.AnyAsync(p => p.Id == secret && p.Private, Ct), "the private project");
        // More and better matches in the project the member cannot read than a page of candidates.
        for (var i = 0; i < 12; i++) await CreateTask(s.Owner, secret, new { title = $"Deploy the deploy job {i}", description = "deploy" });
        var mine = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Gateway", description = "deploy it" }));
        await CreateTask(s.Owner, s.ProjectId, new { title = "Invoice export" });
        await Hits(member, "invoice");

        foreach (var (user, expected) in new[] { (member, 1), (s.Owner, 1) })
        {
            var found = new List<Guid>();
            var trips = await Record(async () => found = await Hits(user, "deploy&limit=1"));
            TestContext.Current.TestOutputHelper?.WriteLine(trips.Describe("search"));
            Assert.Equal(expected, found.Count);
            if (user == member) Assert.Equal([mine], found);
            else Assert.NotEqual(mine, found[0]);
            Assert.Equal(0, trips.QueriesCompiled);
            Assert.Equal(2, trips.Count);
        }

        async Task<List<Guid>> Hits(User user, string query)
        {
            var response = await user.Client.SendAsync(Traced(HttpMethod.Get, $"/v1/workspaces/{s.WorkspaceId}/search?q={query}"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var data = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("data");
            return [.. data.EnumerateArray().Select(h => h.GetProperty("taskId").GetGuid())];
        }
    }

    [Fact]
    public async Task A_task_list_filtered_by_other_words_compiles_no_query()
    {
        var s = await WorkspaceWithProject();
        await CreateTask(s.Owner, s.ProjectId, new { title = "Deploy the gateway" });
        await CreateTask(s.Owner, s.ProjectId, new { title = "Invoice export" });
        var list = $"/v1/projects/{s.ProjectId}/tasks?limit=50&q=";
        await Search(s.Owner, list + "deploy");
        await Search(s.Owner, list + "deploy&sort=relevance");

        foreach (var q in new[] { "invoice", "export" })
        {
            var trips = await Record(async () =>
            {
                await Search(s.Owner, list + q);
                await Search(s.Owner, list + q + "&sort=relevance");
            });
            TestContext.Current.TestOutputHelper?.WriteLine(trips.Describe("list q=" + q));
            Assert.Equal(0, trips.QueriesCompiled);
        }
    }

    [Fact]
    public async Task An_uncached_board_column_or_filtered_list_takes_two_round_trips()
    {
        var s = await WorkspaceWithProject();
        var labelId = await CreateLabel(s.Owner, s.ProjectId, "bug");
        foreach (var status in s.StatusIds.Take(2))
            await CreateTask(s.Owner, s.ProjectId, new { title = "Card", statusId = status, priority = "high", assigneeIds = new[] { s.Owner.Id }, labelIds = new[] { labelId } });
        // The first page compiles what a running server has compiled (the access check).
        await Page(s.Owner, $"/v1/projects/{s.ProjectId}/tasks?status={s.StatusIds[0]}&sort=rank&limit=50");

        // Pages not in the list cache: the access check (with the list version), then the page with its details.
        foreach (var (what, path) in new[]
        {
            ("board column", $"/v1/projects/{s.ProjectId}/tasks?status={s.StatusIds[1]}&sort=rank&limit=50"),
            ("filtered list", $"/v1/projects/{s.ProjectId}/tasks?assignee={s.Owner.Id}&priority=high&sort=dueDate&limit=50"),
        })
        {
            var trips = await Record(() => Page(s.Owner, path));
            TestContext.Current.TestOutputHelper?.WriteLine(trips.Describe(what));
            Assert.Equal(0, trips.QueriesCompiled);
            // On SQLite the page's own command is not an EF command: only PostgreSQL counts it.
            if (App.Provider == Provider.Postgres) Assert.Equal(2, trips.Count);
        }
    }

    static async Task Page(User user, string path)
    {
        var response = await user.Client.SendAsync(Traced(HttpMethod.Get, path), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("data");
        Assert.True(page.GetArrayLength() > 0);
    }

    async Task Search(User user, string path)
    {
        var response = await user.Client.SendAsync(Traced(HttpMethod.Get, path), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var hits = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("data");
        Assert.Equal(1, hits.GetArrayLength());
    }

    void AssertAtMost(DbTrips trips, string what)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(trips.Describe(what));
        Assert.Equal(0, trips.QueriesCompiled);
        // On SQLite the database is in the process: a "round trip" costs a function call, and the count is only shown.
        if (App.Provider == Provider.Postgres) Assert.True(trips.Count <= MaxRoundTrips, trips.Describe(what));
    }

    async Task Move(User user, Guid taskId, object body)
    {
        var response = await user.Client.SendAsync(Traced(HttpMethod.Post, $"/v1/tasks/{taskId}/move", body), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    static readonly AsyncLocal<ActivityTraceId> CurrentTrace = new();

    static HttpRequestMessage Traced(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        var trace = CurrentTrace.Value == default ? ActivityTraceId.CreateRandom() : CurrentTrace.Value;
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        return request;
    }

    static async Task<DbTrips> Record(Func<Task> request)
    {
        var trace = ActivityTraceId.CreateRandom();
        using var trips = new DbTrips(trace);
        CurrentTrace.Value = trace;
        try
        {
            await request();
        }
        finally
        {
            CurrentTrace.Value = default;
        }
        return trips;
    }
}

public sealed class SqliteRoundTripTests(SqliteApp app) : RoundTripTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresRoundTripTests(PostgresApp app) : RoundTripTests(app), IClassFixture<PostgresApp>;

/// <summary>
/// Records the database work of one trace: every command EF Core or Npgsql executes (a command is one round trip, however
/// many statements it carries), every COMMIT and ROLLBACK, and EF Core's query compilations.
/// </summary>
/// <remarks>
/// EF Core's events come from its DiagnosticListener; raw ADO.NET commands on PostgreSQL (not seen by EF) from
/// Npgsql's ActivitySource, whose command activities are children of the request's. On PostgreSQL the Npgsql activities
/// are the count and EF's command events only label them; on SQLite EF's events are the count.
/// </remarks>
sealed class DbTrips : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    readonly ActivityTraceId trace;
    readonly ActivityListener listener;
    readonly IDisposable allListeners;
    readonly List<IDisposable> subscriptions = [];
    readonly Lock gate = new();
    readonly List<string> npgsql = [];
    readonly List<string> ef = [];
    readonly List<string> transactions = [];
    readonly List<string> compilations = [];
    int compiled;

    public DbTrips(ActivityTraceId trace)
    {
        this.trace = trace;
        listener = new ActivityListener
        {
            // ASP.NET Core starts the request's activity (from the traceparent header) only when someone listens.
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> o) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name != "Npgsql" || activity.TraceId != trace) return;
                var sql = activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement") ?? activity.DisplayName;
                lock (gate) npgsql.Add(sql?.ToString() ?? "?");
            },
        };
        ActivitySource.AddActivityListener(listener);
        allListeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    /// <summary>Round trips: commands plus transaction ends.</summary>
    public int Count
    {
        get
        {
            lock (gate) return (npgsql.Count > 0 ? npgsql.Count : ef.Count) + transactions.Count;
        }
    }

    public int QueriesCompiled => Volatile.Read(ref compiled);

    public string Describe(string what)
    {
        lock (gate)
        {
            var commands = npgsql.Count > 0 ? npgsql : ef;
            var lines = commands.Select((sql, i) => $"-- {i + 1}\n{sql}").Concat(transactions.Select(t => "-- " + t)).Concat(compilations);
            return $"{what}: {Count} round trips ({(IsPostgresLocked() ? "PostgreSQL, counted by Npgsql" : "counted by EF Core")}), {compiled} queries compiled\n{string.Join("\n", lines)}";
        }
    }

    bool IsPostgresLocked() => npgsql.Count > 0;

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name) lock (gate) subscriptions.Add(value.Subscribe(this));
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (Activity.Current?.TraceId != trace) return;
        if (value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandExecutedEventData command)
            lock (gate) ef.Add(command.Command.CommandText);
        else if (value.Key == RelationalEventId.TransactionCommitted.Name)
            lock (gate) transactions.Add("COMMIT");
        else if (value.Key == RelationalEventId.TransactionRolledBack.Name)
            lock (gate) transactions.Add("ROLLBACK");
        else if (value.Key == CoreEventId.QueryCompilationStarting.Name)
        {
            Interlocked.Increment(ref compiled);
            if (value.Value is QueryExpressionEventData query) lock (gate) compilations.Add("-- compiled: " + query.Expression);
        }
    }

    public void OnCompleted() { }

    public void OnError(Exception error) { }

    public void Dispose()
    {
        allListeners.Dispose();
        lock (gate)
            foreach (var subscription in subscriptions) subscription.Dispose();
        listener.Dispose();
    }
}
