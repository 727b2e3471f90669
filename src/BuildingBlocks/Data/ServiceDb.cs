using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.BuildingBlocks.Data;

/// <summary>
/// Base of every service's DbContext: adds the transactional outbox and the consumer inbox,
/// and stores every <see cref="DateTime"/> as UTC so SQLite and PostgreSQL behave alike.
/// </summary>
public abstract class ServiceDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    /// <summary>
    /// Set by the in-process transport while it applies a batch of deliveries in one transaction of this context: which of
    /// the batch's messages each consumer has already handled, read in one query, so a delivery skips its own inbox check.
    /// Null outside a batch (and reset before the context goes back to the pool).
    /// </summary>
    internal InboxBatch? InboxBatch { get; set; }

    /// <summary>Queues an integration event in the outbox; it is written by the next SaveChanges, in the same transaction.</summary>
    public void Publish<TEvent>(TEvent integrationEvent, string? correlationId = null) where TEvent : IntegrationEvent =>
        OutboxMessages.Add(OutboxMessage.From(integrationEvent, correlationId ?? CorrelationContext.Current));

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox_messages");
            e.HasKey(m => m.Id);
            e.Property(m => m.Type).HasMaxLength(200);
            e.Property(m => m.LockedBy).HasMaxLength(100);
            e.Property(m => m.CorrelationId).HasMaxLength(100);
            e.HasIndex(m => new { m.ProcessedAt, m.NextAttemptAt });
        });
        modelBuilder.Entity<InboxMessage>(e =>
        {
            e.ToTable("inbox_messages");
            e.HasKey(m => new { m.MessageId, m.Consumer });
            e.Property(m => m.Consumer).HasMaxLength(200);
        });
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
    }

    sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    sealed class NullableUtcDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v == null ? v : v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime(),
        v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));
}
