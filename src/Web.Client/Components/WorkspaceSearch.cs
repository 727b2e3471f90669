using TaskFlow.Web.Client.Api;

namespace TaskFlow.Web.Client.Components;

/// <summary>One entry of the search list: a project or a task, and where it leads.</summary>
public sealed record SearchResult(string Kind, Guid Id, string Key, string Title, string? Snippet, string Url)
{
    public const string ProjectKind = "project", TaskKind = "task";
}

/// <summary>What the search dialog asks for a query: the results, or the problem that prevented them.</summary>
public delegate Task<ApiResult<List<SearchResult>>> SearchSource(string query, CancellationToken ct);

/// <summary>
/// Searches the current workspace (the one the page shows; else the user's first): projects by name or key, matched
/// here against the workspace's project list, and tasks through the full-text endpoint
/// <c>GET /v1/workspaces/{id}/search</c>. Projects come first: they are few and a key match is usually what was meant.
/// </summary>
public sealed class WorkspaceSearch(TasksApi tasks, ProjectsApi projects, WorkspacesApi workspaces, AppState state)
{
    const int MaxProjects = 5, MaxTasks = 10;
    Guid? projectsOf;
    List<Project>? projectList;

    /// <summary>The workspace searched, or null when the user has none.</summary>
    public async Task<ApiResult<WorkspaceSummary?>> Scope(CancellationToken ct = default)
    {
        var list = await workspaces.List();
        if (list.Problem is { } p) return new ApiResult<WorkspaceSummary?>(null, p);
        var all = list.Value ?? [];
        var current = all.FirstOrDefault(w => w.Id == state.CurrentWorkspaceId) ?? all.FirstOrDefault();
        return new ApiResult<WorkspaceSummary?>(current, null);
    }

    public async Task<ApiResult<List<SearchResult>>> Find(Guid workspaceId, string query, CancellationToken ct)
    {
        var q = query.Trim();
        if (q.Length == 0) return new ApiResult<List<SearchResult>>([], null);

        if (projectsOf != workspaceId || projectList is null)
        {
            var loaded = await projects.List(workspaceId);
            if (loaded.Problem is { } p) return new ApiResult<List<SearchResult>>(null, p);
            (projectsOf, projectList) = (workspaceId, loaded.Value ?? []);
        }
        var results = projectList
            .Where(p => !p.Archived && (p.Name.Contains(q, StringComparison.OrdinalIgnoreCase) || p.Key.Contains(q, StringComparison.OrdinalIgnoreCase)))
            .OrderByDescending(p => p.Key.Equals(q, StringComparison.OrdinalIgnoreCase))
            .ThenBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .Take(MaxProjects)
            .Select(p => new SearchResult(SearchResult.ProjectKind, p.Id, p.Key, p.Name, null, $"/projects/{p.Id}"))
            .ToList();

        // Full-text search needs a word; punctuation alone would only earn a validation problem.
        if (q.Any(char.IsLetterOrDigit))
        {
            var found = await tasks.Search(workspaceId, q, MaxTasks, ct);
            if (found.Problem is { } p) return new ApiResult<List<SearchResult>>(null, p);
            var hits = found.Value!.Data.Select(h => new SearchResult(SearchResult.TaskKind, h.TaskId, h.Key, h.Title, h.Snippet, $"/tasks/{h.TaskId}")).ToList();
            // A task key typed in full ("WEB-12") means that task: it goes before the projects whose key it starts with.
            var exact = hits.FindIndex(h => h.Key.Equals(q, StringComparison.OrdinalIgnoreCase));
            if (exact >= 0)
            {
                results.Insert(0, hits[exact]);
                hits.RemoveAt(exact);
            }
            results.AddRange(hits);
        }
        return new ApiResult<List<SearchResult>>(results, null);
    }

    /// <summary>The workspace's projects that are not archived, by name (for the palette's "Go to project" actions).</summary>
    public async Task<List<Project>> Projects(Guid workspaceId)
    {
        if (projectsOf != workspaceId || projectList is null)
        {
            var loaded = await projects.List(workspaceId);
            if (loaded.Value is null) return [];
            (projectsOf, projectList) = (workspaceId, loaded.Value);
        }
        return [.. projectList.Where(p => !p.Archived).OrderBy(p => p.Name, StringComparer.CurrentCultureIgnoreCase)];
    }

    /// <summary>Forget the cached project list (projects may have been created since the dialog last opened).</summary>
    public void Reset() => projectList = null;
}
