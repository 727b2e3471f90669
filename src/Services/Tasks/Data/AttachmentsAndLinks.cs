using Microsoft.EntityFrameworkCore;

namespace TaskFlow.Tasks.Data;

/// <summary>
/// A file attached to a task; the bytes live in file storage under <see cref="StorageKey"/>. No foreign key to the task:
/// when a task (or project) is deleted, the row stays until the TaskDeleted/ProjectDeleted consumer has deleted the blob,
/// after the delete committed. Rows of a deleted task are unreachable (access resolves the task first).
/// </summary>
internal sealed class Attachment
{
    public Guid Id { get; set; }
    public Guid TaskId { get; set; }
    public Guid ProjectId { get; set; }
    public required string FileName { get; set; }
    /// <summary>The declared media type (lowercase, no parameters).</summary>
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required string StorageKey { get; set; }
    public Guid UploadedBy { get; set; }
    public DateTime UploadedAt { get; set; }
}

/// <summary>A link from an external system (a GitHub pull request or commit) to a task; one per task × provider × external id.</summary>
internal sealed class TaskLink
{
    public Guid Id { get; set; }
    public Guid TaskId { get; set; }
    public Guid ProjectId { get; set; }
    public required string Provider { get; set; }
    public required string Kind { get; set; }
    public required string ExternalId { get; set; }
    public required string Url { get; set; }
    public required string Title { get; set; }
    public required string State { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal static class AttachmentsAndLinksModel
{
    public const int FileNameMax = 255;
    public const int ContentTypeMax = 127;

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Attachment>(e =>
        {
            e.ToTable("attachments");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).ValueGeneratedNever();
            e.Property(a => a.FileName).HasMaxLength(FileNameMax);
            e.Property(a => a.ContentType).HasMaxLength(ContentTypeMax);
            e.Property(a => a.StorageKey).HasMaxLength(200);
            e.HasIndex(a => new { a.TaskId, a.UploadedAt });
            e.HasIndex(a => a.ProjectId);
        });

        modelBuilder.Entity<TaskLink>(e =>
        {
            e.ToTable("task_links");
            e.HasKey(l => l.Id);
            e.Property(l => l.Id).ValueGeneratedNever();
            e.Property(l => l.Provider).HasMaxLength(20);
            e.Property(l => l.Kind).HasMaxLength(20);
            e.Property(l => l.ExternalId).HasMaxLength(200);
            e.Property(l => l.Url).HasMaxLength(2000);
            e.Property(l => l.Title).HasMaxLength(500);
            e.Property(l => l.State).HasMaxLength(20);
            e.HasIndex(l => new { l.TaskId, l.Provider, l.ExternalId }).IsUnique();
            e.HasOne<WorkItem>().WithMany().HasForeignKey(l => l.TaskId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
