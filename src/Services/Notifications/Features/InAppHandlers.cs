using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Identity.Contracts;
using TaskFlow.Tasks.Contracts;
using TaskFlow.Workspaces.Contracts;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Email;

namespace TaskFlow.Notifications.Features;

/// <summary>TaskAssigned → the assignee is told "{actor} assigned you {KEY title}" (not when they assigned themselves).</summary>
internal sealed class TaskAssignedHandler(Notifier notifier) : IIntegrationEventHandler<TaskAssigned>
{
    public async Task Handle(TaskAssigned e, CancellationToken cancellationToken)
    {
        if (e.AssigneeId == e.ActorId) return;
        var actor = await notifier.NameOf(e.ActorId, cancellationToken);
        var task = await notifier.TaskLabel(e.TaskId, e.Key, e.Title, cancellationToken);
        await notifier.Notify(new NotificationRequest(
            $"{NotificationKinds.TaskAssigned}:{e.EventId}:{e.AssigneeId:N}",
            e.AssigneeId,
            NotificationKinds.TaskAssigned,
            $"{actor} assigned you {task}",
            null,
            $"/tasks/{e.TaskId}",
            ActorId: e.ActorId,
            TaskId: e.TaskId,
            ProjectId: e.ProjectId,
            WorkspaceId: NullIfEmpty(e.WorkspaceId)), cancellationToken);
    }

    internal static Guid? NullIfEmpty(Guid id) => id == Guid.Empty ? null : id;
}

/// <summary>MemberMentioned → the mentioned user is told "{actor} mentioned you on {KEY title}" (not when they mentioned themselves).</summary>
internal sealed class MentionHandler(Notifier notifier) : IIntegrationEventHandler<MemberMentioned>
{
    public async Task Handle(MemberMentioned e, CancellationToken cancellationToken)
    {
        if (e.MentionedUserId == e.MentionedByUserId) return;
        var actor = await notifier.NameOf(e.MentionedByUserId, cancellationToken);
        var task = await notifier.TaskLabel(e.TaskId, e.Key, e.Title, cancellationToken);
        await notifier.Notify(new NotificationRequest(
            $"{NotificationKinds.Mentioned}:{e.EventId}:{e.MentionedUserId:N}",
            e.MentionedUserId,
            NotificationKinds.Mentioned,
            $"{actor} mentioned you on {task}",
            null,
            $"/tasks/{e.TaskId}",
            ActorId: e.MentionedByUserId,
            TaskId: e.TaskId,
            ProjectId: e.ProjectId,
            WorkspaceId: TaskAssignedHandler.NullIfEmpty(e.WorkspaceId)), cancellationToken);
    }
}

/// <summary>
/// CommentAdded → every watcher except the author and those the comment mentions (they hear about it once, from
/// MemberMentioned): "{author} commented on {KEY title}" with the excerpt.
/// </summary>
internal sealed class CommentAddedHandler(Notifier notifier) : IIntegrationEventHandler<CommentAdded>
{
    public async Task Handle(CommentAdded e, CancellationToken cancellationToken)
    {
        var actor = await notifier.NameOf(e.AuthorId, cancellationToken);
        var task = await notifier.TaskLabel(e.TaskId, e.Key, e.Title, cancellationToken);
        var excerpt = string.IsNullOrWhiteSpace(e.Excerpt) ? null : e.Excerpt.Trim();
        await notifier.NotifyEach(e.WatcherIds.Except(e.MentionedUserIds ?? []), e.AuthorId, recipient => new NotificationRequest(
            $"{NotificationKinds.CommentAdded}:{e.EventId}:{recipient:N}",
            recipient,
            NotificationKinds.CommentAdded,
            $"{actor} commented on {task}",
            excerpt,
            $"/tasks/{e.TaskId}",
            ActorId: e.AuthorId,
            TaskId: e.TaskId,
            ProjectId: e.ProjectId,
            WorkspaceId: TaskAssignedHandler.NullIfEmpty(e.WorkspaceId)), cancellationToken);
    }
}

/// <summary>
/// TaskMoved to another status, or TaskUpdated naming <c>status</c> → every watcher except the actor:
/// "{actor} changed the status of {KEY title}". A move within the same column notifies nobody.
/// </summary>
internal sealed class StatusChangedHandler(Notifier notifier) : IIntegrationEventHandler<TaskMoved>, IIntegrationEventHandler<TaskUpdated>
{
    public Task Handle(TaskMoved e, CancellationToken cancellationToken) =>
        e.FromStatusId == e.ToStatusId
            ? Task.CompletedTask
            : Notify(e.EventId, e.TaskId, e.ProjectId, e.WorkspaceId, e.ActorId, e.Key, e.Title, e.WatcherIds, cancellationToken);

