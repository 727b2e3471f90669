namespace TaskFlow.Web.Client.Api;

// Client-side copies of the tasks service's shapes (src/Services/Tasks/Features).

public sealed record TaskItem(
    Guid Id, string Key, Guid ProjectId, string Title, string? Description, Guid StatusId, string Rank, string Priority,
    Guid[] AssigneeIds, DateOnly? DueDate, DateOnly? StartDate, double? Estimate, Guid? ParentId, Guid ReporterId,
    DateTime CreatedAt, DateTime UpdatedAt, int Version,
    Guid[]? LabelIds = null, TaskLabel[]? Labels = null, Guid? CycleId = null, TaskCycle? Cycle = null, Guid[]? WatcherIds = null)
{
    /// <summary>The ETag of this version, for If-Match (the API's ETag is the quoted version).</summary>
    public string ETag => "\"" + Version.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"";
}

/// <summary>A label on a task (color #RRGGBB).</summary>
public sealed record TaskLabel(Guid Id, string Name, string Color);

/// <summary>The cycle a task is planned in.</summary>
public sealed record TaskCycle(Guid Id, string Name, DateOnly StartDate, DateOnly EndDate);

public sealed record Page<T>(List<T> Data, string? NextCursor);
public sealed record CreateTaskRequest(string Title, Guid? StatusId);

/// <summary><c>after</c> is the task directly above the moved one, <c>before</c> the one directly below; neither = bottom.</summary>
public sealed record MoveTaskRequest(Guid StatusId, Guid? Before, Guid? After);

public sealed record Comment(Guid Id, Guid TaskId, Guid AuthorId, string Body, DateTime CreatedAt, DateTime? EditedAt);
public sealed record CommentRequest(string Body);
public sealed record ActivityEntry(long Id, Guid TaskId, Guid? ActorId, DateTime At, string Field, string? OldValue, string? NewValue);

/// <summary>One hit of the workspace search; <c>Snippet</c> wraps matches in &lt;mark&gt;…&lt;/mark&gt; and is otherwise plain text.</summary>
public sealed record TaskSearchHit(Guid TaskId, string Key, string Title, Guid ProjectId, string Snippet, double Rank);
public sealed record TaskSearchResults(List<TaskSearchHit> Data);

public static class Priorities
{
    public static readonly string[] All = ["none", "low", "medium", "high", "urgent"];
}

public sealed class TasksApi(ApiClient api)
{
    /// <summary>The largest page the list endpoint serves.</summary>
    public const int PageLimit = 100;

    /// <summary>One page of a board column in board order; pass the previous page's <c>NextCursor</c> for the next.</summary>
    public Task<ApiResult<Page<TaskItem>>> ColumnPage(Guid projectId, Guid statusId, string? cursor = null) =>
        api.Get<Page<TaskItem>>($"v1/projects/{projectId}/tasks?status={statusId}&sort=rank&limit={PageLimit}"
            + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));

    /// <summary>The rest of a board column after a first page, page by page (at most <paramref name="max"/> cards in all).</summary>
    public async Task<ApiResult<Page<TaskItem>>> ColumnRest(Guid projectId, Guid statusId, Page<TaskItem> first, int max = 2000)
    {
        var cards = new List<TaskItem>();
        var cursor = first.NextCursor;
        while (cursor is not null && first.Data.Count + cards.Count < max)
        {
            var page = await ColumnPage(projectId, statusId, cursor);
            if (!page.Ok) return page;
            cards.AddRange(page.Value!.Data);
            cursor = page.Value.NextCursor;
        }
        return new ApiResult<Page<TaskItem>>(new Page<TaskItem>(cards, cursor), null);
    }

    public Task<ApiResult<TaskItem>> Create(Guid projectId, CreateTaskRequest request) => api.Post<TaskItem>($"v1/projects/{projectId}/tasks", request);
    public Task<ApiResult<TaskItem>> Get(Guid taskId) => api.Get<TaskItem>($"v1/tasks/{taskId}");

    /// <summary>A JSON merge patch (absent = unchanged, null = clear) guarded by the task's ETag.</summary>
    public Task<ApiResult<TaskItem>> Update(Guid taskId, IReadOnlyDictionary<string, object?> patch, string etag) =>
        api.Patch<TaskItem>($"v1/tasks/{taskId}", patch, etag);
    public Task<ApiResult<TaskItem>> Move(Guid taskId, MoveTaskRequest request) => api.Post<TaskItem>($"v1/tasks/{taskId}/move", request);

    /// <summary>204; a task with subtasks is refused (409 <c>task-has-subtasks</c>).</summary>
    public Task<ApiResult<NoBody>> Delete(Guid taskId) => api.Delete<NoBody>($"v1/tasks/{taskId}");

    /// <summary>Start or stop watching the task as the signed-in user (idempotent; the task's version does not change).</summary>
    public Task<ApiResult<NoBody>> Watch(Guid taskId, bool watch) => watch
        ? api.Put<NoBody>($"v1/tasks/{taskId}/watchers/me", new Dictionary<string, object>())
        : api.Delete<NoBody>($"v1/tasks/{taskId}/watchers/me");
    public Task<ApiResult<List<Comment>>> Comments(Guid taskId) => api.Get<List<Comment>>($"v1/tasks/{taskId}/comments");
    public Task<ApiResult<Comment>> AddComment(Guid taskId, string body) => api.Post<Comment>($"v1/tasks/{taskId}/comments", new CommentRequest(body));
    public Task<ApiResult<TaskSearchResults>> Search(Guid workspaceId, string q, int limit, CancellationToken ct = default) =>
        api.Get<TaskSearchResults>($"v1/workspaces/{workspaceId}/search?q={Uri.EscapeDataString(q)}&limit={limit}", ct);
    public Task<ApiResult<Page<ActivityEntry>>> Activity(Guid taskId) => api.Get<Page<ActivityEntry>>($"v1/tasks/{taskId}/activity?limit=50");
}
