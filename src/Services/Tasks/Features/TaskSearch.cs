using System.Globalization;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>One task matching a search, with its relevance (higher is better).</summary>
internal sealed class SearchHit
{
    public Guid TaskId { get; set; }
    public Guid ProjectId { get; set; }
    public double Score { get; set; }
}

/// <summary>A ranked match: <see cref="DocId"/> is the SQLite document rowid (0 on PostgreSQL), the tie-breaker.</summary>
internal sealed class RankedHit
{
    public Guid TaskId { get; set; }
    public Guid ProjectId { get; set; }
    public double Score { get; set; }
    public long DocId { get; set; }
}

internal sealed class SearchSnippet
{
    public Guid TaskId { get; set; }
    public string Text { get; set; } = "";
}

/// <summary>
/// The full-text index (created by the <c>TaskSearchSql</c> migrations): one document per task with its title,
/// description and comments. SQLite: FTS5 with porter stemming, ranked by bm25 (title weighs 10, description 4,
/// comments 1). PostgreSQL: a weighted <c>tsvector</c> under a GIN index, <c>websearch_to_tsquery</c>, ranked by
/// <c>ts_rank</c>. Hits are composable queries, so callers add their own tenant filter in LINQ.
/// </summary>
internal static class TaskSearch
{
    public const string Mark = "<mark>", EndMark = "</mark>";

    /// <summary>
    /// The FTS5 expression as a parameter, so every search text runs the same SQL and EF Core compiles the query once
    /// (a literal made each distinct text a new query to compile: issue 19). A named <see cref="SqliteParameter"/>, not a
    /// <c>{0}</c> placeholder: the hits are composed into larger queries (Any, ORDER BY, Skip, the same hits twice), where
    /// EF Core numbers a raw query's placeholder parameters per raw query (p0 twice: "Must add values for @p0"); a named
    /// DbParameter keeps its name, and the same object appearing twice is the same value.
    /// </summary>
    static SqliteParameter Match(string fts5) => new("fts_match", fts5);

    /// <summary>Every task of every workspace matching <paramref name="text"/>: filter by project before reading.</summary>
    public static IQueryable<SearchHit> Hits(TasksDb db, SearchText text)
    {
        if (!db.IsPostgres)
            return db.Database.SqlQueryRaw<SearchHit>("""
                SELECT d.task_id AS "TaskId", d.project_id AS "ProjectId", -bm25(task_fts, 10.0, 4.0, 1.0, 0.0) AS "Score"
                FROM task_fts JOIN task_search_docs AS d ON d.id = task_fts.rowid
                WHERE task_fts MATCH {0}
                """, Match(text.Fts5));
        if (text.Prefix is null)
            return db.Database.SqlQuery<SearchHit>($"""
                SELECT d.task_id AS "TaskId", d.project_id AS "ProjectId", ts_rank(d.document, q.query)::float8 AS "Score"
                FROM task_search_docs AS d, (SELECT websearch_to_tsquery('english', {text.WebSearch}) AS query) AS q
                WHERE d.document @@ q.query
                """);
        var prefix = text.Prefix + ":*";
        return db.Database.SqlQuery<SearchHit>($"""
            SELECT d.task_id AS "TaskId", d.project_id AS "ProjectId", ts_rank(d.document, q.query)::float8 AS "Score"
            FROM task_search_docs AS d,
                 (SELECT websearch_to_tsquery('english', {text.WebSearch}) && to_tsquery('english', {prefix}) AS query) AS q
            WHERE d.document @@ q.query
            """);
    }

