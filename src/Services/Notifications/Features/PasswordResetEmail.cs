using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Identity.Contracts;
using TaskFlow.Tasks.Contracts;
using TaskFlow.Workspaces.Contracts;
using TaskFlow.Notifications.Email;

namespace TaskFlow.Notifications.Features;

/// <summary>PasswordResetRequested → "Reset your password" with <c>{App:PublicUrl}/reset-password?token=…</c>.</summary>
internal sealed class PasswordResetEmailHandler(EmailQueue emails, EmailTemplates templates) : IIntegrationEventHandler<PasswordResetRequested>
{
    public Task Handle(PasswordResetRequested e, CancellationToken cancellationToken)
    {
        var content = EmailTemplates.Render(
            "Reset your password",
            e.DisplayName,
            ["Someone asked to reset the password of your TaskFlow account. Choose a new password with the link below."],
            ("Reset password", templates.Link("/reset-password", e.Token)),
            $"The link expires at {EmailTemplates.Expiry(e.ExpiresAt)}. If you did not ask for this, ignore this email: your password stays as it is.");
        emails.Add($"password-reset:{e.EventId}", e.Email, content);
        return Task.CompletedTask;
    }
}
