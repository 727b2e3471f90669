using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Workspaces.Data;
using TaskFlow.Identity.Contracts;
using TaskFlow.Workspaces.Contracts;
using TaskFlow.Workspaces.Features;

namespace TaskFlow.Workspaces.Consumers;

/// <summary>
/// An account was deleted (docs/adr/0030-personal-data.md): its memberships end (MemberRemoved), a workspace it was
/// alone in is deleted (WorkspaceDeleted), and a workspace it alone owned gets another owner (the longest-standing admin,
/// else member, else viewer: MemberRoleChanged) — identity refuses the deletion in that case, so this only happens when it
/// could not ask. Invitations to its address are deleted; invitations it sent keep no name. Idempotent.
/// </summary>
internal sealed class UserDeletedHandler(WorkspacesDb db) : IIntegrationEventHandler<UserDeleted>
{
    public const string DeletedUserName = "Deleted user";

    public async Task Handle(UserDeleted e, CancellationToken cancellationToken)
    {
        var memberships = await db.Memberships.Include(m => m.Workspace).Where(m => m.UserId == e.UserId).ToListAsync(cancellationToken);
        foreach (var membership in memberships)
        {
            var others = await db.Memberships.Where(m => m.WorkspaceId == membership.WorkspaceId && m.UserId != e.UserId).ToListAsync(cancellationToken);
            if (others.Count == 0)
            {
                db.Workspaces.Remove(membership.Workspace);
                db.Publish(new WorkspaceDeleted(membership.WorkspaceId));
                continue;
            }
            if (membership.Role == WorkspaceRole.Owner && !others.Any(o => o.Role == WorkspaceRole.Owner))
            {
                var heir = others.OrderBy(o => o.Role).ThenBy(o => o.JoinedAt).First();
                heir.Role = WorkspaceRole.Owner;
                membership.Workspace.OwnersVersion = Guid.NewGuid();
                db.Publish(new MemberRoleChanged(membership.WorkspaceId, heir.UserId, WorkspaceRole.Owner.ToName()));
            }
            db.Memberships.Remove(membership);
            db.Publish(new MemberRemoved(membership.WorkspaceId, e.UserId));
        }

        var normalized = Claims.NormalizeEmail(e.Email);
        var addressed = await db.Invitations.Where(i => i.NormalizedEmail == normalized || i.AcceptedBy == e.UserId).ToListAsync(cancellationToken);
        db.Invitations.RemoveRange(addressed);
        var sentByThem = await db.Invitations.Where(i => i.InvitedBy == e.UserId).ToListAsync(cancellationToken);
        // Invitation mails to or from them, in the outbox: the address and the inviter's name go too.
        await db.ForgetMentionsOf([e.UserId.ToString(), e.Email, .. sentByThem.Select(i => i.InvitedByName)], cancellationToken);
        foreach (var sent in sentByThem)
            if (!addressed.Contains(sent)) sent.InvitedByName = DeletedUserName;
    }
}