    /// <summary>
    /// The best <paramref name="limit"/> matches of every workspace (null: all of them), best first, ties newest first
    /// (SQLite: the document's rowid; PostgreSQL: the v7 task id). The score is computed for every match (the index
    /// has no order by relevance), but the limit is applied before anything else is joined: FTS5 keeps only the best rowids
    /// and the documents are read for those alone.
    /// </summary>
    /// <remarks>
    /// <paramref name="workspaceId"/>: only that workspace's documents, restricted inside the index lookup (issue 19,
    /// migrations <c>SearchByWorkspace</c>): on PostgreSQL by the GIN index over (workspace_id, document), on SQLite by
    /// the document's workspace token, ANDed in the MATCH (the words are then confined to the text columns).
    /// </remarks>
    internal static IQueryable<RankedHit> Ranked(TasksDb db, SearchText text, int? limit, Guid? workspaceId = null)
    {
        var top = limit is { } l ? " LIMIT " + l.ToString(CultureInfo.InvariantCulture) : "";
#pragma warning disable EF1003 // The limit is a number; the search text is a parameter.
        if (!db.IsPostgres)
            return db.Database.SqlQueryRaw<RankedHit>("""
                SELECT d.task_id AS "TaskId", d.project_id AS "ProjectId", h.score AS "Score", h.rowid AS "DocId"
                FROM (SELECT rowid, -bm25(task_fts, 10.0, 4.0, 1.0, 0.0) AS score FROM task_fts WHERE task_fts MATCH {0}
                ORDER BY score DESC, rowid DESC
                """ + top + """
                ) AS h JOIN task_search_docs AS d ON d.id = h.rowid
                """, Match(workspaceId is { } w ? InWorkspace(w, text.Fts5) : text.Fts5));
        var query = text.Prefix is null
            ? "websearch_to_tsquery('english', {0})"
            : "websearch_to_tsquery('english', {0}) && to_tsquery('english', {1})";
        object[] parameters = text.Prefix is null ? [text.WebSearch] : [text.WebSearch, text.Prefix + ":*"];
        var inWorkspace = "";
        if (workspaceId is { } ws)
        {
            inWorkspace = " AND d.workspace_id = {" + parameters.Length.ToString(CultureInfo.InvariantCulture) + "}";
            parameters = [.. parameters, ws];
        }
        return db.Database.SqlQueryRaw<RankedHit>(
            "SELECT d.task_id AS \"TaskId\", d.project_id AS \"ProjectId\", ts_rank(d.document, q.query)::float8 AS \"Score\", 0::bigint AS \"DocId\"\n" +
            "FROM task_search_docs AS d, (SELECT " + query + " AS query) AS q\n" +
            "WHERE d.document @@ q.query" + inWorkspace + "\n" +
            "ORDER BY \"Score\" DESC, d.task_id DESC" + top,
            parameters);
#pragma warning restore EF1003
    }

    /// <summary>The FTS5 expression limited to one workspace's documents, the words to the text columns.</summary>
    internal static string InWorkspace(Guid workspaceId, string fts5) =>
        "workspace : \"" + WorkspaceToken(workspaceId) + "\" AND {title description comments} : (" + fts5 + ")";

    /// <summary>A workspace's token in the SQLite search documents (as the SearchByWorkspace migration writes it).</summary>
    internal static string WorkspaceToken(Guid workspaceId) => "w" + workspaceId.ToString("N");

