using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Identity.Contracts;
using TaskFlow.Tasks.Contracts;
using TaskFlow.Workspaces.Contracts;
using TaskFlow.Notifications.Email;

namespace TaskFlow.Notifications.Features;

/// <summary>UserRegistered → "Welcome to TaskFlow".</summary>
internal sealed class WelcomeEmailHandler(EmailQueue emails, EmailTemplates templates) : IIntegrationEventHandler<UserRegistered>
{
    public Task Handle(UserRegistered e, CancellationToken cancellationToken)
    {
        var content = EmailTemplates.Render(
            "Welcome to TaskFlow",
            e.DisplayName,
            ["Your TaskFlow account is ready. Create a workspace, invite your team and start planning."],
            ("Open TaskFlow", templates.Link("/")),
            $"You received this email because an account was created for {EmailTemplates.OneLine(e.Email)}.");
        emails.Add($"welcome:{e.EventId}", e.Email, content);
        return Task.CompletedTask;
    }
}
