using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.Notifications.Data;

internal abstract class NotificationsDb(DbContextOptions options) : ServiceDb(options)
{
    public DbSet<OutgoingEmail> OutgoingEmails => Set<OutgoingEmail>();

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
            e.Ignore(m => m.MimeMessageId);
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
