using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.Realtime.Data;

/// <summary>
/// The realtime service's own database: a small copy of who may read which project (projects → workspace, workspace
/// members), fed by events, plus the inbox that makes those events apply once.
/// </summary>
internal abstract class RealtimeDb(DbContextOptions options) : ServiceDb(options), IWorkspaceMembershipDb
{
    public DbSet<KnownWorkspace> Workspaces => Set<KnownWorkspace>();
    public DbSet<WorkspaceMember> WorkspaceMembers => Set<WorkspaceMember>();
    public DbSet<KnownProject> Projects => Set<KnownProject>();
    public DbSet<ProjectMember> ProjectMembers => Set<ProjectMember>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.AddWorkspaceMembership();

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
