using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using NpgsqlTypes;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.Catalog.Data;

internal abstract class CatalogDb(DbContextOptions options) : ServiceDb(options)
{
    public const int NameMax = 255;
    public const int ImageUrlMax = 2048;
    public const int CategoryNameMax = 100;
    /// <summary>DECIMAL(10,2): at most 99,999,999.99.</summary>
    public const decimal PriceMax = 99_999_999.99m;

    public DbSet<Product> Products => Set<Product>();
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<ProductStock> Stock => Set<ProductStock>();
    public DbSet<CatalogState> State => Set<CatalogState>();

    /// <summary>Products matching <paramref name="terms"/> (each a prefix), with a rank; provider-specific.</summary>
    public abstract IQueryable<SearchHit> Search(IReadOnlyList<string> terms);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<Category>(e =>
        {
            e.ToTable("categories", t => t.HasCheckConstraint("ck_categories_not_own_parent", "parent_id IS NULL OR parent_id <> id"));
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(c => c.Name).HasColumnName("name").HasMaxLength(CategoryNameMax);
            e.Property(c => c.NormalizedName).HasColumnName("normalized_name").HasMaxLength(CategoryNameMax);
            e.Property(c => c.Slug).HasColumnName("slug").HasMaxLength(CategoryNameMax);
            e.Property(c => c.ParentId).HasColumnName("parent_id");
            e.Property(c => c.CreatedAt).HasColumnName("created_at");
            e.Property(c => c.UpdatedAt).HasColumnName("updated_at");
            e.HasIndex(c => c.NormalizedName).IsUnique();
            e.HasIndex(c => c.Slug).IsUnique();
            e.HasIndex(c => c.ParentId);
            e.HasOne<Category>().WithMany().HasForeignKey(c => c.ParentId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Product>(e =>
        {
            e.ToTable("products", t =>
            {
                t.HasCheckConstraint("ck_products_price", "price >= 0");
                t.HasCheckConstraint("ck_products_name", "length(name) BETWEEN 1 AND 255");
                t.HasCheckConstraint("ck_products_currency", "length(currency) = 3");
                t.HasCheckConstraint("ck_products_image_url", "image_url IS NULL OR length(image_url) <= 2048");
            });
            e.HasKey(p => p.Id);
            e.Property(p => p.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(p => p.Name).HasColumnName("name").HasMaxLength(NameMax);
            e.Property(p => p.Description).HasColumnName("description");
            e.Property(p => p.Price).HasColumnName("price").HasPrecision(10, 2);
            e.Property(p => p.Currency).HasColumnName("currency").HasMaxLength(3).IsFixedLength(false).HasDefaultValue("USD");
            e.Property(p => p.CategoryId).HasColumnName("category_id");
            e.Property(p => p.ImageUrl).HasColumnName("image_url").HasMaxLength(ImageUrlMax);
            e.Property(p => p.CreatedAt).HasColumnName("created_at");
            e.Property(p => p.UpdatedAt).HasColumnName("updated_at");
            e.Property(p => p.DeletedAt).HasColumnName("deleted_at");
            e.HasOne<Category>().WithMany().HasForeignKey(p => p.CategoryId).OnDelete(DeleteBehavior.Restrict);
            // The list's filters and sorts: category (with newest/price), newest, price, name.
            e.HasIndex(p => new { p.CategoryId, p.CreatedAt });
            e.HasIndex(p => p.CreatedAt);
            e.HasIndex(p => p.Price);
            e.HasIndex(p => p.Name);
        });

        modelBuilder.Entity<ProductStock>(e =>
        {
            e.ToTable("product_stock");
            e.HasKey(s => s.ProductId);
            e.Property(s => s.ProductId).HasColumnName("product_id").ValueGeneratedNever();
            e.Property(s => s.Available).HasColumnName("available");
            e.Property(s => s.Version).HasColumnName("version");
            e.Property(s => s.UpdatedAt).HasColumnName("updated_at");
        });

        modelBuilder.Entity<CatalogState>(e =>
        {
            e.ToTable("catalog_state");
            e.HasKey(s => s.Id);
            e.Property(s => s.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(s => s.Version).HasColumnName("version");
            e.HasData(new CatalogState { Id = 1, Version = 0 });
        });

        modelBuilder.Entity<SearchHit>(e =>
        {
            e.HasNoKey();
            e.ToView(null);
            e.Property(h => h.ProductId).HasColumnName("product_id");
            e.Property(h => h.Rank).HasColumnName("rank");
        });
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (!ChangesCatalog()) return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        // The version rises in the same transaction as the rows, last, so a cached read keyed by an older version can
        // never be served after this commit is acknowledged (docs/adr/0033-catalog-cache.md).
        var own = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            await Database.ExecuteSqlRawAsync("UPDATE catalog_state SET version = version + 1 WHERE id = 1", cancellationToken);
            if (own is not null) await own.CommitAsync(cancellationToken);
            return saved;
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        throw new NotSupportedException("The catalog saves asynchronously (SaveChangesAsync), which raises the catalog version.");

    bool ChangesCatalog() => ChangeTracker.Entries().Any(e =>
        e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && e.Entity is Product or Category or ProductStock);
}

internal sealed class SqliteCatalogDb(DbContextOptions<SqliteCatalogDb> options) : CatalogDb(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // SQLite cannot compare or sort decimals: the price is stored as integer cents in the same column.
        modelBuilder.Entity<Product>(e =>
        {
            e.Property(p => p.Price).HasConversion(new ValueConverter<decimal, long>(v => (long)decimal.Round(v * 100m), v => v / 100m)).HasColumnType("INTEGER");
            e.ToTable(t => t.HasCheckConstraint("ck_products_price_max", "price <= 9999999999"));
        });
    }

    /// <summary>FTS5 over name and description (<c>products_fts</c>, kept by triggers); bm25 turned so that higher is better.</summary>
    public override IQueryable<SearchHit> Search(IReadOnlyList<string> terms)
    {
        var match = string.Join(' ', terms.Select(t => "\"" + t + "\"*"));
        return Set<SearchHit>().FromSqlRaw("SELECT product_id, -bm25(products_fts) AS rank FROM products_fts WHERE products_fts MATCH {0}", match);
    }
}

internal sealed class PostgresCatalogDb(DbContextOptions<PostgresCatalogDb> options) : CatalogDb(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<Product>(e =>
        {
            e.Property(p => p.Id).HasDefaultValueSql("gen_random_uuid()").ValueGeneratedNever();
            e.Property(p => p.CreatedAt).HasDefaultValueSql("now()");
            e.Property(p => p.UpdatedAt).HasDefaultValueSql("now()");
            e.Property<NpgsqlTsVector>("SearchVector").HasColumnName("search_vector")
                .HasComputedColumnSql("to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(description, ''))", stored: true);
            e.HasIndex("SearchVector").HasMethod("GIN");
        });
    }

    /// <summary>The stored <c>search_vector</c> (GIN index) with <c>ts_rank</c>.</summary>
    public override IQueryable<SearchHit> Search(IReadOnlyList<string> terms)
    {
        var query = string.Join(" & ", terms.Select(t => t + ":*"));
        return Products.Select(p => new { p.Id, Vector = EF.Property<NpgsqlTsVector>(p, "SearchVector") })
            .Where(p => p.Vector.Matches(EF.Functions.ToTsQuery("simple", query)))
            .Select(p => new SearchHit { ProductId = p.Id, Rank = p.Vector.Rank(EF.Functions.ToTsQuery("simple", query)) });
    }
}

internal sealed class SqliteCatalogDbFactory : IDesignTimeDbContextFactory<SqliteCatalogDb>
{
    public SqliteCatalogDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCatalogDb>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresCatalogDbFactory : IDesignTimeDbContextFactory<PostgresCatalogDb>
{
    public PostgresCatalogDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCatalogDb>().UseNpgsql("Host=localhost;Database=design").Options);
}
