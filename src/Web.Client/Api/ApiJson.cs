using System.Text.Json;
using System.Text.Json.Serialization;
using TaskFlow.Web.Client.Realtime;

namespace TaskFlow.Web.Client.Api;

/// <summary>
/// Generated JSON metadata for every shape the client sends or reads: API requests and responses, the session
/// endpoint's token and the hub's event messages. There is no reflection fallback (<see cref="ApiClient.Json"/>), so
/// the trimmer sees every constructor and property the client needs (TrimMode full, docs/adr/0014-web-start-up.md), and
/// a type missing here fails at once (NotSupportedException) instead of arriving empty. <c>ApiJsonTests</c> checks that
/// every type the API classes use is listed. Merge patches and the bulk body are dictionaries of objects: the value
/// types they carry (string, Guid, Guid[]) are listed too.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
// Identity and the session endpoint
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(RegisterResponse))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(ForgotPasswordRequest))]
[JsonSerializable(typeof(ResetPasswordRequest))]
[JsonSerializable(typeof(UserProfile))]
[JsonSerializable(typeof(UpdateProfileRequest))]
[JsonSerializable(typeof(DeleteAccountRequest))]
[JsonSerializable(typeof(SessionToken))]
// Workspaces
[JsonSerializable(typeof(List<WorkspaceSummary>))]
[JsonSerializable(typeof(WorkspaceDetails))]
[JsonSerializable(typeof(List<Member>))]
[JsonSerializable(typeof(CreateWorkspaceRequest))]
[JsonSerializable(typeof(InviteRequest))]
[JsonSerializable(typeof(Invitation))]
[JsonSerializable(typeof(AcceptedInvitation))]
// Projects, labels, cycles
[JsonSerializable(typeof(List<Project>))]
[JsonSerializable(typeof(ReportSummary))]
[JsonSerializable(typeof(CumulativeFlowReport))]
[JsonSerializable(typeof(ThroughputReport))]
[JsonSerializable(typeof(CycleTimeReport))]
[JsonSerializable(typeof(OverdueReport))]
[JsonSerializable(typeof(BurndownReport))]
[JsonSerializable(typeof(WorkloadReport))]
[JsonSerializable(typeof(WeeklyEmailSettings))]
[JsonSerializable(typeof(WorkspaceOverviewReport))]
[JsonSerializable(typeof(ExportJob))]
[JsonSerializable(typeof(StartExportRequest))]
[JsonSerializable(typeof(CreateProjectRequest))]
[JsonSerializable(typeof(List<WorkflowStatus>))]
[JsonSerializable(typeof(List<ProjectLabel>))]
[JsonSerializable(typeof(List<ProjectCycle>))]
[JsonSerializable(typeof(List<TaskLabel>))]
// Project and workspace settings (SettingsApi)
[JsonSerializable(typeof(Project))]
[JsonSerializable(typeof(UpdateProjectRequest))]
[JsonSerializable(typeof(List<ProjectMember>))]
[JsonSerializable(typeof(ProjectMember))]
[JsonSerializable(typeof(ProjectMemberRequest))]
[JsonSerializable(typeof(RoleRequest))]
[JsonSerializable(typeof(ProjectLabel))]
[JsonSerializable(typeof(LabelRequest))]
[JsonSerializable(typeof(ProjectCycle))]
[JsonSerializable(typeof(CycleRequest))]
[JsonSerializable(typeof(WorkflowStatus))]
[JsonSerializable(typeof(StatusRequest))]
[JsonSerializable(typeof(StatusOrderRequest))]
[JsonSerializable(typeof(RenameWorkspaceRequest))]
[JsonSerializable(typeof(Member))]
[JsonSerializable(typeof(List<Invitation>))]
// Tasks: board, list, panel
[JsonSerializable(typeof(Page<TaskItem>))]
[JsonSerializable(typeof(Page<ListTask>))]
[JsonSerializable(typeof(CreateTaskRequest))]
[JsonSerializable(typeof(CreateSubtaskRequest))]
[JsonSerializable(typeof(MoveTaskRequest))]
[JsonSerializable(typeof(List<Comment>))]
[JsonSerializable(typeof(CommentRequest))]
[JsonSerializable(typeof(Page<ActivityEntry>))]
[JsonSerializable(typeof(TaskSearchResults))]
[JsonSerializable(typeof(SearchResults))]
[JsonSerializable(typeof(List<TaskRelation>))]
[JsonSerializable(typeof(RelationRequest))]
[JsonSerializable(typeof(List<TaskAttachment>))]
[JsonSerializable(typeof(BulkResult))]
[JsonSerializable(typeof(List<SavedView>))]
[JsonSerializable(typeof(SaveViewRequest))]
// The "New task" dialog, import (ImportReport) and the inbox (TeamApi)
[JsonSerializable(typeof(NewTaskRequest))]
[JsonSerializable(typeof(ImportReport))]
// Notifications
[JsonSerializable(typeof(NotificationPage))]
[JsonSerializable(typeof(Dictionary<string, ChannelSettings>))]
[JsonSerializable(typeof(DeliverySettings))]
// Merge patches (Dictionary<string, object?>), the bulk body (Dictionary<string, object>) and the values they hold
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Guid))]
[JsonSerializable(typeof(Guid[]))]
[JsonSerializable(typeof(double))]
// The realtime hub's "event" message
[JsonSerializable(typeof(ProjectEvent))]
internal sealed partial class ApiJson : JsonSerializerContext;
