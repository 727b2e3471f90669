using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.Inventory.Data;

internal abstract class InventoryDb(DbContextOptions options) : ServiceDb(options)
{
    public DbSet<StockItem> Stock => Set<StockItem>();
    public DbSet<LedgerEntry> Ledger => Set<LedgerEntry>();
    public DbSet<Reservation> Reservations => Set<Reservation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<StockItem>(e =>
        {
            e.ToTable("stock_items", t =>
            {
                t.HasCheckConstraint("CK_stock_items_on_hand", "\"OnHand\" >= 0");
                t.HasCheckConstraint("CK_stock_items_reserved", "\"Reserved\" >= 0 AND \"Reserved\" <= \"OnHand\"");
            });
            e.HasKey(s => s.ProductId);
            e.Property(s => s.ProductId).ValueGeneratedNever();
            e.Ignore(s => s.Available);
        });

        modelBuilder.Entity<LedgerEntry>(e =>
        {
            e.ToTable("ledger_entries", t => t.HasCheckConstraint("CK_ledger_entries_on_hand_after", "\"OnHandAfter\" >= 0"));
            e.HasKey(l => l.Id);
            e.Property(l => l.Id).ValueGeneratedNever();
            e.Property(l => l.Reason).HasMaxLength(20);
            e.Property(l => l.Note).HasMaxLength(500);
            e.HasIndex(l => new { l.ProductId, l.Version }).IsUnique();
            e.HasOne<StockItem>().WithMany().HasForeignKey(l => l.ProductId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Reservation>(e =>
        {
            e.ToTable("reservations", t => t.HasCheckConstraint("CK_reservations_quantity", "\"Quantity\" > 0"));
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).ValueGeneratedNever();
            e.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(r => r.OrderLineId).IsUnique();
            e.HasIndex(r => r.OrderId);
            // The sweep's query: held reservations by expiry.
            e.HasIndex(r => new { r.Status, r.ExpiresAt });
            e.HasOne<StockItem>().WithMany().HasForeignKey(r => r.ProductId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}

internal sealed class SqliteInventoryDb(DbContextOptions<SqliteInventoryDb> options) : InventoryDb(options);

internal sealed class PostgresInventoryDb(DbContextOptions<PostgresInventoryDb> options) : InventoryDb(options);

internal sealed class SqliteInventoryDbFactory : IDesignTimeDbContextFactory<SqliteInventoryDb>
{
    public SqliteInventoryDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteInventoryDb>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresInventoryDbFactory : IDesignTimeDbContextFactory<PostgresInventoryDb>
{
    public PostgresInventoryDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresInventoryDb>().UseNpgsql("Host=localhost;Database=design").Options);
}
