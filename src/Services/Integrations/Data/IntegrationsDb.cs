using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.Integrations.Data;

internal abstract class IntegrationsDb(DbContextOptions options) : ServiceDb(options), IWorkspaceMembershipDb, IDataProtectionKeyContext
{
    public DbSet<KnownWorkspace> Workspaces => Set<KnownWorkspace>();
    public DbSet<WorkspaceMember> WorkspaceMembers => Set<WorkspaceMember>();
    public DbSet<KnownProject> Projects => Set<KnownProject>();
    public DbSet<Webhook> Webhooks => Set<Webhook>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<GitHubConfig> GitHubConfigs => Set<GitHubConfig>();
    /// <summary>The Data Protection key ring that encrypts the secrets above, shared by every instance (see <see cref="TaskFlow.BuildingBlocks.Data.KeyRing"/>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        // Looked up by workspace and user only (the key): no index by user, as before.
        modelBuilder.AddWorkspaceMembership(indexByUser: false);

        modelBuilder.Entity<KnownProject>(e =>
        {
            e.ToTable("projects");
            e.HasKey(p => p.Id);
            e.Property(p => p.Id).ValueGeneratedNever();
            e.Property(p => p.Key).HasMaxLength(10);
            e.HasIndex(p => p.WorkspaceId);
        });

        modelBuilder.Entity<Webhook>(e =>
        {
            e.ToTable("webhooks");
            e.HasKey(w => w.Id);
            e.Property(w => w.Id).ValueGeneratedNever();
            e.Property(w => w.Kind).HasMaxLength(20);
            e.Property(w => w.Url).HasMaxLength(2048);
            e.Property(w => w.EventKinds).HasMaxLength(1000);
            e.Property(w => w.Description).HasMaxLength(500);
            e.Property(w => w.PlainSecret).HasColumnName("Secret").HasMaxLength(100);
            e.Property(w => w.ProjectIds).HasMaxLength(4000);
            e.HasIndex(w => w.WorkspaceId);
        });

        modelBuilder.Entity<Delivery>(e =>
        {
            e.ToTable("deliveries");
            e.HasKey(d => d.Id);
            e.Property(d => d.Id).ValueGeneratedNever();
            e.Property(d => d.EventKind).HasMaxLength(50);
            e.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(d => d.Error).HasMaxLength(500);
            e.Property(d => d.LockedBy).HasMaxLength(100);
            e.HasIndex(d => new { d.WebhookId, d.SourceEventId }).IsUnique();
            e.HasIndex(d => new { d.WebhookId, d.CreatedAt });
            e.HasIndex(d => new { d.Status, d.NextAttemptAt });
            e.HasOne<Webhook>().WithMany().HasForeignKey(d => d.WebhookId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<GitHubConfig>(e =>
        {
            e.ToTable("github_configs");
            e.HasKey(c => c.ProjectId);
            e.Property(c => c.ProjectId).ValueGeneratedNever();
            e.Property(c => c.PlainSecret).HasColumnName("Secret").HasMaxLength(256);
        });

        modelBuilder.Entity<DataProtectionKey>(e =>
        {
            e.ToTable("data_protection_keys");
            e.HasKey(k => k.Id);
            e.Property(k => k.FriendlyName).HasMaxLength(200);
            e.Property(k => k.Xml).IsRequired();
        });
    }
}

internal sealed class SqliteIntegrationsDb(DbContextOptions<SqliteIntegrationsDb> options) : IntegrationsDb(options);

internal sealed class PostgresIntegrationsDb(DbContextOptions<PostgresIntegrationsDb> options) : IntegrationsDb(options);

internal sealed class SqliteIntegrationsDbFactory : IDesignTimeDbContextFactory<SqliteIntegrationsDb>
{
    public SqliteIntegrationsDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteIntegrationsDb>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresIntegrationsDbFactory : IDesignTimeDbContextFactory<PostgresIntegrationsDb>
{
    public PostgresIntegrationsDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresIntegrationsDb>().UseNpgsql("Host=localhost;Database=design").Options);
}
