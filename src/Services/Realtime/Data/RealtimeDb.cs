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

/// <summary>Local copy of one workspace membership. Every active member may read every project of the workspace.</summary>
internal sealed class WorkspaceMember
{
    public Guid WorkspaceId { get; set; }
    public Guid UserId { get; set; }
    public bool Active { get; set; }
    /// <summary>OccurredAt of the last applied change (last writer wins).</summary>
    public DateTime UpdatedAt { get; set; }
}

/// <summary>Local copy of a project: which workspace it belongs to (a tombstone once deleted).</summary>
internal sealed class KnownProject
{
    public Guid Id { get; set; }
    public Guid WorkspaceId { get; set; }
    public bool Deleted { get; set; }
}
