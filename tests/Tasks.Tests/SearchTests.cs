using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Tasks.Data;
using TaskFlow.Tasks.Features;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>Full-text search: the workspace search endpoint and the list's q filter, through the FTS5 / tsvector index.</summary>
public abstract class SearchTests(TaskFlowApp app) : TasksTestBase(app)
{
    async Task<List<JsonElement>> Search(User user, Guid workspaceId, string query)
    {
        var response = await user.Client.GetAsync($"/v1/workspaces/{workspaceId}/search?{query}", Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return [.. (await Json(response)).GetProperty("data").EnumerateArray()];
    }

    static Guid TaskIdOf(JsonElement hit) => hit.GetProperty("taskId").GetGuid();

    [Fact]
    public async Task Search_stems_words_matches_prefixes_and_ranks_title_hits_first()
    {
        var s = await WorkspaceWithProject();
        var title = await CreateTask(s.Owner, s.ProjectId, new { title = "Connecting the servers", description = "Blue-green rollout" });
        var described = await CreateTask(s.Owner, s.ProjectId, new { title = "Release notes", description = "Write them after the connection of the servers" });
        await CreateTask(s.Owner, s.ProjectId, new { title = "Unrelated", description = "Nothing to see" });
        var q = $"q=";

        // Stemming: "connected" finds "Connecting" and "connection"; the title match ranks first.
        var hits = await Search(s.Owner, s.WorkspaceId, q + "connected");
        Assert.Equal([Id(title), Id(described)], hits.Select(TaskIdOf));
        Assert.True(hits[0].GetProperty("rank").GetDouble() > hits[1].GetProperty("rank").GetDouble());
        var first = hits[0];
        Assert.Equal("WEB-1", first.GetProperty("key").GetString());
        Assert.Equal("Connecting the servers", first.GetProperty("title").GetString());
        Assert.Equal(s.ProjectId, first.GetProperty("projectId").GetGuid());
        Assert.Contains("<mark>", first.GetProperty("snippet").GetString(), StringComparison.Ordinal);

        // The last word is a prefix (search as you type); all words must match; -excludes; "phrases".
        Assert.Equal([Id(title), Id(described)], (await Search(s.Owner, s.WorkspaceId, q + "serv")).Select(TaskIdOf));
        Assert.Equal([Id(title)], (await Search(s.Owner, s.WorkspaceId, q + "servers%20rollout")).Select(TaskIdOf));
        Assert.Equal([Id(described)], (await Search(s.Owner, s.WorkspaceId, q + "servers%20-rollout")).Select(TaskIdOf));
        Assert.Equal([Id(described)], (await Search(s.Owner, s.WorkspaceId, q + Uri.EscapeDataString("\"release notes\""))).Select(TaskIdOf));
        Assert.Equal(2, (await Search(s.Owner, s.WorkspaceId, q + Uri.EscapeDataString("rollout or notes"))).Count);
        Assert.Empty(await Search(s.Owner, s.WorkspaceId, q + "kubernetes"));
        Assert.Single(await Search(s.Owner, s.WorkspaceId, q + "connect&limit=1"));
        // Punctuation is not syntax: nothing the user types is an error.
        Assert.Empty(await Search(s.Owner, s.WorkspaceId, q + Uri.EscapeDataString("connect* AND (\"x OR NEAR(")));

        // Changes are indexed at once: a new title is found, the old one is not.
        var (_, etag) = await GetTask(s.Owner, Id(title));
        Assert.Equal(HttpStatusCode.OK, (await Patch(s.Owner, Id(title), new { title = "Provision the cluster" }, etag)).StatusCode);
        Assert.Equal([Id(described)], (await Search(s.Owner, s.WorkspaceId, q + "connecting")).Select(TaskIdOf));
        Assert.Equal([Id(title)], (await Search(s.Owner, s.WorkspaceId, q + "cluster")).Select(TaskIdOf));
    }

    [Fact]
    public async Task Comments_are_searched_and_deleted_tasks_and_comments_are_gone()
    {
        var s = await WorkspaceWithProject();
        var task = await CreateTask(s.Owner, s.ProjectId, new { title = "Checkout page" });
        var comment = await Json(await s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{Id(task)}/comments", new { body = "The payment provider times out" }, Ct));
        var other = await CreateTask(s.Owner, s.ProjectId, new { title = "Payments dashboard" });

        var hits = await Search(s.Owner, s.WorkspaceId, "q=payment%20times");
        var hit = Assert.Single(hits);
        Assert.Equal(Id(task), TaskIdOf(hit));
        Assert.Contains("<mark>times</mark>", hit.GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, (await Search(s.Owner, s.WorkspaceId, "q=payments")).Count);

        Assert.Equal(HttpStatusCode.OK, (await Send(s.Owner.Client, HttpMethod.Patch, $"/v1/comments/{Id(comment)}", new { body = "Fixed by retrying" })).StatusCode);
        Assert.Empty(await Search(s.Owner, s.WorkspaceId, "q=times"));
        Assert.Equal([Id(task)], (await Search(s.Owner, s.WorkspaceId, "q=retrying")).Select(TaskIdOf));
        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/comments/{Id(comment)}", Ct)).StatusCode);
        Assert.Empty(await Search(s.Owner, s.WorkspaceId, "q=retrying"));

        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/tasks/{Id(other)}", Ct)).StatusCode);
        Assert.Empty(await Search(s.Owner, s.WorkspaceId, "q=dashboard"));
        Assert.Equal(0, await WithDb(db => db.Database.SqlQuery<int>($"SELECT COUNT(*) AS \"Value\" FROM task_search_docs WHERE task_id = {Id(other)}").SingleAsync(Ct)));
    }

    [Fact]
    public async Task Search_sees_only_the_callers_workspace_and_refuses_outsiders()
    {
        var a = await WorkspaceWithProject();
        var (secondProject, _) = await CreateProject(a.Owner, a.WorkspaceId, "OPS");
        var b = await WorkspaceWithProject();
        var inA = await CreateTask(a.Owner, a.ProjectId, new { title = "Quarterly invoice run" });
        var inA2 = await CreateTask(a.Owner, secondProject, new { title = "Invoice template" });
        var inB = await CreateTask(b.Owner, b.ProjectId, new { title = "Invoice export" });
        var reader = await JoinWorkspace(a.Owner, a.WorkspaceId, "viewer");

        Assert.Equal([Id(inA), Id(inA2)], (await Search(a.Owner, a.WorkspaceId, "q=invoice")).Select(TaskIdOf).Order());
        Assert.Equal([Id(inA), Id(inA2)], (await Search(reader, a.WorkspaceId, "q=invoice")).Select(TaskIdOf).Order());
        Assert.Equal([Id(inA2)], (await Search(a.Owner, a.WorkspaceId, $"q=invoice&projectId={secondProject}")).Select(TaskIdOf));
        Assert.Equal([Id(inB)], (await Search(b.Owner, b.WorkspaceId, "q=invoice")).Select(TaskIdOf));

        // Another workspace's search is not found, and its project cannot be named here.
        var hidden = await a.Owner.Client.GetAsync($"/v1/workspaces/{b.WorkspaceId}/search?q=invoice", Ct);
        await AssertProblem(hidden, HttpStatusCode.NotFound, "workspace-not-found");
        Assert.DoesNotContain("Invoice export", await hidden.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await AssertValidation(await a.Owner.Client.GetAsync($"/v1/workspaces/{a.WorkspaceId}/search?q=invoice&projectId={b.ProjectId}", Ct), "projectId");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().GetAsync($"/v1/workspaces/{a.WorkspaceId}/search?q=invoice", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_task_key_finds_that_task_first_in_any_case_and_only_in_the_callers_workspace()
    {
        var s = await WorkspaceWithProject();
        var tasks = new List<JsonElement>();
        for (var i = 0; i < 12; i++) tasks.Add(await CreateTask(s.Owner, s.ProjectId, new { title = $"Web page {i}", description = "web 12 web 12" }));
        var twelfth = tasks[11];
        Assert.Equal("WEB-12", twelfth.GetProperty("key").GetString());
        var other = await WorkspaceWithProject();
        await CreateTask(other.Owner, other.ProjectId, new { title = "Elsewhere" });

        foreach (var typed in new[] { "WEB-12", "web-12", " Web-12 " })
        {
            var hits = await Search(s.Owner, s.WorkspaceId, "q=" + Uri.EscapeDataString(typed));
            Assert.Equal(Id(twelfth), TaskIdOf(hits[0]));
            Assert.Equal("WEB-12", hits[0].GetProperty("key").GetString());
            Assert.Single(hits, h => TaskIdOf(h) == Id(twelfth));
        }
        // The title alone (no key) still searches the text; an unknown number finds no task by key.
        Assert.DoesNotContain(await Search(s.Owner, s.WorkspaceId, "q=WEB-99"), h => h.GetProperty("key").GetString() == "WEB-99");
        // Another workspace's key is not found from here.
        Assert.Empty(await Search(other.Owner, other.WorkspaceId, "q=WEB-12"));
    }

    [Fact]
    public async Task Search_validates_its_query()
    {
        var s = await WorkspaceWithProject();
        var p = $"/v1/workspaces/{s.WorkspaceId}/search";
        await AssertValidation(await s.Owner.Client.GetAsync(p, Ct), "q");
        await AssertValidation(await s.Owner.Client.GetAsync(p + "?q=%20-only", Ct), "q");
        await AssertValidation(await s.Owner.Client.GetAsync(p + "?q=" + new string('a', 201), Ct), "q");
        foreach (var limit in new[] { "0", "51", "x" })
            await AssertValidation(await s.Owner.Client.GetAsync($"{p}?q=a&limit={limit}", Ct), "limit");
    }

    [Fact]
    public async Task The_list_q_filter_uses_the_index_and_sorts_by_relevance()
    {
        var s = await WorkspaceWithProject();
        var inComment = await CreateTask(s.Owner, s.ProjectId, new { title = "Mobile layout" });
        Assert.Equal(HttpStatusCode.Created, (await s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{Id(inComment)}/comments", new { body = "Login button overlaps" }, Ct)).StatusCode);
        var inTitle = await CreateTask(s.Owner, s.ProjectId, new { title = "Login with SSO", description = "login login" });
        var inDescription = await CreateTask(s.Owner, s.ProjectId, new { title = "Session expiry", description = "Users are logged out after login" });
        await CreateTask(s.Owner, s.ProjectId, new { title = "Unrelated" });
        var p = $"/v1/projects/{s.ProjectId}/tasks";

        async Task<(Guid[] Ids, string? Next)> Page(string query)
        {
            var page = await s.Owner.Client.GetFromJsonAsync<JsonElement>(p + query, Ct);
            var next = page.GetProperty("nextCursor");
            return ([.. page.GetProperty("data").EnumerateArray().Select(Id)], next.ValueKind == JsonValueKind.Null ? null : next.GetString());
        }

        // Default sort (newest first) keeps its order, filtered through the index.
        Assert.Equal([Id(inDescription), Id(inTitle), Id(inComment)], (await Page("?q=login")).Ids);
        // Relevance: title, then description, then comment; paged with a cursor.
        var first = await Page("?q=login&sort=relevance&limit=2");
        Assert.Equal([Id(inTitle), Id(inDescription)], first.Ids);
        var second = await Page($"?q=login&sort=relevance&limit=2&cursor={first.Next}");
        Assert.Equal([Id(inComment)], second.Ids);
        Assert.Null(second.Next);

        await AssertValidation(await s.Owner.Client.GetAsync(p + "?sort=relevance", Ct), "sort");
        await AssertValidation(await s.Owner.Client.GetAsync(p + $"?q=login&sort=relevance&cursor={first.Next}x", Ct), "cursor");
        await AssertValidation(await s.Owner.Client.GetAsync(p + $"?q=login&sort=created&cursor={first.Next}", Ct), "cursor");
    }

    /// <summary>EXPLAIN of the real queries (commands built by EF Core, parameters bound): the full-text index answers them.</summary>
    [Fact]
    public async Task Search_and_the_list_filter_use_the_full_text_index()
    {
        var s = await WorkspaceWithProject();
        for (var i = 0; i < 5; i++) await CreateTask(s.Owner, s.ProjectId, new { title = $"Deploy step {i}" });
        var text = SearchText.Parse("deploy step")!;
        await WithDb(async db =>
        {
            var search = from h in TaskSearch.Hits(db, text)
                         join t in db.Tasks on h.TaskId equals t.Id
                         where db.Projects.Where(p => p.WorkspaceId == s.WorkspaceId).Select(p => p.Id).Contains(t.ProjectId)
                         orderby h.Score descending
                         select t.Id;
            var list = ListTasks.Query(db, s.ProjectId, new ListTasks.Filter(null, null, null, null, "deploy step"), "created", null).Include(t => t.Assignees).Take(51);
            var relevance = ListTasks.Query(db, s.ProjectId, new ListTasks.Filter(null, null, null, null, "deploy step"), "relevance", null).Take(51);
            foreach (var (name, command) in new[] { ("search", search.Take(20).CreateDbCommand()), ("list", list.CreateDbCommand()), ("relevance", relevance.CreateDbCommand()) })
            {
                var plan = await Explain(db, command);
                if (App.Provider == Provider.Sqlite)
                    Assert.True(plan.Any(l => l.Contains("SCAN task_fts VIRTUAL TABLE INDEX", StringComparison.Ordinal)), $"{name}:\n{string.Join('\n', plan)}");
                else
                    // With this little data the planner may instead walk the workspace's or project's tasks (IX_tasks_ProjectId_*)
                    // and probe each one's document by primary key; either way nothing is read whole.
                    Assert.True(!plan.Any(l => l.Contains("Seq Scan", StringComparison.Ordinal))
                        && plan.Any(l => l.Contains("ix_task_search_docs_", StringComparison.Ordinal) || l.Contains("task_search_docs_pkey", StringComparison.Ordinal)),
                        $"{name}:\n{string.Join('\n', plan)}");
            }
            return true;
        });
    }

    /// <summary>
    /// The workspace search finds the words within the caller's workspace inside the index lookup (issue 19): PostgreSQL
    /// probes the GIN index over (workspace_id, document) with both conditions; SQLite's MATCH carries the workspace token.
    /// </summary>
    [Fact]
    public async Task Workspace_search_is_restricted_inside_the_index()
    {
        var s = await WorkspaceWithProject();
        for (var i = 0; i < 3; i++) await CreateTask(s.Owner, s.ProjectId, new { title = $"Deploy step {i}" });
        var text = SearchText.Parse("deploy ste")!;
        await WithDb(async db =>
        {
            var ranked = TaskSearch.Ranked(db, text, 200, s.WorkspaceId);
            Assert.Equal(3, (await ranked.ToListAsync(Ct)).Count);
            var command = ranked.CreateDbCommand();
            var sql = command.CommandText;
            var plan = await Explain(db, command);
            TestContext.Current.TestOutputHelper?.WriteLine(sql + "\n--\n" + string.Join('\n', plan));
            if (App.Provider == Provider.Sqlite)
            {
                // The MATCH expression is a parameter (one compiled query for every search text), ANDed with the workspace token.
                Assert.Contains("MATCH @fts_match", sql, StringComparison.Ordinal);
                var match = command.Parameters.Cast<DbParameter>().Single(p => p.ParameterName.EndsWith("fts_match", StringComparison.Ordinal));
                Assert.Contains("workspace : \"" + TaskSearch.WorkspaceToken(s.WorkspaceId) + "\"", (string)match.Value!, StringComparison.Ordinal);
                Assert.Contains(plan, l => l.Contains("SCAN task_fts VIRTUAL TABLE INDEX", StringComparison.Ordinal));
            }
            else
            {
                Assert.Contains(plan, l => l.Contains("ix_task_search_docs_workspace_document", StringComparison.Ordinal));
                Assert.Contains(plan, l => l.Contains("Index Cond", StringComparison.Ordinal) && l.Contains("workspace_id", StringComparison.Ordinal) && l.Contains("document @@", StringComparison.Ordinal));
                Assert.DoesNotContain(plan, l => l.Contains("Filter", StringComparison.Ordinal) && l.Contains("workspace_id", StringComparison.Ordinal));
            }
            return true;
        });
        // Another workspace's identical task is not found from this one.
        var other = await WorkspaceWithProject();
        await CreateTask(other.Owner, other.ProjectId, new { title = "Deploy step 9" });
        var found = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/workspaces/{s.WorkspaceId}/search?q=deploy", Ct);
        Assert.Equal(3, found.GetProperty("data").GetArrayLength());
    }

    /// <summary>
    /// The search page (issue 19) is one statement that finds the workspace's matches inside the index, ranks those of the
    /// caller's projects, and reads tasks and snippets for the page alone: no walk of the documents or the tasks.
    /// </summary>
    [Fact]
    public async Task The_search_page_ranks_inside_the_index_and_reads_tasks_for_the_page_alone()
    {
        var s = await WorkspaceWithProject();
        var other = await CreateProject(s.Owner, s.WorkspaceId, "OPS");
        for (var i = 0; i < 3; i++) await CreateTask(s.Owner, s.ProjectId, new { title = $"Deploy step {i}", description = "the rollout" });
        var elsewhere = await CreateTask(s.Owner, other.ProjectId, new { title = "Deploy step 9" });
        var text = SearchText.Parse("deploy ste")!;
        await WithDb(async db =>
        {
            var page = await TaskSearch.Page(db, text, s.WorkspaceId, [s.ProjectId], 2, Ct);
            Assert.Equal(2, page.Count);
            Assert.All(page, h => Assert.Equal(s.ProjectId, h.ProjectId));
            Assert.All(page, h => Assert.Contains("<mark>", h.Snippet, StringComparison.Ordinal));
            Assert.True(page[0].Score >= page[1].Score);
            Assert.Equal([Id(elsewhere)], (await TaskSearch.Page(db, text, s.WorkspaceId, [other.ProjectId], 20, Ct)).Select(h => h.TaskId));

            var command = TaskSearch.PageQuery(db, text, s.WorkspaceId, [s.ProjectId, other.ProjectId], 20).CreateDbCommand();
            var plan = await Explain(db, command);
            TestContext.Current.TestOutputHelper?.WriteLine(command.CommandText + "\n--\n" + string.Join('\n', plan));
            if (App.Provider == Provider.Sqlite)
            {
                Assert.Contains(plan, l => l.Contains("SCAN task_fts VIRTUAL TABLE INDEX", StringComparison.Ordinal));
                // Documents and tasks by key only; the only scans are FTS5 and the candidates.
                Assert.DoesNotContain(plan, l => l.StartsWith("SCAN", StringComparison.Ordinal)
                    && !l.Contains("VIRTUAL TABLE", StringComparison.Ordinal) && !l.StartsWith("SCAN h", StringComparison.Ordinal));
            }
            else
            {
                Assert.Contains(plan, l => l.Contains("Index Cond", StringComparison.Ordinal) && l.Contains("workspace_id", StringComparison.Ordinal) && l.Contains("document @@", StringComparison.Ordinal));
                Assert.DoesNotContain(plan, l => l.Contains("Seq Scan", StringComparison.Ordinal));
                Assert.Contains(plan, l => l.Contains("Limit", StringComparison.Ordinal));
            }
            return true;
        });
    }

    async Task<List<string>> Explain(TasksDb db, DbCommand command)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync(Ct);
        command.Connection = connection;
        if (App.Provider == Provider.Postgres)
        {
            // A handful of rows: without this the planner rightly prefers reading the table.
            await using var off = connection.CreateCommand();
            off.CommandText = "SET enable_seqscan = off";
            await off.ExecuteNonQueryAsync(Ct);
        }
#pragma warning disable CA2100 // SQL generated by EF Core from a fixed query.
        command.CommandText = (App.Provider == Provider.Sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + command.CommandText;
#pragma warning restore CA2100
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct)) plan.Add(App.Provider == Provider.Sqlite ? reader.GetString(3) : reader.GetString(0));
        return plan;
    }
}

public sealed class SqliteSearchTests(SqliteApp app) : SearchTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresSearchTests(PostgresApp app) : SearchTests(app), IClassFixture<PostgresApp>;
