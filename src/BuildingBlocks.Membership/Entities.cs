using Microsoft.EntityFrameworkCore;

namespace TaskFlow.BuildingBlocks.Membership;

/// <summary>A workspace role as the workspaces service grants it, strongest first.</summary>
public enum WorkspaceRole
{
    Owner = 0,
    Admin = 1,
    Member = 2,
    Viewer = 3,
}

public static class WorkspaceRoles
{
    /// <summary>Reads a role name as the workspaces service publishes it (<c>owner</c>, <c>admin</c>, <c>member</c>, <c>viewer</c>).</summary>
    public static bool TryParse(string? value, out WorkspaceRole role)
    {
        switch (value)
        {
            case "owner": role = WorkspaceRole.Owner; return true;
            case "admin": role = WorkspaceRole.Admin; return true;
            case "member": role = WorkspaceRole.Member; return true;
            case "viewer": role = WorkspaceRole.Viewer; return true;
            default: role = default; return false;
        }
    }

    public static WorkspaceRole Parse(string? value) =>
        TryParse(value, out var role) ? role : throw new InvalidOperationException($"Unknown workspace role '{value}'.");

    /// <summary>At least admin: manages the workspace (and reads its private projects).</summary>
    public static bool IsOwnerOrAdmin(this WorkspaceRole role) => role is WorkspaceRole.Owner or WorkspaceRole.Admin;
}

/// <summary>A workspace the copy has heard of (table <c>workspaces</c>); a deleted one stays as a tombstone.</summary>
public sealed class KnownWorkspace
{
    public Guid Id { get; set; }

    /// <summary>From WorkspaceCreated; stored only where the model keeps names (<c>withNames</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>Set by WorkspaceDeleted: later events about the workspace are ignored.</summary>
    public bool Deleted { get; set; }
}

/// <summary>The local copy of one workspace membership (table <c>workspace_members</c>).</summary>
public sealed class WorkspaceMember
{
    public Guid WorkspaceId { get; set; }
    public Guid UserId { get; set; }
    public WorkspaceRole Role { get; set; }

    /// <summary>False once the member was removed; the row stays so an older, late MemberAdded cannot bring them back.</summary>
    public bool Active { get; set; }

    /// <summary>When the last applied change happened at the source (the event's OccurredAt): last writer wins.</summary>
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A service DbContext that keeps the membership copy.</summary>
public interface IWorkspaceMembershipDb
{
    DbSet<KnownWorkspace> Workspaces { get; }
    DbSet<WorkspaceMember> WorkspaceMembers { get; }
}

public static class WorkspaceMembershipModel
{
    /// <summary>
    /// Maps <c>workspaces</c> and <c>workspace_members</c> (roles stored by name, e.g. <c>Owner</c>).
    /// <paramref name="withNames"/>: workspaces keep their names (up to 100 characters).
    /// <paramref name="indexByUser"/>: an index on the member's user id, for services that look up a user's workspaces.
    /// </summary>
    public static ModelBuilder AddWorkspaceMembership(this ModelBuilder modelBuilder, bool withNames = false, bool indexByUser = true)
    {
        modelBuilder.Entity<KnownWorkspace>(e =>
        {
            e.ToTable("workspaces");
            e.HasKey(w => w.Id);
            e.Property(w => w.Id).ValueGeneratedNever();
            if (withNames) e.Property(w => w.Name).HasMaxLength(100);
            else e.Ignore(w => w.Name);
        });
        modelBuilder.Entity<WorkspaceMember>(e =>
        {
            e.ToTable("workspace_members");
            e.HasKey(m => new { m.WorkspaceId, m.UserId });
            if (indexByUser) e.HasIndex(m => m.UserId);
            e.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
        });
        return modelBuilder;
    }
}
