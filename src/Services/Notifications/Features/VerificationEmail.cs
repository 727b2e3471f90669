using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Identity.Contracts;
using TaskFlow.Tasks.Contracts;
using TaskFlow.Workspaces.Contracts;
using TaskFlow.Notifications.Email;

namespace TaskFlow.Notifications.Features;

/// <summary>EmailVerificationRequested → "Verify your email" with <c>{App:PublicUrl}/verify-email?token=…</c>.</summary>
internal sealed class VerificationEmailHandler(EmailQueue emails, EmailTemplates templates) : IIntegrationEventHandler<EmailVerificationRequested>
{
    public Task Handle(EmailVerificationRequested e, CancellationToken cancellationToken)
    {
        var content = EmailTemplates.Render(
            "Verify your email",
            e.DisplayName,
            [$"Please confirm that {EmailTemplates.OneLine(e.Email)} is your email address."],
            ("Verify email", templates.Link("/verify-email", e.Token)),
            $"The link expires at {EmailTemplates.Expiry(e.ExpiresAt)}. If you did not create a TaskFlow account, ignore this email.");
        emails.Add($"verify-email:{e.EventId}", e.Email, content);
        return Task.CompletedTask;
    }
}