    /// <summary>Highlighted extracts (<c>&lt;mark&gt;</c>…<c>&lt;/mark&gt;</c>) of the best matching part of each task.</summary>
    public static async Task<Dictionary<Guid, string>> Snippets(TasksDb db, SearchText text, Guid[] taskIds, CancellationToken ct, long[]? docIds = null)
    {
        IQueryable<SearchSnippet> snippets;
        if (!db.IsPostgres)
        {
            // With the page's document rowids, FTS5 reads just those rows (and snippet() runs for them alone); they travel
            // as one JSON array parameter, so every page runs the same SQL (compiled once).
            snippets = docIds is { Length: > 0 }
                ? db.Database.SqlQueryRaw<SearchSnippet>("""
                    SELECT d.task_id AS "TaskId", snippet(task_fts, -1, '<mark>', '</mark>', '…', 24) AS "Text"
                    FROM task_fts JOIN task_search_docs AS d ON d.id = task_fts.rowid
                    WHERE task_fts MATCH {0} AND task_fts.rowid IN (SELECT value FROM json_each({1}))
                    """, Match(text.Fts5), new SqliteParameter("fts_rowids", "[" + string.Join(",", docIds.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]"))
                : db.Database.SqlQueryRaw<SearchSnippet>("""
                    SELECT d.task_id AS "TaskId", snippet(task_fts, -1, '<mark>', '</mark>', '…', 24) AS "Text"
                    FROM task_fts JOIN task_search_docs AS d ON d.id = task_fts.rowid
                    WHERE task_fts MATCH {0}
                    """, Match(text.Fts5));
        }
        else
        {
            var prefix = text.Prefix is null ? "" : text.Prefix + ":*";
            snippets = db.Database.SqlQuery<SearchSnippet>($"""
                SELECT d.task_id AS "TaskId",
                       ts_headline('english', d.title || E'\n' || d.description || E'\n' || d.comments,
                                   CASE WHEN {prefix} = '' THEN websearch_to_tsquery('english', {text.WebSearch})
                                        ELSE websearch_to_tsquery('english', {text.WebSearch}) && to_tsquery('english', {prefix}) END,
                                   'StartSel=<mark>, StopSel=</mark>, MaxWords=24, MinWords=8, MaxFragments=1') AS "Text"
                FROM task_search_docs AS d
                """);
        }
        var rows = await snippets.Where(s => taskIds.Contains(s.TaskId)).ToListAsync(ct);
        return rows.GroupBy(r => r.TaskId).ToDictionary(g => g.Key, g => g.First().Text);
    }

    /// <summary>The tasks of <paramref name="tasks"/> that match <paramref name="q"/> (none when q has no word).</summary>
    public static IQueryable<WorkItem> Matching(TasksDb db, IQueryable<WorkItem> tasks, string q)
    {
        if (SearchText.Parse(q) is not { } text) return tasks.Where(t => false);
        var hits = Hits(db, text);
        return tasks.Where(t => hits.Any(h => h.TaskId == t.Id));
    }

    /// <summary>Matching tasks, most relevant first (ties: newest first), from the cursor's offset.</summary>
    /// <remarks>
    /// The score is a correlated lookup (one index probe per matching task: FTS5 by rowid, PostgreSQL by primary key)
    /// rather than a join, so the result stays a plain task query that Include and projections can build on. Scores
    /// move as the corpus changes, so relevance pages by offset (like any search engine), not by key.
    /// </remarks>
    public static IQueryable<WorkItem> ByRelevance(TasksDb db, IQueryable<WorkItem> tasks, string q, Cursor.Position? after)
    {
        if (SearchText.Parse(q) is not { } text) return tasks.Where(t => false).OrderBy(t => t.Number);
        var hits = Hits(db, text);
        var ordered = tasks.Where(t => hits.Any(h => h.TaskId == t.Id))
            .OrderByDescending(t => hits.Where(h => h.TaskId == t.Id).Select(h => h.Score).FirstOrDefault())
            .ThenByDescending(t => t.Number);
        return after is null ? ordered : ordered.Skip(Offset(after));
    }

    /// <summary>The offset of a relevance cursor; <see cref="FormatException"/> (a bad cursor, for the list) otherwise.</summary>
    static int Offset(Cursor.Position after) =>
        int.TryParse(after.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset : throw new FormatException("Not a relevance cursor.");

    /// <summary>The cursor after a page of <paramref name="take"/> relevance-sorted tasks.</summary>
    public static Cursor.Position CursorAfter(Cursor.Position? after, int take) =>
        new("relevance", ((after is null ? 0 : Offset(after)) + take).ToString(CultureInfo.InvariantCulture), 0);

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet("/v1/workspaces/{workspaceId:guid}/search", Handle)
            .RequireAuthorization()
            .WithTags("Search")
            .WithName("SearchTasks")
            .WithSummary("Search tasks across a workspace")
            .WithDescription("Full-text search over task titles, descriptions and comments in every project of the workspace the caller can read (all of them, for a member). A task key (WEB-12, any case) puts that task first. q uses web-search syntax: words (stemmed: \"deploying\" finds \"deployment\"), \"a phrase\", -excluded, or; the last word also matches as a prefix. Best matches first. projectId narrows to one project; limit 1–50, default 20. Not a member of the workspace: 404.")
            .Produces<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")
            .Produces(StatusCodes.Status401Unauthorized);

    /// <summary>One search result.</summary>
    /// <param name="TaskId">The task.</param>
    /// <param name="Key">Its key, e.g. WEB-12.</param>
    /// <param name="Title">Its title.</param>
    /// <param name="ProjectId">Its project.</param>
    /// <param name="Snippet">Plain text of the best matching part, matches wrapped in &lt;mark&gt;…&lt;/mark&gt; (HTML-escape the rest before rendering).</param>
    /// <param name="Rank">Relevance: higher is better; compare only within one response.</param>
    internal sealed record Hit(Guid TaskId, string Key, string Title, Guid ProjectId, string Snippet, double Rank);

    /// <summary>Search results, best first.</summary>
    /// <param name="Data">At most limit hits.</param>
    internal sealed record Response(IReadOnlyList<Hit> Data);

    static async Task<Results<Ok<Response>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid workspaceId, string? q, Guid? projectId, string? limit, HttpContext http, TasksDb db, CancellationToken ct)
    {
        var userId = http.User.UserId();
        // The access check and the caller's readable projects in one statement; only when it finds nothing (not a member
        // in the copy, a deleted workspace, or no readable project) the full check, which may ask the workspaces service.
        var projects = await ReadableProjects(db, workspaceId, userId, ct);
        if (projects.Count == 0)
        {
            if (!await TaskAccess.IsMember(http, db, workspaceId, userId, ct))
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, type: "https://taskflow.dev/problems/workspace-not-found",
                    title: "Workspace not found.", detail: "No workspace exists at this address, or you are not a member of it.");
            projects = await TaskAccess.VisibleProjects(db, workspaceId, userId).Select(p => p.Id).ToListAsync(ct);
        }

        var errors = new Dictionary<string, string[]>();
        var text = SearchText.Parse(q);
        if (q is { Length: > SearchText.MaxLength }) errors["q"] = [$"The search text must be at most {SearchText.MaxLength} characters."];
        else if (text is null) errors["q"] = ["Give at least one word to search for."];
        var take = 20;
        if (limit is not null && !(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) && take is >= 1 and <= 50))
            errors["limit"] = ["The limit must be a whole number from 1 to 50."];
        if (projectId is { } pid)
        {
            if (!projects.Contains(pid)) errors["projectId"] = ["The project must be a project of this workspace."];
            projects = [pid];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        // A task key ("WEB-12") finds that task first, whatever its text says: a person who knows the key wants that task.
        var byKey = await ByKey(q!, projects);
        var page = await Page(db, text!, workspaceId, projects, take, ct);
        var hits = page.Select(p => new Hit(p.TaskId, p.Key, p.Title, p.ProjectId, p.Snippet ?? p.Title, p.Score)).ToList();
        if (byKey is not null)
        {
            hits.RemoveAll(h => h.TaskId == byKey.Id);
            var top = hits.Count == 0 ? 1 : hits.Max(h => h.Rank) + 1;
            hits.Insert(0, new Hit(byKey.Id, byKey.Key, byKey.Title, byKey.ProjectId, byKey.Title, top));
            if (hits.Count > take) hits.RemoveAt(hits.Count - 1);
        }
        return TypedResults.Ok(new Response(hits));

        async Task<PageRow?> ByKey(string query, List<Guid> readable)
        {
            if (!TryParseKey(query, out var key, out var number)) return null;
            return await db.Tasks.AsNoTracking()
                .Where(t => readable.Contains(t.ProjectId) && t.Number == number && t.Key == key)
                .Select(t => new PageRow(t.Id, t.Key, t.Title, t.ProjectId))
                .FirstOrDefaultAsync(ct);
        }
    }

    /// <summary>
    /// The projects of a live workspace the caller reads (<see cref="TaskAccess.VisibleProjects"/>), provided they are an
    /// active member in the copy: one compiled statement. Empty when they are not (or read no project).
    /// </summary>
    internal static async Task<List<Guid>> ReadableProjects(TasksDb db, Guid workspaceId, Guid userId, CancellationToken ct)
    {
        var ids = new List<Guid>();
        await foreach (var id in CompiledReadable.GetValue(db.Model, _ => EF.CompileAsyncQuery(ReadableShape))(db, workspaceId, userId).WithCancellation(ct))
            ids.Add(id);
        return ids;
    }

    static readonly Expression<Func<TasksDb, Guid, Guid, IQueryable<Guid>>> ReadableShape = (db, workspaceId, userId) =>
        db.Projects.AsNoTracking()
            .Where(p => p.WorkspaceId == workspaceId && !p.Deleted
                && !db.Workspaces.Any(w => w.Id == workspaceId && w.Deleted)
                && db.WorkspaceMembers.Any(m => m.WorkspaceId == workspaceId && m.UserId == userId && m.Active
                    && (!p.Private || m.Role == WorkspaceRole.Owner || m.Role == WorkspaceRole.Admin
                        || db.ProjectMembers.Any(pm => pm.ProjectId == p.Id && pm.UserId == userId && pm.Active))))
            .Select(p => p.Id);

    static readonly ConditionalWeakTable<IModel, Func<TasksDb, Guid, Guid, IAsyncEnumerable<Guid>>> CompiledReadable = [];

    /// <summary>One hit of the page with its snippet, as <see cref="Page"/> reads it.</summary>
    internal sealed class PageHit
    {
        public Guid TaskId { get; set; }
        public string Key { get; set; } = "";
        public string Title { get; set; } = "";
        public Guid ProjectId { get; set; }
        public double Score { get; set; }
        public string? Snippet { get; set; }
    }

    /// <summary>
    /// The best <paramref name="take"/> matches in <paramref name="projects"/> of the workspace, best first (ties newest
    /// first), with their keys, titles and snippets: one statement. The workspace restricts the index lookup (GIN over
    /// (workspace_id, document); the FTS5 workspace token) and the projects filter the matches before they are ranked, so
    /// the limit is exact; the tasks and the snippets are read for the page alone.
    /// </summary>
    internal static Task<List<PageHit>> Page(TasksDb db, SearchText text, Guid workspaceId, List<Guid> projects, int take, CancellationToken ct) =>
        PageQuery(db, text, workspaceId, projects, take).ToListAsync(ct);

    /// <summary>The query of <see cref="Page"/>, for reading its plan.</summary>
    internal static IQueryable<PageHit> PageQuery(TasksDb db, SearchText text, Guid workspaceId, List<Guid> projects, int take)
    {
        if (!db.IsPostgres)
            return db.Database.SqlQueryRaw<PageHit>(SqlitePage,
                Match(InWorkspace(workspaceId, text.Fts5)),
                new SqliteParameter("fts_projects", "[" + string.Join(",", projects.Select(p => "\"" + p.ToString("D").ToUpperInvariant() + "\"")) + "]"),
                new SqliteParameter("fts_take", take),
                new SqliteParameter("fts_words", text.Fts5));
        return text.Prefix is null
            ? db.Database.SqlQueryRaw<PageHit>(PostgresPage, text.WebSearch, workspaceId, projects.ToArray(), take)
            : db.Database.SqlQueryRaw<PageHit>(PostgresPrefixPage, text.WebSearch, workspaceId, projects.ToArray(), take, text.Prefix + ":*");
    }

    /// <summary>
    /// FTS5 ranks the workspace's matches (the MATCH carries the workspace token) in the caller's projects and keeps the
    /// best; only those are joined to their tasks and highlighted (snippet() by rowid, with the words alone). CROSS JOIN
    /// fixes the join order: the index lookup first, never a walk of the documents.
    /// </summary>
    const string SqlitePage = """
        WITH h AS (
            SELECT task_fts.rowid AS rowid, -bm25(task_fts, 10.0, 4.0, 1.0, 0.0) AS score
            FROM task_fts CROSS JOIN task_search_docs AS d ON d.id = task_fts.rowid
            WHERE task_fts MATCH {0} AND d.project_id IN (SELECT value FROM json_each({1}))
            ORDER BY score DESC, task_fts.rowid DESC
            LIMIT {2})
        SELECT d.task_id AS "TaskId", t."Key" AS "Key", t."Title" AS "Title", d.project_id AS "ProjectId", h.score AS "Score",
               snippet(task_fts, -1, '<mark>', '</mark>', '…', 24) AS "Snippet"
        FROM h CROSS JOIN task_fts ON task_fts.rowid = h.rowid
             CROSS JOIN task_search_docs AS d ON d.id = h.rowid
             CROSS JOIN tasks AS t ON t."Id" = d.task_id
        WHERE task_fts MATCH {3}
        ORDER BY h.score DESC, h.rowid DESC
        """;

    /// <summary>
    /// The GIN index over (workspace_id, document) finds the workspace's matches; the caller's projects filter them before
    /// ts_rank; only the best are joined to their tasks and highlighted (ts_headline, the costly part, runs for the page).
    /// </summary>
    const string PostgresPage = """
        SELECT h.task_id AS "TaskId", t."Key" AS "Key", t."Title" AS "Title", h.project_id AS "ProjectId", h.score AS "Score",
               ts_headline('english', d.title || E'\n' || d.description || E'\n' || d.comments, h.query,
                           'StartSel=<mark>, StopSel=</mark>, MaxWords=24, MinWords=8, MaxFragments=1') AS "Snippet"
        FROM (SELECT d.task_id, d.project_id, q.query, ts_rank(d.document, q.query)::float8 AS score
              FROM task_search_docs AS d, (SELECT websearch_to_tsquery('english', {0}) AS query) AS q
              WHERE d.workspace_id = {1} AND d.document @@ q.query AND d.project_id = ANY({2})
              ORDER BY score DESC, d.task_id DESC
              LIMIT {3}) AS h
        JOIN task_search_docs AS d ON d.task_id = h.task_id
        JOIN tasks AS t ON t."Id" = h.task_id
        ORDER BY h.score DESC, h.task_id DESC
        """;

    /// <summary><see cref="PostgresPage"/> with the last word as a prefix.</summary>
    const string PostgresPrefixPage = """
        SELECT h.task_id AS "TaskId", t."Key" AS "Key", t."Title" AS "Title", h.project_id AS "ProjectId", h.score AS "Score",
               ts_headline('english', d.title || E'\n' || d.description || E'\n' || d.comments, h.query,
                           'StartSel=<mark>, StopSel=</mark>, MaxWords=24, MinWords=8, MaxFragments=1') AS "Snippet"
        FROM (SELECT d.task_id, d.project_id, q.query, ts_rank(d.document, q.query)::float8 AS score
              FROM task_search_docs AS d, (SELECT websearch_to_tsquery('english', {0}) && to_tsquery('english', {4}) AS query) AS q
              WHERE d.workspace_id = {1} AND d.document @@ q.query AND d.project_id = ANY({2})
              ORDER BY score DESC, d.task_id DESC
              LIMIT {3}) AS h
        JOIN task_search_docs AS d ON d.task_id = h.task_id
        JOIN tasks AS t ON t."Id" = h.task_id
        ORDER BY h.score DESC, h.task_id DESC
        """;

    /// <summary>A task key as typed (<c>web-12</c>, <c> WEB-12 </c>): the key in upper case and its number.</summary>
    internal static bool TryParseKey(string query, out string key, out long number)
    {
        (key, number) = ("", 0);
        var q = query.Trim();
        var dash = q.LastIndexOf('-');
        if (dash < 1 || dash > 10 || !char.IsAsciiLetter(q[0]) || !q[..dash].All(char.IsAsciiLetterOrDigit)
            || !long.TryParse(q.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out number) || number < 1)
            return false;
        key = q.ToUpperInvariant();
        return true;
    }

    sealed record PageRow(Guid Id, string Key, string Title, Guid ProjectId);
}
