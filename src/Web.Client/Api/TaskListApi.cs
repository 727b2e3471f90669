using System.Globalization;

namespace TaskFlow.Web.Client.Api;

// Client-side copies of the list, bulk and saved-view shapes of the tasks service (src/Services/Tasks/Features:
// ListTasks.cs, BulkUpdate.cs, SavedViews.cs) and of the projects service's labels (ListLabels.cs).

/// <summary>A task as the list endpoints return it (the whole TaskResponse, labels included).</summary>
public sealed record ListTask(
    Guid Id, string Key, Guid ProjectId, string Title, Guid StatusId, string Priority, Guid[] AssigneeIds, DateOnly? DueDate,
    DateTime CreatedAt, DateTime UpdatedAt, int Version, TaskLabel[]? Labels)
{
    /// <summary>The ETag of this version, for If-Match (the API's ETag is the quoted version).</summary>
    public string ETag => "\"" + Version.ToString(CultureInfo.InvariantCulture) + "\"";
}

/// <summary>The list's filters and sort. Null = not filtered. <see cref="Assignee"/> is a user id or <c>me</c>.</summary>
public sealed record TaskQuery(string? Q = null, Guid? Status = null, string? Assignee = null, string? Priority = null, Guid? Label = null, string Sort = "created")
{
    public static readonly string[] Sorts = ["created", "updated", "dueDate", "priority", "key"];

    public static string SortName(string sort) => sort switch
    {
        "created" => "Newest",
        "updated" => "Recently updated",
        "dueDate" => "Due date",
        "priority" => "Priority",
        "key" => "Key",
        _ => sort,
    };

    /// <summary>The query string for <c>GET …/tasks</c> (without limit and cursor).</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) parts.Add(name + "=" + Uri.EscapeDataString(value.Trim()));
        }
        Add("q", Q);
        Add("status", Status?.ToString());
        Add("assignee", Assignee);
        Add("priority", Priority);
        Add("label", Label?.ToString());
        Add("sort", Sort);
        return string.Join('&', parts);
    }

    /// <summary>The filters a saved view stores; <c>assignee=me</c> stays "me", so a shared view shows each reader their own tasks.</summary>
    public Dictionary<string, string> ViewFilters()
    {
        var filters = new Dictionary<string, string>();
        if (!string.IsNullOrWhiteSpace(Q)) filters["q"] = Q.Trim();
        if (Status is { } s) filters["status"] = s.ToString();
        if (Assignee is { Length: > 0 } a) filters["assignee"] = a;
        if (Priority is { Length: > 0 } p) filters["priority"] = p;
        if (Label is { } l) filters["label"] = l.ToString();
        return filters;
    }

    public static TaskQuery FromView(SavedView view) => FromFilters(view.Filters, view.Sort);

    /// <summary>A query from filters by their API names (a saved view's, or the page address's); unknown values are dropped.</summary>
    public static TaskQuery FromFilters(IReadOnlyDictionary<string, string> filters, string? sort) => new(
        Blank(filters.GetValueOrDefault("q")),
        Guid.TryParse(filters.GetValueOrDefault("status"), out var s) ? s : null,
        Blank(filters.GetValueOrDefault("assignee")),
        Blank(filters.GetValueOrDefault("priority")),
        Guid.TryParse(filters.GetValueOrDefault("label"), out var l) ? l : null,
        sort is not null && Sorts.Contains(sort) ? sort : "created");

    /// <summary>The query as page-address parameters: every filter name, null where unset (so it is removed), sort only when not the default.</summary>
    public Dictionary<string, object?> AddressParameters()
    {
        var parameters = new Dictionary<string, object?> { ["q"] = null, ["status"] = null, ["assignee"] = null, ["priority"] = null, ["label"] = null };
        foreach (var (name, value) in ViewFilters()) parameters[name] = value;
        parameters["sort"] = Sort == "created" ? null : Sort;
        return parameters;
    }

    /// <summary>The query as it reads back from the page address (trimmed, unknown values dropped).</summary>
    public TaskQuery Normalized() => FromFilters(ViewFilters(), Sort);

    static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

