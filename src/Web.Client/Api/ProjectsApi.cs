namespace TaskFlow.Web.Client.Api;

// Client-side copies of the projects service's shapes (src/Services/Projects/Features).

public sealed record Project(
    Guid Id, Guid WorkspaceId, string Key, string Name, string? Description, Guid? LeadId,
    DateOnly? StartDate, DateOnly? TargetDate, bool Archived, DateTime? ArchivedAt, DateTime CreatedAt, Guid CreatedBy, string Role,
    string Visibility = "workspace")
{
    /// <summary>Project members and admins may change tasks; viewers and readers only look.</summary>
    public bool CanWrite => !Archived && Role is "admin" or "member";
}

public sealed record WorkflowStatus(Guid Id, string Name, string Category, int Position);
public sealed record CreateProjectRequest(string Name, string Key, string? Description);

public sealed class ProjectsApi(ApiClient api)
{
    public Task<ApiResult<List<Project>>> List(Guid workspaceId) => api.Get<List<Project>>($"v1/workspaces/{workspaceId}/projects");
    public Task<ApiResult<Project>> Get(Guid projectId) => api.Get<Project>($"v1/projects/{projectId}");
    public Task<ApiResult<Project>> Create(Guid workspaceId, CreateProjectRequest request) => api.Post<Project>($"v1/workspaces/{workspaceId}/projects", request);
    public Task<ApiResult<List<WorkflowStatus>>> Statuses(Guid projectId) => api.Get<List<WorkflowStatus>>($"v1/projects/{projectId}/statuses");
}
