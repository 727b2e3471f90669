namespace TaskFlow.Web.Client.Api;

// Client-side copies of the workspaces service's shapes (src/Services/Workspaces/Features).

public sealed record WorkspaceSummary(Guid Id, string Name, string Slug, string Role, DateTime CreatedAt);
public sealed record WorkspaceDetails(Guid Id, string Name, string Slug, string Role, DateTime CreatedAt, int MemberCount);
public sealed record Member(Guid UserId, string Email, string DisplayName, string Role, DateTime JoinedAt);
public sealed record CreateWorkspaceRequest(string Name);
public sealed record InviteRequest(string Email, string Role);
// Resent: true when inviting the address again re-sent its pending invitation.
public sealed record Invitation(Guid Id, string Email, string Role, DateTime ExpiresAt, string Status, bool Resent = false);
public sealed record AcceptedInvitation(Guid WorkspaceId, string Role);

public sealed class WorkspacesApi(ApiClient api)
{
    public Task<ApiResult<List<WorkspaceSummary>>> List() => api.Get<List<WorkspaceSummary>>("v1/workspaces");
    public Task<ApiResult<WorkspaceDetails>> Get(Guid id) => api.Get<WorkspaceDetails>($"v1/workspaces/{id}");
    public Task<ApiResult<WorkspaceSummary>> Create(string name) => api.Post<WorkspaceSummary>("v1/workspaces", new CreateWorkspaceRequest(name));
    public Task<ApiResult<List<Member>>> Members(Guid id) => api.Get<List<Member>>($"v1/workspaces/{id}/members");
    public Task<ApiResult<Invitation>> Invite(Guid id, string email, string role) => api.Post<Invitation>($"v1/workspaces/{id}/invitations", new InviteRequest(email, role));
    public Task<ApiResult<AcceptedInvitation>> Accept(string token) => api.Post<AcceptedInvitation>("v1/invitations/accept", new TokenRequest(token));
}
