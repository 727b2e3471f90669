using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.Notifications.Data;

internal abstract class NotificationsDb(DbContextOptions options) : ServiceDb(options), IDataProtectionKeyContext
{
    public DbSet<OutgoingEmail> OutgoingEmails => Set<OutgoingEmail>();
    public DbSet<InAppNotification> Notifications => Set<InAppNotification>();
    public DbSet<NotificationPreference> Preferences => Set<NotificationPreference>();
    public DbSet<KnownUser> Users => Set<KnownUser>();
    public DbSet<KnownWorkspace> Workspaces => Set<KnownWorkspace>();
    public DbSet<KnownTask> Tasks => Set<KnownTask>();
    /// <summary>The unsubscribe-token key ring (see <see cref="TaskFlow.BuildingBlocks.Data.KeyRing"/>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<NotificationSettings> Settings => Set<NotificationSettings>();
    public DbSet<OutgoingSms> OutgoingSms => Set<OutgoingSms>();
    public DbSet<DeadLetter> DeadLetters => Set<DeadLetter>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<OutgoingEmail>(e =>
        {
            e.ToTable("outgoing_emails");
            e.HasKey(m => m.Id);
            e.Property(m => m.MessageKey).HasMaxLength(200);
            e.HasIndex(m => m.MessageKey).IsUnique();
            e.Property(m => m.To).HasMaxLength(320);
            e.Property(m => m.Subject).HasMaxLength(500);
            e.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(m => m.LastError).HasMaxLength(1000);
            e.Property(m => m.LockedBy).HasMaxLength(100);
            e.HasIndex(m => new { m.Status, m.NextAttemptAt });
            e.Property(m => m.ListUnsubscribe).HasMaxLength(2000);
            e.Ignore(m => m.MimeMessageId);
        });
        modelBuilder.Entity<InAppNotification>(e =>
        {
            e.ToTable("notifications");
            e.HasKey(n => n.Id);
            e.Property(n => n.DedupKey).HasMaxLength(200);
            e.HasIndex(n => n.DedupKey).IsUnique();
            e.Property(n => n.Kind).HasMaxLength(50);
            e.Property(n => n.Title).HasMaxLength(500);
            e.Property(n => n.Body).HasMaxLength(2000);
            e.Property(n => n.Link).HasMaxLength(500);
            e.HasIndex(n => new { n.RecipientId, n.ReadAt, n.CreatedAt });
        });
        modelBuilder.Entity<NotificationPreference>(e =>
        {
            e.ToTable("notification_preferences");
            e.HasKey(p => new { p.UserId, p.Kind });
            e.Property(p => p.Kind).HasMaxLength(50);
        });
        modelBuilder.Entity<KnownUser>(e =>
        {
            e.ToTable("users");
            e.HasKey(u => u.Id);
            e.Property(u => u.Id).ValueGeneratedNever();
            e.Property(u => u.Email).HasMaxLength(320);
            e.Property(u => u.NormalizedEmail).HasMaxLength(320);
            e.HasIndex(u => u.NormalizedEmail);
            e.Property(u => u.DisplayName).HasMaxLength(200);
        });
        modelBuilder.Entity<KnownWorkspace>(e =>
        {
            e.ToTable("workspaces");
            e.HasKey(w => w.Id);
            e.Property(w => w.Id).ValueGeneratedNever();
            e.Property(w => w.Name).HasMaxLength(200);
        });
        modelBuilder.Entity<DataProtectionKey>(e =>
        {
            e.ToTable("data_protection_keys");
            e.HasKey(k => k.Id);
            e.Property(k => k.FriendlyName).HasMaxLength(200);
            // As the hand-written repository created it, so the table and its keys stay as they are.
            e.Property(k => k.Xml).IsRequired();
        });
        modelBuilder.Entity<KnownTask>(e =>
        {
            e.ToTable("tasks");
            e.HasKey(t => t.Id);
            e.Property(t => t.Id).ValueGeneratedNever();
            e.Property(t => t.Key).HasMaxLength(50);
            e.Property(t => t.Title).HasMaxLength(500);
        });
        modelBuilder.Entity<NotificationSettings>(e =>
        {
            e.ToTable("notification_settings");
            e.HasKey(s => s.UserId);
            e.Property(s => s.UserId).ValueGeneratedNever();
            e.Property(s => s.PhoneNumber).HasMaxLength(16);
            e.Property(s => s.Digest).HasMaxLength(10);
            e.Property(s => s.TimeZone).HasMaxLength(100);
            e.HasIndex(s => new { s.Digest, s.LastDigestAt });
            e.HasIndex(s => new { s.Digest, s.NextDigestAt });
        });
        modelBuilder.Entity<OutgoingSms>(e =>
        {
            e.ToTable("outgoing_sms");
            e.HasKey(m => m.Id);
            e.Property(m => m.MessageKey).HasMaxLength(200);
            e.HasIndex(m => m.MessageKey).IsUnique();
            e.Property(m => m.To).HasMaxLength(16);
            e.Property(m => m.Body).HasMaxLength(1600);
            e.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(m => m.LastError).HasMaxLength(1000);
            e.Property(m => m.ProviderId).HasMaxLength(100);
            e.Property(m => m.LockedBy).HasMaxLength(100);
            e.HasIndex(m => new { m.Status, m.NextAttemptAt });
        });
        modelBuilder.Entity<DeadLetter>(e =>
        {
            e.ToTable("dead_letters");
            e.HasKey(d => d.Id);
            e.Property(d => d.Channel).HasMaxLength(10);
            e.Property(d => d.Recipient).HasMaxLength(320);
            e.Property(d => d.Summary).HasMaxLength(500);
            e.Property(d => d.LastError).HasMaxLength(1000);
            e.HasIndex(d => new { d.RetriedAt, d.DeadAt });
        });
    }
}

internal sealed class SqliteNotificationsDb(DbContextOptions<SqliteNotificationsDb> options) : NotificationsDb(options);

internal sealed class PostgresNotificationsDb(DbContextOptions<PostgresNotificationsDb> options) : NotificationsDb(options);

internal sealed class SqliteNotificationsDbFactory : IDesignTimeDbContextFactory<SqliteNotificationsDb>
{
    public SqliteNotificationsDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteNotificationsDb>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresNotificationsDbFactory : IDesignTimeDbContextFactory<PostgresNotificationsDb>
{
    public PostgresNotificationsDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresNotificationsDb>().UseNpgsql("Host=localhost;Database=design").Options);
}
