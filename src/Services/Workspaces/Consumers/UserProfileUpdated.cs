using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Workspaces.Data;
using TaskFlow.Workspaces.Features;
using TaskFlow.Identity.Contracts;

namespace TaskFlow.Workspaces.Consumers;

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
