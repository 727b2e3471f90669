using Microsoft.EntityFrameworkCore;

namespace TaskFlow.Tasks.Data;

/// <summary>
/// A named list/board setup of one project: the list query's filters, a sort and a layout. Private views are seen by
/// their owner only; shared ones by everyone who can read the project.
/// </summary>
internal sealed class SavedView
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public Guid OwnerId { get; set; }
    public required string Name { get; set; }
    /// <summary>The list filters as a JSON object, e.g. <c>{"priority":"high","q":"login"}</c>.</summary>
    public required string Filters { get; set; }
    public required string Sort { get; set; }
    public required string Layout { get; set; }
    public bool Shared { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal static class SavedViewModel
{
    public const int NameMax = 100;
    public const int FiltersMax = 4_000;

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<SavedView>(e =>
    {
        e.ToTable("saved_views");
        e.HasKey(v => v.Id);
        e.Property(v => v.Id).ValueGeneratedNever();
        e.Property(v => v.Name).HasMaxLength(NameMax);
        e.Property(v => v.Filters).HasMaxLength(FiltersMax);
        e.Property(v => v.Sort).HasMaxLength(20);
        e.Property(v => v.Layout).HasMaxLength(10);
        // Lists read "shared ones, and mine" of one project.
        e.HasIndex(v => new { v.ProjectId, v.Shared, v.OwnerId });
    });
}
