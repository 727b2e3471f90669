using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Tasks.Data;
using TaskFlow.Workspaces.Contracts;
using TaskFlow.Identity.Contracts;

namespace TaskFlow.Tasks.Consumers;

/// <summary>Remembers each user's email (normalized) so comments can resolve <c>@email</c> mentions.</summary>
internal sealed class UserDirectory(TasksDb db)
{
    public async Task Apply(Guid userId, string email, DateTime occurredAt, CancellationToken ct)
    {
        var normalized = email.Trim().ToLowerInvariant();
        var user = await db.Users.FindAsync([userId], ct);
        if (user is null) db.Users.Add(new KnownUser { Id = userId, NormalizedEmail = normalized, UpdatedAt = occurredAt });
        else if (occurredAt >= user.UpdatedAt) (user.NormalizedEmail, user.UpdatedAt) = (normalized, occurredAt);
    }
}

internal sealed class UserRegisteredHandler(UserDirectory users) : IIntegrationEventHandler<UserRegistered>
{
    public Task Handle(UserRegistered e, CancellationToken ct) => users.Apply(e.UserId, e.Email, e.OccurredAt, ct);
}

internal sealed class UserProfileUpdatedHandler(UserDirectory users) : IIntegrationEventHandler<UserProfileUpdated>
{
    public Task Handle(UserProfileUpdated e, CancellationToken ct) => users.Apply(e.UserId, e.Email, e.OccurredAt, ct);
}
