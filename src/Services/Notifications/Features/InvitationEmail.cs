using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Identity.Contracts;
using TaskFlow.Tasks.Contracts;
using TaskFlow.Workspaces.Contracts;
using TaskFlow.Notifications.Email;

namespace TaskFlow.Notifications.Features;

/// <summary>InvitationCreated → invitation email with <c>{App:PublicUrl}/invitations/accept?token=…</c>.</summary>
internal sealed class InvitationEmailHandler(EmailQueue emails, EmailTemplates templates) : IIntegrationEventHandler<InvitationCreated>
{
    public Task Handle(InvitationCreated e, CancellationToken cancellationToken)
    {
        var inviter = EmailTemplates.OneLine(e.InvitedByName);
        var workspace = EmailTemplates.OneLine(e.WorkspaceName);
        var role = EmailTemplates.OneLine(e.Role);
        var content = EmailTemplates.Render(
            $"{inviter} invited you to {workspace} on TaskFlow",
            greetingName: null,
            [$"{inviter} invited you to join the workspace \"{workspace}\" on TaskFlow as {Article(role)} {role}."],
            ("Accept invitation", templates.Link("/invitations/accept", e.Token)),
            $"The invitation expires at {EmailTemplates.Expiry(e.ExpiresAt)}. If you do not know {inviter}, ignore this email.");
        emails.Add($"invitation:{e.EventId}", e.Email, content);
        return Task.CompletedTask;
    }

    static string Article(string word) =>
        word.Length > 0 && "aeiouAEIOU".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";
}
