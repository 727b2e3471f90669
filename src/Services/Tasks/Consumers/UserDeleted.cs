using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Identity.Contracts;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Consumers;

/// <summary>
/// An account was deleted (docs/adr/0030-personal-data.md): the copy of its address goes. Its memberships end through
/// the workspaces service's MemberRemoved; what it wrote (tasks, comments) stays, attributed to its id only.
/// </summary>
internal sealed class UserDeletedHandler(TasksDb db) : IIntegrationEventHandler<UserDeleted>
{
    public async Task Handle(UserDeleted e, CancellationToken cancellationToken)
    {
        if (await db.Users.FindAsync([e.UserId], cancellationToken) is { } user) db.Users.Remove(user);
    }
}
