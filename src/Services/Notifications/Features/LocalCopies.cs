using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Identity.Contracts;
using TaskFlow.Tasks.Contracts;
using TaskFlow.Workspaces.Contracts;
using TaskFlow.Notifications.Data;

namespace TaskFlow.Notifications.Features;

/// <summary>UserRegistered / UserProfileUpdated → the local <c>users</c> copy (names in texts, addresses for emails).</summary>
internal sealed class UserCopyHandler(NotificationsDb db) : IIntegrationEventHandler<UserRegistered>, IIntegrationEventHandler<UserProfileUpdated>
{
    public Task Handle(UserRegistered e, CancellationToken cancellationToken) => Upsert(e.UserId, e.Email, e.DisplayName, cancellationToken);

    public Task Handle(UserProfileUpdated e, CancellationToken cancellationToken) => Upsert(e.UserId, e.Email, e.DisplayName, cancellationToken);

    async Task Upsert(Guid id, string email, string displayName, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            user = new KnownUser { Id = id, Email = email, NormalizedEmail = "", DisplayName = displayName };
            db.Users.Add(user);
        }
        user.Email = email.Trim();
        user.NormalizedEmail = email.Trim().ToLowerInvariant();
        user.DisplayName = displayName;
    }
}

/// <summary>WorkspaceCreated → the local <c>workspaces</c> copy; also withdraws an "added" notice the owner may have got first.</summary>
internal sealed class WorkspaceCopyHandler(NotificationsDb db) : IIntegrationEventHandler<WorkspaceCreated>
{
    public async Task Handle(WorkspaceCreated e, CancellationToken cancellationToken)
    {
        var workspace = await db.Workspaces.SingleOrDefaultAsync(w => w.Id == e.WorkspaceId, cancellationToken);
        if (workspace is null)
        {
            workspace = new KnownWorkspace { Id = e.WorkspaceId, Name = e.Name, OwnerId = e.OwnerId };
            db.Workspaces.Add(workspace);
        }
        workspace.Name = e.Name;
        workspace.OwnerId = e.OwnerId;

        // Events are not ordered across handlers: if the owner's MemberAdded came first, the creator was told
        // "you were added" about their own workspace. Take it back.
        var stray = await db.Notifications
            .Where(n => n.Kind == NotificationKinds.AddedToWorkspace && n.WorkspaceId == e.WorkspaceId && n.RecipientId == e.OwnerId)
            .ToListAsync(cancellationToken);
        db.Notifications.RemoveRange(stray);
    }
}

/// <summary>TaskCreated / TaskUpdated → the local <c>tasks</c> copy (key and title for texts, for events that do not carry them).</summary>
internal sealed class TaskCopyHandler(NotificationsDb db) : IIntegrationEventHandler<TaskCreated>, IIntegrationEventHandler<TaskUpdated>
{
    public async Task Handle(TaskCreated e, CancellationToken cancellationToken)
    {
        if (await db.Tasks.AnyAsync(t => t.Id == e.TaskId, cancellationToken)) return;
        db.Tasks.Add(new KnownTask { Id = e.TaskId, ProjectId = e.ProjectId, Key = e.Key, Title = e.Title });
    }

    public async Task Handle(TaskUpdated e, CancellationToken cancellationToken)
    {
        // Payloads from before the contract carried the title have none: keep what is known.
        if (string.IsNullOrWhiteSpace(e.Key) || string.IsNullOrWhiteSpace(e.Title)) return;
        var task = await db.Tasks.SingleOrDefaultAsync(t => t.Id == e.TaskId, cancellationToken);
        if (task is null)
            db.Tasks.Add(new KnownTask { Id = e.TaskId, ProjectId = e.ProjectId, Key = e.Key, Title = e.Title });
        else
        {
            task.Key = e.Key;
            task.Title = e.Title;
        }
    }
}
