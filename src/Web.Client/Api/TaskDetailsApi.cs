namespace TaskFlow.Web.Client.Api;

// Client-side copies of the shapes behind the task panel's sections: subtasks, relations, attachments (tasks service,
// src/Services/Tasks/Features/{ListTasks,Relations,Attachments,TaskSearch}.cs) and the project's labels and cycles
// (src/Services/Projects/Features/{Labels,Cycles}.cs).

/// <summary>A project's label; <see cref="Color"/> is #RRGGBB.</summary>
public sealed record ProjectLabel(Guid Id, string Name, string Color);

/// <summary>A project's cycle (sprint).</summary>
public sealed record ProjectCycle(Guid Id, string Name, DateOnly StartDate, DateOnly EndDate);

/// <summary>A relation as seen from one task: <c>blocks</c>, <c>blocked_by</c>, <c>relates_to</c>, <c>duplicates</c>, <c>duplicated_by</c>.</summary>
public sealed record TaskRelation(Guid Id, string Type, Guid TaskId, string Key, string Title);

/// <summary><see cref="Type"/> is one of <see cref="RelationTypes.Requestable"/>.</summary>
public sealed record RelationRequest(string Type, Guid TaskId);

public sealed record TaskAttachment(Guid Id, Guid TaskId, string FileName, string ContentType, long Size, Guid UploadedBy, DateTime UploadedAt);

public sealed record SearchHit(Guid TaskId, string Key, string Title, Guid ProjectId, string Snippet, double Rank);
public sealed record SearchResults(List<SearchHit> Data);

/// <summary>Another task to relate to, as the picker shows it.</summary>
public sealed record TaskRef(Guid Id, string Key, string Title);

public sealed record CreateSubtaskRequest(string Title, Guid ParentId);

public static class RelationTypes
{
    /// <summary>What a request may ask for; <c>duplicated_by</c> only appears in lists (the other side of duplicates).</summary>
    public static readonly string[] Requestable = ["blocks", "blocked_by", "relates_to", "duplicates"];

    public static string Describe(string type) => type switch
    {
        "blocks" => "blocks",
        "blocked_by" => "is blocked by",
        "relates_to" => "relates to",
        "duplicates" => "duplicates",
        "duplicated_by" => "is duplicated by",
        _ => type,
    };
}

public sealed class TaskDetailsApi(ApiClient api)
{
    /// <summary>The attachment size limit the tasks service applies by default (Tasks:Attachments:MaxBytes).</summary>
    public const long MaxAttachmentBytes = 25L * 1024 * 1024;

    public Task<ApiResult<Page<TaskItem>>> Subtasks(Guid projectId, Guid parentId) =>
        api.Get<Page<TaskItem>>($"v1/projects/{projectId}/tasks?parent={parentId}&sort=key&limit=100");
    public Task<ApiResult<TaskItem>> AddSubtask(Guid projectId, Guid parentId, string title) =>
        api.Post<TaskItem>($"v1/projects/{projectId}/tasks", new CreateSubtaskRequest(title, parentId));

    public Task<ApiResult<List<TaskRelation>>> Relations(Guid taskId) => api.Get<List<TaskRelation>>($"v1/tasks/{taskId}/relations");
    public Task<ApiResult<TaskRelation>> AddRelation(Guid taskId, RelationRequest request) => api.Post<TaskRelation>($"v1/tasks/{taskId}/relations", request);
    public Task<ApiResult<NoBody>> RemoveRelation(Guid taskId, Guid relationId) => api.Delete<NoBody>($"v1/tasks/{taskId}/relations/{relationId}");

    /// <summary>Tasks of the project by key (the picker matches keys and titles among them).</summary>
    public Task<ApiResult<Page<TaskItem>>> ProjectTasks(Guid projectId) => api.Get<Page<TaskItem>>($"v1/projects/{projectId}/tasks?sort=key&limit=100");
    public Task<ApiResult<SearchResults>> Search(Guid workspaceId, string q) =>
        api.Get<SearchResults>($"v1/workspaces/{workspaceId}/search?q={Uri.EscapeDataString(q)}&limit=10");

    public Task<ApiResult<List<TaskAttachment>>> Attachments(Guid taskId) => api.Get<List<TaskAttachment>>($"v1/tasks/{taskId}/attachments");

    /// <summary>
    /// Uploads one file as multipart/form-data (field <c>file</c>). <paramref name="open"/> is called for each attempt
    /// (a renewed session retries once); wrap the stream it returns to observe progress.
    /// </summary>
    public Task<ApiResult<TaskAttachment>> Upload(Guid taskId, string fileName, string contentType, Func<Stream> open, CancellationToken ct = default) =>
        api.PostFile<TaskAttachment>($"v1/tasks/{taskId}/attachments", new ApiFile("file", fileName, contentType, open), ct);

    public Task<ApiResult<(byte[] Bytes, string? FileName, string ContentType)>> Download(Guid attachmentId) => api.GetBytes($"v1/attachments/{attachmentId}/content");
    public Task<ApiResult<NoBody>> DeleteAttachment(Guid attachmentId) => api.Delete<NoBody>($"v1/attachments/{attachmentId}");

    public Task<ApiResult<List<ProjectLabel>>> Labels(Guid projectId) => api.Get<List<ProjectLabel>>($"v1/projects/{projectId}/labels");
    public Task<ApiResult<List<ProjectCycle>>> Cycles(Guid projectId) => api.Get<List<ProjectCycle>>($"v1/projects/{projectId}/cycles");
}
