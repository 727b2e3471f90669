using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.Realtime.Data;

/// <summary>
/// The realtime service's own database: a small copy of who may read which project (projects → workspace, workspace
/// members), fed by events, plus the inbox that makes those events apply once.
/// </summary>
internal abstract class RealtimeDb(DbContextOptions options) : ServiceDb(options)
{
    public DbSet<KnownWorkspace> Workspaces => Set<KnownWorkspace>();
    public DbSet<WorkspaceMember> WorkspaceMembers => Set<WorkspaceMember>();
    public DbSet<KnownProject> Projects => Set<KnownProject>();
    public DbSet<ProjectMember> ProjectMembers => Set<ProjectMember>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<KnownWorkspace>(e =>
        {
            e.ToTable("workspaces");
            e.HasKey(w => w.Id);
            e.Property(w => w.Id).ValueGeneratedNever();
        });

        modelBuilder.Entity<WorkspaceMember>(e =>
        {
            e.ToTable("workspace_members");
            e.HasKey(m => new { m.WorkspaceId, m.UserId });
            e.HasIndex(m => m.UserId);
        });

        modelBuilder.Entity<KnownProject>(e =>
        {
            e.ToTable("projects");
            e.HasKey(p => p.Id);
            e.Property(p => p.Id).ValueGeneratedNever();
            e.HasIndex(p => p.WorkspaceId);
        });

        modelBuilder.Entity<ProjectMember>(e =>
        {
            e.ToTable("project_members");
            e.HasKey(m => new { m.ProjectId, m.UserId });
            e.HasIndex(m => m.UserId);
        });
    }
}

internal sealed class SqliteRealtimeDb(DbContextOptions<SqliteRealtimeDb> options) : RealtimeDb(options);

internal sealed class PostgresRealtimeDb(DbContextOptions<PostgresRealtimeDb> options) : RealtimeDb(options);

internal sealed class SqliteRealtimeDbFactory : IDesignTimeDbContextFactory<SqliteRealtimeDb>
{
    public SqliteRealtimeDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteRealtimeDb>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresRealtimeDbFactory : IDesignTimeDbContextFactory<PostgresRealtimeDb>
{
    public PostgresRealtimeDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresRealtimeDb>().UseNpgsql("Host=localhost;Database=design").Options);
}

/// <summary>Local copy of a workspace (a tombstone once deleted, so late membership events are ignored).</summary>
internal sealed class KnownWorkspace
{
    public Guid Id { get; set; }
    public bool Deleted { get; set; }
}

/// <summary>
/// Local copy of one workspace membership. Every active member may read every <c>workspace</c> project of the
/// workspace; owners and admins also every private one.
/// </summary>
internal sealed class WorkspaceMember
{
    public Guid WorkspaceId { get; set; }
    public Guid UserId { get; set; }
    public bool Active { get; set; }
    /// <summary>
    /// owner, admin, member or viewer; null for rows copied before roles were kept (they count as neither owner nor
    /// admin until the next MemberAdded or MemberRoleChanged: a private project is refused rather than leaked).
    /// </summary>
    public string? Role { get; set; }
    /// <summary>OccurredAt of the last applied change (last writer wins).</summary>
    public DateTime UpdatedAt { get; set; }
}

/// <summary>Local copy of a project: which workspace it belongs to, whether it is private (a tombstone once deleted).</summary>
internal sealed class KnownProject
{
    public Guid Id { get; set; }
    public Guid WorkspaceId { get; set; }
    public bool Deleted { get; set; }
    /// <summary>Private: only explicit project members and workspace owners/admins read it (false: every workspace member).</summary>
    public bool Private { get; set; }
    /// <summary>OccurredAt of the event that set <see cref="Private"/> (last writer wins).</summary>
    public DateTime VisibilityChangedAt { get; set; }
}

/// <summary>
/// Local copy of one explicit project membership (any role reads the project). Removed members stay as inactive rows
/// so an older, late ProjectMemberAdded cannot bring them back.
/// </summary>
internal sealed class ProjectMember
{
    public Guid ProjectId { get; set; }
    public Guid UserId { get; set; }
    public bool Active { get; set; }
    /// <summary>OccurredAt of the last applied change (last writer wins).</summary>
    public DateTime UpdatedAt { get; set; }
}
