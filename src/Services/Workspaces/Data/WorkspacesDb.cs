using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.Workspaces.Data;

internal abstract class WorkspacesDb(DbContextOptions options) : ServiceDb(options)
{
    public DbSet<Workspace> Workspaces => Set<Workspace>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<Invitation> Invitations => Set<Invitation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<Workspace>(e =>
        {
            e.ToTable("workspaces");
            e.HasKey(w => w.Id);
            e.Property(w => w.Name).HasMaxLength(100);
            e.Property(w => w.Slug).HasMaxLength(80);
            e.HasIndex(w => w.Slug).IsUnique();
            e.Property(w => w.OwnersVersion).IsConcurrencyToken();
        });

        modelBuilder.Entity<Membership>(e =>
        {
            e.ToTable("memberships");
            e.HasKey(m => new { m.WorkspaceId, m.UserId });
            e.HasIndex(m => m.UserId);
            e.HasIndex(m => new { m.WorkspaceId, m.NormalizedEmail });
            e.Property(m => m.Email).HasMaxLength(254);
            e.Property(m => m.NormalizedEmail).HasMaxLength(254);
            e.Property(m => m.DisplayName).HasMaxLength(200);
            e.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
            e.HasOne(m => m.Workspace).WithMany(w => w.Members).HasForeignKey(m => m.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Invitation>(e =>
        {
            e.ToTable("invitations");
            e.HasKey(i => i.Id);
            e.Property(i => i.Email).HasMaxLength(254);
            e.Property(i => i.NormalizedEmail).HasMaxLength(254);
            e.Property(i => i.InvitedByName).HasMaxLength(200);
            e.Property(i => i.TokenHash).HasMaxLength(64);
            e.HasIndex(i => i.TokenHash).IsUnique();
            e.HasIndex(i => new { i.WorkspaceId, i.NormalizedEmail, i.Status });
            e.HasIndex(i => new { i.NormalizedEmail, i.Status });
            e.Property(i => i.Role).HasConversion<string>().HasMaxLength(20);
            e.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
            e.HasOne(i => i.Workspace).WithMany(w => w.Invitations).HasForeignKey(i => i.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

internal sealed class SqliteWorkspacesDb(DbContextOptions<SqliteWorkspacesDb> options) : WorkspacesDb(options);

internal sealed class PostgresWorkspacesDb(DbContextOptions<PostgresWorkspacesDb> options) : WorkspacesDb(options);

internal sealed class SqliteWorkspacesDbFactory : IDesignTimeDbContextFactory<SqliteWorkspacesDb>
{
    public SqliteWorkspacesDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteWorkspacesDb>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresWorkspacesDbFactory : IDesignTimeDbContextFactory<PostgresWorkspacesDb>
{
    public PostgresWorkspacesDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresWorkspacesDb>().UseNpgsql("Host=localhost;Database=design").Options);
}
