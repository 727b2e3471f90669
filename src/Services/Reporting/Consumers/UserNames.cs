using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Identity.Contracts;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Consumers;

/// <summary>
/// Display names for the workspace overview, from the identity service's events (last writer wins by OccurredAt).
/// <see cref="UserDeletedHandler"/> erases the name and keeps a tombstone (docs/adr/0030).
/// </summary>
internal sealed class UserNames(ReportingDb db)
{
    public async Task Apply(Guid userId, string? displayName, bool deleted, DateTime occurredAt, CancellationToken ct)
    {
        var user = await db.Users.FindAsync([userId], ct);
        if (user is null) db.Users.Add(user = new KnownUser { Id = userId, UpdatedAt = DateTime.MinValue.ToUniversalTime() });
        if (deleted)
        {
            (user.Deleted, user.DisplayName) = (true, "");
            if (occurredAt > user.UpdatedAt) user.UpdatedAt = occurredAt;
            return;
        }
        if (user.Deleted || occurredAt < user.UpdatedAt) return;
        (user.DisplayName, user.UpdatedAt) = ((displayName ?? "").Trim(), occurredAt);
    }
}

internal sealed class UserRegisteredHandler(UserNames names) : IIntegrationEventHandler<UserRegistered>
{
    public Task Handle(UserRegistered e, CancellationToken ct) => names.Apply(e.UserId, e.DisplayName, deleted: false, e.OccurredAt, ct);
}

internal sealed class UserProfileUpdatedHandler(UserNames names) : IIntegrationEventHandler<UserProfileUpdated>
{
    public Task Handle(UserProfileUpdated e, CancellationToken ct) => names.Apply(e.UserId, e.DisplayName, deleted: false, e.OccurredAt, ct);
}

internal sealed class UserDeletedHandler(UserNames names) : IIntegrationEventHandler<UserDeleted>
{
    public Task Handle(UserDeleted e, CancellationToken ct) => names.Apply(e.UserId, null, deleted: true, e.OccurredAt, ct);
}
