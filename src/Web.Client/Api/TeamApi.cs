using System.Globalization;

namespace TaskFlow.Web.Client.Api;

// The calls behind the screens a team expects next to the board: the "New task" dialog, the inbox, the calendar and the
// project's import and export (tasks service: CreateTask.cs, ListTasks.cs, ImportTasks.cs, ExportTasks.cs; notifications
// service: InAppNotifications.cs).

/// <summary>Every field of a new task, as <c>POST /v1/projects/{id}/tasks</c> takes it (null = not given).</summary>
public sealed record NewTaskRequest(
    string Title, string? Description, Guid? StatusId, string? Priority, Guid[]? AssigneeIds, DateOnly? DueDate, DateOnly? StartDate,
    double? Estimate, Guid? ParentId, Guid[]? LabelIds, Guid? CycleId);

/// <summary>One problem of one row of an imported file (the header is row 1).</summary>
public sealed record ImportError(int Row, string Field, string Message);

/// <summary>What an import did; <see cref="Warnings"/> lists what a Trello or Jira import mapped or left out.</summary>
public sealed record ImportReport(int Imported, int Skipped, List<ImportError> Errors, List<ImportError>? Warnings = null);

/// <summary>The inbox's filters: null = all.</summary>
public sealed record InboxFilter(bool UnreadOnly = false, string? Kind = null, Guid? ProjectId = null)
{
    public string ToQueryString()
    {
        var parts = new List<string> { "limit=50" };
        if (UnreadOnly) parts.Add("unread=true");
        if (!string.IsNullOrEmpty(Kind)) parts.Add("kind=" + Uri.EscapeDataString(Kind));
        if (ProjectId is { } p) parts.Add("projectId=" + p);
        return string.Join('&', parts);
    }
}

public sealed class TeamApi(ApiClient api)
{
    public Task<ApiResult<TaskItem>> CreateTask(Guid projectId, NewTaskRequest request) => api.Post<TaskItem>($"v1/projects/{projectId}/tasks", request);

    /// <summary>Tasks due between <paramref name="from"/> and <paramref name="to"/> (both included), by due date; at most 100 per page.</summary>
    public Task<ApiResult<Page<ListTask>>> DueBetween(Guid projectId, DateOnly from, DateOnly to, string? cursor = null) =>
        api.Get<Page<ListTask>>($"v1/projects/{projectId}/tasks?dueAfter={Date(from)}&dueBefore={Date(to)}&sort=dueDate&limit=100"
            + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));

    public Task<ApiResult<NotificationPage>> Inbox(InboxFilter filter, string? cursor = null) =>
        api.Get<NotificationPage>("v1/notifications?" + filter.ToQueryString() + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));

    public Task<ApiResult<NoBody>> MarkRead(Guid id) => api.Post<NoBody>($"v1/notifications/{id}/read", null);
    public Task<ApiResult<NoBody>> MarkUnread(Guid id) => api.Post<NoBody>($"v1/notifications/{id}/unread", null);
    public Task<ApiResult<NoBody>> MarkAllRead() => api.Post<NoBody>("v1/notifications/read-all", null);

    /// <summary>The project's tasks as CSV (the list's filters are not applied: every task).</summary>
    public Task<ApiResult<(byte[] Bytes, string? FileName, string ContentType)>> Export(Guid projectId) => api.GetBytes($"v1/projects/{projectId}/tasks/export");

    /// <summary>
    /// Imports a file as multipart/form-data; <paramref name="format"/> is <c>csv</c> (TaskFlow's columns), <c>trello</c> (a board's JSON
    /// export) or <c>jira</c> (a Jira CSV export). Valid rows are
    /// imported and the others reported (skipInvalid=true).
    /// </summary>
    public Task<ApiResult<ImportReport>> Import(Guid projectId, string format, string fileName, string contentType, Func<Stream> open, CancellationToken ct = default) =>
        api.PostFile<ImportReport>($"v1/projects/{projectId}/tasks/import?skipInvalid=true" + (format == "csv" ? "" : "&format=" + Uri.EscapeDataString(format)),
            new ApiFile("file", fileName, contentType, open), ct);

    static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
