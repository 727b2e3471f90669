using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Workspaces.Data;
using TaskFlow.Workspaces.Features;

namespace TaskFlow.Workspaces.Consumers;

/// <summary>This service's copy of the identity service's event (the wire name is the type name).</summary>
internal sealed record UserProfileUpdated(Guid UserId, string Email, string DisplayName);

/// <summary>Keeps the email and display name on every membership of the user current. Setting values is idempotent.</summary>
internal sealed class UserProfileUpdatedHandler(WorkspacesDb db) : IIntegrationEventHandler<UserProfileUpdated>
{
    public async Task Handle(UserProfileUpdated integrationEvent, CancellationToken cancellationToken)
    {
        var memberships = await db.Memberships.Where(m => m.UserId == integrationEvent.UserId).ToListAsync(cancellationToken);
        foreach (var membership in memberships)
        {
            membership.Email = integrationEvent.Email;
            membership.NormalizedEmail = Claims.NormalizeEmail(integrationEvent.Email);
            membership.DisplayName = integrationEvent.DisplayName;
        }
    }
}
