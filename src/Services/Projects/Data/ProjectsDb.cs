using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Membership;

namespace TaskFlow.Projects.Data;

internal abstract class ProjectsDb(DbContextOptions options) : ServiceDb(options), IWorkspaceMembershipDb
{
    public DbSet<KnownWorkspace> Workspaces => Set<KnownWorkspace>();
    public DbSet<WorkspaceMember> WorkspaceMembers => Set<WorkspaceMember>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<ProjectMember> ProjectMembers => Set<ProjectMember>();
    public DbSet<WorkflowStatus> Statuses => Set<WorkflowStatus>();
    public DbSet<Label> Labels => Set<Label>();
    public DbSet<Cycle> Cycles => Set<Cycle>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.AddWorkspaceMembership(withNames: true);

        modelBuilder.Entity<Project>(e =>
        {
            e.ToTable("projects");
            e.HasKey(p => p.Id);
            e.Property(p => p.Id).ValueGeneratedNever();
            e.Property(p => p.Key).HasMaxLength(10);
            e.Property(p => p.Name).HasMaxLength(100);
            e.Property(p => p.Description).HasMaxLength(2000);
            e.Property(p => p.Visibility).HasConversion<string>().HasMaxLength(20).HasDefaultValue(ProjectVisibility.Workspace).HasSentinel((ProjectVisibility)(-1));
            e.Ignore(p => p.IsPrivate);
            e.HasIndex(p => new { p.WorkspaceId, p.Key }).IsUnique();
            e.HasMany(p => p.Members).WithOne().HasForeignKey(m => m.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(p => p.Statuses).WithOne().HasForeignKey(s => s.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ProjectMember>(e =>
        {
            e.ToTable("project_members");
            e.HasKey(m => new { m.ProjectId, m.UserId });
            e.HasIndex(m => m.UserId);
            e.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
        });

        modelBuilder.Entity<WorkflowStatus>(e =>
        {
            e.ToTable("statuses");
            e.HasKey(s => s.Id);
            e.Property(s => s.Id).ValueGeneratedNever();
            e.Property(s => s.Name).HasMaxLength(50);
            e.Property(s => s.Category).HasMaxLength(20);
            e.HasIndex(s => new { s.ProjectId, s.Position });
        });

        modelBuilder.Entity<Label>(e =>
        {
            e.ToTable("labels");
            e.HasKey(l => l.Id);
            e.Property(l => l.Id).ValueGeneratedNever();
            e.Property(l => l.Name).HasMaxLength(50);
            e.Property(l => l.NormalizedName).HasMaxLength(50);
            e.Property(l => l.Color).HasMaxLength(7);
            e.HasIndex(l => new { l.ProjectId, l.NormalizedName }).IsUnique();
            e.HasOne<Project>().WithMany().HasForeignKey(l => l.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Cycle>(e =>
        {
            e.ToTable("cycles");
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).ValueGeneratedNever();
            e.Property(c => c.Name).HasMaxLength(100);
            e.HasIndex(c => new { c.ProjectId, c.StartDate });
            e.HasOne<Project>().WithMany().HasForeignKey(c => c.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

internal sealed class SqliteProjectsDb(DbContextOptions<SqliteProjectsDb> options) : ProjectsDb(options);

internal sealed class PostgresProjectsDb(DbContextOptions<PostgresProjectsDb> options) : ProjectsDb(options);

internal sealed class SqliteProjectsDbFactory : IDesignTimeDbContextFactory<SqliteProjectsDb>
{
    public SqliteProjectsDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteProjectsDb>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresProjectsDbFactory : IDesignTimeDbContextFactory<PostgresProjectsDb>
{
    public PostgresProjectsDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresProjectsDb>().UseNpgsql("Host=localhost;Database=design").Options);
}
