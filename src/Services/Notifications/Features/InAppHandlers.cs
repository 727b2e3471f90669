using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Notifications.Consumed;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Email;

namespace TaskFlow.Notifications.Features;

/// <summary>TaskAssigned → the assignee is told "{actor} assigned you {task}" (not when they assigned themselves), in the app and by email.</summary>
internal sealed class TaskAssignedHandler(Notifier notifier) : IIntegrationEventHandler<TaskAssigned>
{
    public async Task Handle(TaskAssigned e, CancellationToken cancellationToken)
    {
        if (e.AssigneeId == e.ActorId) return;
        var actor = await notifier.NameOf(e.ActorId, cancellationToken);
        var task = await notifier.TaskLabel(e.TaskId, cancellationToken);
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
            Email: ($"{actor} assigned you {task}", "Open task")), cancellationToken);
    }
}

/// <summary>MemberMentioned → the mentioned user is told "{actor} mentioned you on {task}" (not when they mentioned themselves).</summary>
internal sealed class MentionHandler(Notifier notifier) : IIntegrationEventHandler<MemberMentioned>
{
    public async Task Handle(MemberMentioned e, CancellationToken cancellationToken)
    {
        if (e.MentionedUserId == e.MentionedByUserId) return;
        var actor = await notifier.NameOf(e.MentionedByUserId, cancellationToken);
        var task = await notifier.TaskLabel(e.TaskId, cancellationToken);
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
            Email: ($"{actor} mentioned you on {task}", "Open comment")), cancellationToken);
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