    public Task Handle(TaskUpdated e, CancellationToken cancellationToken) =>
        e.ChangedFields?.Contains("status", StringComparer.OrdinalIgnoreCase) != true
            ? Task.CompletedTask
            : Notify(e.EventId, e.TaskId, e.ProjectId, e.WorkspaceId, e.ActorId, e.Key, e.Title, e.WatcherIds, cancellationToken);

    async Task Notify(Guid eventId, Guid taskId, Guid projectId, Guid workspaceId, Guid actorId, string? key, string? title, Guid[]? watchers, CancellationToken ct)
    {
        // Most moves are made by the task's only watcher: nobody to tell, so no name or label to read (issue 19).
        if (!Notifier.AnyRecipient(watchers, actorId)) return;
        var actor = await notifier.NameOf(actorId, ct);
        var task = await notifier.TaskLabel(taskId, key, title, ct);
        await notifier.NotifyEach(watchers, actorId, recipient => new NotificationRequest(
            $"{NotificationKinds.StatusChanged}:{eventId}:{recipient:N}",
            recipient,
            NotificationKinds.StatusChanged,
            $"{actor} changed the status of {task}",
            null,
            $"/tasks/{taskId}",
            ActorId: actorId == Guid.Empty ? null : actorId,
            TaskId: taskId,
            ProjectId: projectId,
            WorkspaceId: TaskAssignedHandler.NullIfEmpty(workspaceId)), ct);
    }
}

/// <summary>TaskDueReminder → assignees and watchers: "{KEY title} is due tomorrow" (<c>due_soon</c>) or "… is overdue" (<c>overdue</c>), once per task × kind × due date.</summary>
internal sealed class DueReminderHandler(Notifier notifier) : IIntegrationEventHandler<TaskDueReminder>
{
    public async Task Handle(TaskDueReminder e, CancellationToken cancellationToken)
    {
        var kind = e.Kind switch
        {
            "due_soon" => NotificationKinds.DueSoon,
            "overdue" => NotificationKinds.Overdue,
            _ => null,
        };
        if (kind is null) return;
        var task = await notifier.TaskLabel(e.TaskId, e.Key, e.Title, cancellationToken);
        var date = e.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var title = kind == NotificationKinds.DueSoon ? $"{task} is due tomorrow ({date})" : $"{task} is overdue (due {date})";
        await notifier.NotifyEach((e.AssigneeIds ?? []).Concat(e.WatcherIds ?? []), null, recipient => new NotificationRequest(
            $"{kind}:{e.TaskId:N}:{date}:{recipient:N}",
            recipient,
            kind,
            title,
            null,
            $"/tasks/{e.TaskId}",
            TaskId: e.TaskId,
            ProjectId: e.ProjectId,
            WorkspaceId: TaskAssignedHandler.NullIfEmpty(e.WorkspaceId)), cancellationToken);
    }
}

/// <summary>MemberAdded → "You were added to {workspace}", except for the workspace's creator.</summary>
internal sealed class MemberAddedHandler(NotificationsDb db, Notifier notifier) : IIntegrationEventHandler<MemberAdded>
{
    public async Task Handle(MemberAdded e, CancellationToken cancellationToken)
    {
        var workspace = await db.Workspaces.AsNoTracking().SingleOrDefaultAsync(w => w.Id == e.WorkspaceId, cancellationToken);
        if (workspace?.OwnerId == e.UserId) return;
        var title = workspace is null ? "You were added to a workspace" : $"You were added to {EmailTemplates.OneLine(workspace.Name)}";
        var role = EmailTemplates.OneLine(e.Role);
        await notifier.Notify(new NotificationRequest(
            $"{NotificationKinds.AddedToWorkspace}:{e.EventId}:{e.UserId:N}",
            e.UserId,
            NotificationKinds.AddedToWorkspace,
            title,
            $"Your role: {role}.",
            $"/workspaces/{e.WorkspaceId}",
            WorkspaceId: e.WorkspaceId), cancellationToken);
    }
}

/// <summary>InvitationCreated → if the invited address belongs to a known user, "{inviter} invited you to {workspace}" in the app (the email is sent by <see cref="InvitationEmailHandler"/>).</summary>
internal sealed class InvitationNoticeHandler(NotificationsDb db, Notifier notifier) : IIntegrationEventHandler<InvitationCreated>
{
    public async Task Handle(InvitationCreated e, CancellationToken cancellationToken)
    {
        var normalized = e.Email.Trim().ToLowerInvariant();
        var users = await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).ToListAsync(cancellationToken);
        foreach (var userId in users)
        {
            await notifier.Notify(new NotificationRequest(
                $"{NotificationKinds.InvitedToWorkspace}:{e.EventId}:{userId:N}",
                userId,
                NotificationKinds.InvitedToWorkspace,
                $"{EmailTemplates.OneLine(e.InvitedByName)} invited you to {EmailTemplates.OneLine(e.WorkspaceName)}",
                "Open the invitation email, or your invitations, to accept it.",
                "/invitations",
                WorkspaceId: e.WorkspaceId), cancellationToken);
        }
    }
}
