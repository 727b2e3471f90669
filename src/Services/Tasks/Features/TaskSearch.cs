using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
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

    static bool IsPostgres(TasksDb db) => db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>
    /// The FTS5 expression as a SQL literal. On SQLite the hits are composed into larger queries (Any, ORDER BY, Skip)
    /// and EF Core then mis-names a raw query's parameters ("Must add values for @p0"), so the expression is inlined.
    /// It is safe: <see cref="SearchText"/> builds it from letters, digits, spaces, <c>"()*</c> and OR/NOT only.
    /// </summary>
    static string Literal(string fts5) =>
        fts5.Contains('\'', StringComparison.Ordinal) ? throw new ArgumentException("Not an expression built by SearchText.", nameof(fts5)) : " '" + fts5 + "'";

    /// <summary>Every task of every workspace matching <paramref name="text"/>: filter by project before reading.</summary>
    public static IQueryable<SearchHit> Hits(TasksDb db, SearchText text)
    {
#pragma warning disable EF1003 // Literal() takes only SearchText's sanitized expression (see there).
        if (!IsPostgres(db))
            return db.Database.SqlQueryRaw<SearchHit>("""
                SELECT d.task_id AS "TaskId", d.project_id AS "ProjectId", -bm25(task_fts, 10.0, 4.0, 1.0) AS "Score"
                FROM task_fts JOIN task_search_docs AS d ON d.id = task_fts.rowid
                WHERE task_fts MATCH
                """ + Literal(text.Fts5));
#pragma warning restore EF1003
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

    /// <summary>Highlighted extracts (<c>&lt;mark&gt;</c>…<c>&lt;/mark&gt;</c>) of the best matching part of each task.</summary>
    public static async Task<Dictionary<Guid, string>> Snippets(TasksDb db, SearchText text, Guid[] taskIds, CancellationToken ct)
    {
        IQueryable<SearchSnippet> snippets;
        if (!IsPostgres(db))
        {
#pragma warning disable EF1003 // Literal() takes only SearchText's sanitized expression (see there).
            snippets = db.Database.SqlQueryRaw<SearchSnippet>("""
                SELECT d.task_id AS "TaskId", snippet(task_fts, -1, '<mark>', '</mark>', '…', 24) AS "Text"
                FROM task_fts JOIN task_search_docs AS d ON d.id = task_fts.rowid
                WHERE task_fts MATCH
                """ + Literal(text.Fts5));
#pragma warning restore EF1003
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
            .WithDescription("Full-text search over task titles, descriptions and comments in every project of the workspace the caller can read (all of them, for a member). q uses web-search syntax: words (stemmed: \"deploying\" finds \"deployment\"), \"a phrase\", -excluded, or; the last word also matches as a prefix. Best matches first. projectId narrows to one project; limit 1–50, default 20. Not a member of the workspace: 404.")
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
        var member = await db.WorkspaceMembers.AsNoTracking().AnyAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId && m.Active, ct)
            && !await db.Workspaces.AsNoTracking().AnyAsync(w => w.Id == workspaceId && w.Deleted, ct);
        if (!member)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, type: "https://taskflow.dev/problems/workspace-not-found",
                title: "Workspace not found.", detail: "No workspace exists at this address, or you are not a member of it.");

        var errors = new Dictionary<string, string[]>();
        var text = SearchText.Parse(q);
        if (q is { Length: > SearchText.MaxLength }) errors["q"] = [$"The search text must be at most {SearchText.MaxLength} characters."];
        else if (text is null) errors["q"] = ["Give at least one word to search for."];
        var take = 20;
        if (limit is not null && !(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) && take is >= 1 and <= 50))
            errors["limit"] = ["The limit must be a whole number from 1 to 50."];
        var readable = db.Projects.AsNoTracking().Where(p => p.WorkspaceId == workspaceId && !p.Deleted);
        if (projectId is { } pid)
        {
            if (!await readable.AnyAsync(p => p.Id == pid, ct)) errors["projectId"] = ["The project must be a project of this workspace."];
            readable = readable.Where(p => p.Id == pid);
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var projectIds = readable.Select(p => p.Id);
        var page = await (
                from h in Hits(db, text!)
                join t in db.Tasks on h.TaskId equals t.Id
                where projectIds.Contains(t.ProjectId)
                orderby h.Score descending, t.Number descending
                select new { t.Id, t.Key, t.Title, t.ProjectId, h.Score })
            .AsNoTracking().Take(take).ToListAsync(ct);
        var snippets = await Snippets(db, text!, [.. page.Select(p => p.Id)], ct);
        return TypedResults.Ok(new Response([.. page.Select(p => new Hit(p.Id, p.Key, p.Title, p.ProjectId, snippets.GetValueOrDefault(p.Id, p.Title), p.Score))]));
    }
}
