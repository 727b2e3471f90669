global using TaskFlow.Identity.Contracts;
global using TaskFlow.Tasks.Contracts;
global using TaskFlow.Workspaces.Contracts;

// The tests publish the producers' own records (src/Contracts): a renamed or retyped field breaks this build.
// Identity and workspaces events are written into an outbox so they travel the real dispatcher → transport → inbox path.
namespace TaskFlow.Notifications.Tests;

/// <summary>
/// Tasks' events as the previous release published them, before they carried the workspace, key, title and lists: the
/// fields it did not send are null or empty, and the consumer falls back to its local copy of the task.
/// </summary>
static class PreviousRelease
{
    public static TaskCreated TaskCreated(Guid taskId, Guid projectId, Guid workspaceId, string key, string title, Guid reporterId) =>
        new(taskId, projectId, workspaceId, key, title, reporterId, default, null!, null, null!, null!);

    public static TaskAssigned TaskAssigned(Guid taskId, Guid projectId, Guid assigneeId, Guid actorId) =>
        new(taskId, projectId, assigneeId, actorId, default, null!, null!);

    public static MemberMentioned MemberMentioned(Guid taskId, Guid projectId, Guid commentId, Guid mentionedUserId, Guid mentionedByUserId) =>
        new(taskId, projectId, commentId, mentionedUserId, mentionedByUserId, default, null!, null!);
}