public sealed record SavedView(
    Guid Id, Guid ProjectId, Guid OwnerId, string Name, Dictionary<string, string> Filters, string Sort, string Layout, bool Shared,
    DateTime CreatedAt, DateTime UpdatedAt);

public sealed record SaveViewRequest(string Name, Dictionary<string, string> Filters, string Sort, string Layout, bool Shared);

public sealed record BulkResult(int Updated, int Unchanged, List<ListTask> Tasks);

public sealed class TaskListApi(ApiClient api)
{
    public const int PageSize = 50;

    public Task<ApiResult<Page<ListTask>>> List(Guid projectId, TaskQuery query, string? cursor = null) =>
        api.Get<Page<ListTask>>($"v1/projects/{projectId}/tasks?{query.ToQueryString()}&limit={PageSize}{Cursor(cursor)}");

    /// <summary>Tasks across a workspace; <paramref name="query"/> as for the project list (e.g. <c>assignee=me&amp;sort=dueDate</c>).</summary>
    public Task<ApiResult<Page<ListTask>>> Workspace(Guid workspaceId, string query, string? cursor = null) =>
        api.Get<Page<ListTask>>($"v1/workspaces/{workspaceId}/tasks?{query}&limit=100{Cursor(cursor)}");

    public Task<ApiResult<ListTask>> Get(Guid taskId) => api.Get<ListTask>($"v1/tasks/{taskId}");

    /// <summary>A merge patch guarded by the row's version (412 when someone changed the task meanwhile).</summary>
    public Task<ApiResult<ListTask>> Update(ListTask task, IReadOnlyDictionary<string, object?> patch) =>
        api.Patch<ListTask>($"v1/tasks/{task.Id}", patch, task.ETag);

    /// <summary>A status change is a move to the bottom of that column.</summary>
    public Task<ApiResult<ListTask>> Move(Guid taskId, Guid statusId) =>
        api.Post<ListTask>($"v1/tasks/{taskId}/move", new MoveTaskRequest(statusId, null, null));

    /// <summary>Only the fields given are sent (an explicit null would mean "clear" for some of them).</summary>
    public Task<ApiResult<BulkResult>> Bulk(Guid projectId, IReadOnlyCollection<Guid> taskIds, Guid? statusId = null, string? priority = null, Guid? addAssignee = null)
    {
        var body = new Dictionary<string, object> { ["taskIds"] = taskIds.ToArray() };
        if (statusId is { } s) body["statusId"] = s;
        if (priority is not null) body["priority"] = priority;
        if (addAssignee is { } a) body["addAssigneeIds"] = new[] { a };
        return api.Post<BulkResult>($"v1/projects/{projectId}/tasks/bulk", body);
    }

    public Task<ApiResult<List<SavedView>>> Views(Guid projectId) => api.Get<List<SavedView>>($"v1/projects/{projectId}/views");
    public Task<ApiResult<SavedView>> SaveView(Guid projectId, SaveViewRequest request) => api.Post<SavedView>($"v1/projects/{projectId}/views", request);
    public Task<ApiResult<NoBody>> DeleteView(Guid viewId) => api.Delete<NoBody>($"v1/views/{viewId}");

    public Task<ApiResult<List<TaskLabel>>> Labels(Guid projectId) => api.Get<List<TaskLabel>>($"v1/projects/{projectId}/labels");

    static string Cursor(string? cursor) => cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor);

    /// <summary>Bulk errors keyed <c>tasks[{id}].field</c> become "KEY: message"; other keys are shown as they are.</summary>
    public static List<string> BulkErrors(ApiProblem problem, IReadOnlyDictionary<Guid, string> keys)
    {
        var lines = new List<string>();
        foreach (var (field, messages) in problem.Errors)
        {
            var text = string.Join(" ", messages);
            if (field.StartsWith("tasks[", StringComparison.Ordinal) && field.IndexOf(']', StringComparison.Ordinal) is var end and > 6
                && Guid.TryParse(field.AsSpan(6, end - 6), out var id))
                lines.Add($"{keys.GetValueOrDefault(id, id.ToString())}: {text}");
            else lines.Add(text);
        }
        if (lines.Count == 0) lines.Add(problem.Message);
        return lines;
    }
}
