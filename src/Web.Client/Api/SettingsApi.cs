namespace TaskFlow.Web.Client.Api;

// Client-side copies of the shapes the project and workspace settings pages send and read
// (src/Services/Projects/Features, src/Services/Workspaces/Features).

public sealed record ProjectMember(Guid UserId, string Role, DateTime AddedAt);
public sealed record UpdateProjectRequest(string? Name = null, string? Description = null, string? Visibility = null);
public sealed record ProjectMemberRequest(Guid UserId, string Role);
public sealed record RoleRequest(string Role);
public sealed record LabelRequest(string Name, string Color);
public sealed record CycleRequest(string Name, DateOnly? StartDate, DateOnly? EndDate);
public sealed record StatusRequest(string Name, string Category);
public sealed record StatusOrderRequest(Guid[] StatusIds);
public sealed record RenameWorkspaceRequest(string Name);

/// <summary>The set-up calls of a project's and a workspace's settings pages.</summary>
public sealed class SettingsApi(ApiClient api)
{
    // Project
    public Task<ApiResult<Project>> UpdateProject(Guid projectId, UpdateProjectRequest request) => api.Patch<Project>($"v1/projects/{projectId}", request);
    public Task<ApiResult<Project>> Archive(Guid projectId) => api.Post<Project>($"v1/projects/{projectId}/archive", null);
    public Task<ApiResult<Project>> Unarchive(Guid projectId) => api.Post<Project>($"v1/projects/{projectId}/unarchive", null);
    public Task<ApiResult<NoBody>> DeleteProject(Guid projectId) => api.Delete<NoBody>($"v1/projects/{projectId}");

    public Task<ApiResult<List<ProjectMember>>> ProjectMembers(Guid projectId) => api.Get<List<ProjectMember>>($"v1/projects/{projectId}/members");
    public Task<ApiResult<ProjectMember>> AddProjectMember(Guid projectId, Guid userId, string role) =>
        api.Post<ProjectMember>($"v1/projects/{projectId}/members", new ProjectMemberRequest(userId, role));
    public Task<ApiResult<ProjectMember>> ChangeProjectRole(Guid projectId, Guid userId, string role) =>
        api.Patch<ProjectMember>($"v1/projects/{projectId}/members/{userId}", new RoleRequest(role));
    public Task<ApiResult<NoBody>> RemoveProjectMember(Guid projectId, Guid userId) => api.Delete<NoBody>($"v1/projects/{projectId}/members/{userId}");

    public Task<ApiResult<List<ProjectLabel>>> Labels(Guid projectId) => api.Get<List<ProjectLabel>>($"v1/projects/{projectId}/labels");
    public Task<ApiResult<ProjectLabel>> CreateLabel(Guid projectId, LabelRequest request) => api.Post<ProjectLabel>($"v1/projects/{projectId}/labels", request);
    public Task<ApiResult<ProjectLabel>> UpdateLabel(Guid projectId, Guid labelId, LabelRequest request) => api.Patch<ProjectLabel>($"v1/projects/{projectId}/labels/{labelId}", request);
    public Task<ApiResult<NoBody>> DeleteLabel(Guid projectId, Guid labelId) => api.Delete<NoBody>($"v1/projects/{projectId}/labels/{labelId}");

    public Task<ApiResult<List<ProjectCycle>>> Cycles(Guid projectId) => api.Get<List<ProjectCycle>>($"v1/projects/{projectId}/cycles");
    public Task<ApiResult<ProjectCycle>> CreateCycle(Guid projectId, CycleRequest request) => api.Post<ProjectCycle>($"v1/projects/{projectId}/cycles", request);
    public Task<ApiResult<ProjectCycle>> UpdateCycle(Guid projectId, Guid cycleId, CycleRequest request) => api.Patch<ProjectCycle>($"v1/projects/{projectId}/cycles/{cycleId}", request);
    public Task<ApiResult<NoBody>> DeleteCycle(Guid projectId, Guid cycleId) => api.Delete<NoBody>($"v1/projects/{projectId}/cycles/{cycleId}");

    public Task<ApiResult<WorkflowStatus>> AddStatus(Guid projectId, StatusRequest request) => api.Post<WorkflowStatus>($"v1/projects/{projectId}/statuses", request);
    public Task<ApiResult<WorkflowStatus>> UpdateStatus(Guid projectId, Guid statusId, StatusRequest request) => api.Patch<WorkflowStatus>($"v1/projects/{projectId}/statuses/{statusId}", request);
    public Task<ApiResult<List<WorkflowStatus>>> ReorderStatuses(Guid projectId, Guid[] statusIds) =>
        api.Put<List<WorkflowStatus>>($"v1/projects/{projectId}/statuses/order", new StatusOrderRequest(statusIds));
    public Task<ApiResult<NoBody>> RemoveStatus(Guid projectId, Guid statusId, Guid moveTo) => api.Delete<NoBody>($"v1/projects/{projectId}/statuses/{statusId}?moveTo={moveTo}");

    // Workspace
    public Task<ApiResult<WorkspaceDetails>> RenameWorkspace(Guid workspaceId, string name) => api.Patch<WorkspaceDetails>($"v1/workspaces/{workspaceId}", new RenameWorkspaceRequest(name));
    public Task<ApiResult<NoBody>> DeleteWorkspace(Guid workspaceId) => api.Delete<NoBody>($"v1/workspaces/{workspaceId}");
    public Task<ApiResult<Member>> ChangeWorkspaceRole(Guid workspaceId, Guid userId, string role) =>
        api.Patch<Member>($"v1/workspaces/{workspaceId}/members/{userId}", new RoleRequest(role));
    public Task<ApiResult<NoBody>> RemoveWorkspaceMember(Guid workspaceId, Guid userId) => api.Delete<NoBody>($"v1/workspaces/{workspaceId}/members/{userId}");
    public Task<ApiResult<List<Invitation>>> Invitations(Guid workspaceId) => api.Get<List<Invitation>>($"v1/workspaces/{workspaceId}/invitations");
    public Task<ApiResult<Invitation>> ResendInvitation(Guid workspaceId, Guid invitationId) => api.Post<Invitation>($"v1/workspaces/{workspaceId}/invitations/{invitationId}/resend", null);
    public Task<ApiResult<NoBody>> RevokeInvitation(Guid workspaceId, Guid invitationId) => api.Delete<NoBody>($"v1/workspaces/{workspaceId}/invitations/{invitationId}");
}
