using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.Tasks.Features;

namespace TaskFlow.Tasks.Data;

internal abstract class TasksDb(DbContextOptions options) : ServiceDb(options), IWorkspaceMembershipDb
{
    public DbSet<KnownWorkspace> Workspaces => Set<KnownWorkspace>();
    public DbSet<WorkspaceMember> WorkspaceMembers => Set<WorkspaceMember>();
    public DbSet<KnownUser> Users => Set<KnownUser>();
    public DbSet<KnownProject> Projects => Set<KnownProject>();
    public DbSet<ListVersionSlot> ListVersionSlots => Set<ListVersionSlot>();
    public DbSet<ProjectMember> ProjectMembers => Set<ProjectMember>();
    public DbSet<WorkflowStatus> Statuses => Set<WorkflowStatus>();
    public DbSet<TaskCounter> Counters => Set<TaskCounter>();
    public DbSet<WorkItem> Tasks => Set<WorkItem>();
    public DbSet<TaskAssignee> Assignees => Set<TaskAssignee>();
    public DbSet<Activity> Activities => Set<Activity>();
    public DbSet<Comment> Comments => Set<Comment>();
    public DbSet<TaskRelation> Relations => Set<TaskRelation>();
    public DbSet<SavedView> SavedViews => Set<SavedView>();
    public DbSet<Attachment> Attachments => Set<Attachment>();
    public DbSet<TaskLink> Links => Set<TaskLink>();
    public DbSet<KnownLabel> Labels => Set<KnownLabel>();
    public DbSet<KnownCycle> Cycles => Set<KnownCycle>();
    public DbSet<TaskLabel> TaskLabels => Set<TaskLabel>();
    public DbSet<TaskWatcher> Watchers => Set<TaskWatcher>();
    public DbSet<SentReminder> SentReminders => Set<SentReminder>();

    /// <summary>PostgreSQL (else SQLite): for the few places that use one provider's own SQL or locks.</summary>
    internal bool IsPostgres => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>
    /// Scaled out, set by the access filter for the request's project: adds the project's labels, cycles and statuses the
    /// copy lacks from the projects service (true: some were added, worth checking again). Null all-in-one.
    /// </summary>
    internal Func<CancellationToken, Task<bool>>? AskProjectsOnMiss { get; set; }

    /// <summary>Projects with changed rows in the open transaction; their list versions are raised when it commits.</summary>
    internal HashSet<Guid> ChangedListProjects { get; } = [];

    /// <summary>
    /// Set just before the last SaveChanges of a transaction whose COMMIT follows at once: <see cref="ListVersions"/> raises
    /// the versions in that SaveChanges' batch instead of a statement of its own (PostgreSQL). Cleared when used.
    /// </summary>
    internal bool FoldListVersions { get; set; }

    /// <summary>Projects whose rank lock (<see cref="Ranks.LockAsync"/>) <see cref="RankLockTransaction"/> holds: true when shared.</summary>
    internal Dictionary<Guid, bool> RankLocks { get; } = [];
    internal object? RankLockTransaction { get; set; }

    /// <summary>
    /// Saves, noting the projects of the changed rows for <see cref="ListVersions"/>. A save outside a transaction runs
    /// in one of its own, so the versions are raised atomically with the rows.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (!NoteChangedProjects() || Database.CurrentTransaction is not null)
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        await using var transaction = await Database.BeginTransactionAsync(cancellationToken);
        var count = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return count;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (!NoteChangedProjects() || Database.CurrentTransaction is not null) return base.SaveChanges(acceptAllChangesOnSuccess);
        using var transaction = Database.BeginTransaction();
        var count = base.SaveChanges(acceptAllChangesOnSuccess);
        transaction.Commit();
        return count;
    }

    /// <summary>Adds the projects of added, changed and deleted rows (every entity with a ProjectId, and projects themselves); true if any.</summary>
    bool NoteChangedProjects()
    {
        if (!ChangeTracker.HasChanges()) return false;
        var any = false;
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            Guid? id = entry.Entity is KnownProject project ? project.Id
                : entry.Metadata.FindProperty(nameof(WorkItem.ProjectId)) is { } property ? entry.Property(property.Name).CurrentValue as Guid? : null;
            if (id is { } value && value != Guid.Empty)
            {
                ChangedListProjects.Add(value);
                any = true;
            }
        }
        return any;
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        AttachmentsAndLinksModel.Configure(modelBuilder);

        modelBuilder.AddWorkspaceMembership();

        modelBuilder.Entity<KnownUser>(e =>
        {
            e.ToTable("users");
            e.HasKey(u => u.Id);
            e.Property(u => u.Id).ValueGeneratedNever();
            e.Property(u => u.NormalizedEmail).HasMaxLength(320);
            e.HasIndex(u => u.NormalizedEmail);
        });

        modelBuilder.Entity<KnownProject>(e =>
        {
            e.ToTable("projects");
            e.HasKey(p => p.Id);
            e.Property(p => p.Id).ValueGeneratedNever();
            e.Property(p => p.Key).HasMaxLength(10);
            e.HasIndex(p => p.WorkspaceId);
            // The column kept its name: its values are the versions from before the slots (docs/adr/0045).
            e.Property(p => p.ListVersionBase).HasColumnName("ListVersion");
        });

        modelBuilder.Entity<ListVersionSlot>(e =>
        {
            e.ToTable("list_version_slots");
            // No foreign key to projects: rows of a project the copy has not heard of yet (a status before its project)
            // are noted too, and a slot row for them is harmless.
            e.HasKey(s => new { s.ProjectId, s.Slot });
            e.Property(s => s.Slot).ValueGeneratedNever();
        });

        modelBuilder.Entity<ProjectMember>(e =>
        {
            e.ToTable("project_members");
            e.HasKey(m => new { m.ProjectId, m.UserId });
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

        modelBuilder.Entity<TaskCounter>(e =>
        {
            e.ToTable("task_counters");
            e.HasKey(c => c.ProjectId);
            e.Property(c => c.ProjectId).ValueGeneratedNever();
        });

        modelBuilder.Entity<WorkItem>(e =>
        {
            e.ToTable("tasks");
            e.HasKey(t => t.Id);
            e.Property(t => t.Id).ValueGeneratedNever();
            e.Property(t => t.Key).HasMaxLength(32);
            e.Property(t => t.Title).HasMaxLength(TaskFields.TitleMax);
            e.Property(t => t.Description).HasMaxLength(TaskFields.DescriptionMax);
            var rank = e.Property(t => t.Rank).HasMaxLength(Ranks.MaxLength + 1);
            // Ranks compare byte by byte; PostgreSQL's default collation is linguistic.
            if (IsPostgres) rank.UseCollation("C");
            e.Property(t => t.Priority).HasConversion<int>();
            e.Property(t => t.Version).IsConcurrencyToken();
            // One index per list sort/filter, all led by the project.
            e.HasIndex(t => new { t.ProjectId, t.Number }).IsUnique();
            e.HasIndex(t => new { t.ProjectId, t.UpdatedAt, t.Number });
            e.HasIndex(t => new { t.ProjectId, t.DueSort, t.Number });
            e.HasIndex(t => new { t.ProjectId, t.Priority, t.Number });
            // Priority filter sorted by due date (e.g. "my high-priority tasks, soonest first"): seek, no sort, no skipping.
            e.HasIndex(t => new { t.ProjectId, t.Priority, t.DueSort, t.Number });
            e.HasIndex(t => new { t.ProjectId, t.StatusId, t.Rank, t.Number });
            e.HasIndex(t => new { t.ProjectId, t.ParentId, t.Number });
            e.HasIndex(t => new { t.ProjectId, t.CycleId, t.Number });
            // The due reminder sweep reads tasks by due date across projects.
            e.HasIndex(t => t.DueSort);
            e.HasMany(t => t.Assignees).WithOne().HasForeignKey(a => a.TaskId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(t => t.Labels).WithOne().HasForeignKey(l => l.TaskId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(t => t.Watchers).WithOne().HasForeignKey(w => w.TaskId).OnDelete(DeleteBehavior.Cascade);
            // Cycles are never deleted here (tombstones): a deleted cycle is cleared from its tasks by the handler.
            e.HasOne(t => t.Cycle).WithMany().HasForeignKey(t => t.CycleId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<TaskAssignee>(e =>
        {
            e.ToTable("task_assignees");
            e.HasKey(a => new { a.TaskId, a.UserId });
            e.HasIndex(a => new { a.ProjectId, a.UserId });
        });

        modelBuilder.Entity<TaskLabel>(e =>
        {
            e.ToTable("task_labels");
            e.HasKey(l => new { l.TaskId, l.LabelId });
            e.HasIndex(l => new { l.ProjectId, l.LabelId });
            e.HasIndex(l => l.LabelId);
            e.HasOne(l => l.Label).WithMany().HasForeignKey(l => l.LabelId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<TaskWatcher>(e =>
        {
            e.ToTable("task_watchers");
            e.HasKey(w => new { w.TaskId, w.UserId });
            e.HasIndex(w => new { w.ProjectId, w.UserId });
        });

        modelBuilder.Entity<SentReminder>(e =>
        {
            e.ToTable("task_reminders");
            e.HasKey(r => new { r.TaskId, r.Kind, r.DueDate });
            e.Property(r => r.Kind).HasMaxLength(20);
            e.HasOne<WorkItem>().WithMany().HasForeignKey(r => r.TaskId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<KnownLabel>(e =>
        {
            e.ToTable("labels");
            e.HasKey(l => l.Id);
            e.Property(l => l.Id).ValueGeneratedNever();
            e.Property(l => l.Name).HasMaxLength(50);
            e.Property(l => l.Color).HasMaxLength(7);
            e.HasIndex(l => l.ProjectId);
        });

        modelBuilder.Entity<KnownCycle>(e =>
        {
            e.ToTable("cycles");
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).ValueGeneratedNever();
            e.Property(c => c.Name).HasMaxLength(100);
            e.HasIndex(c => c.ProjectId);
        });

        modelBuilder.Entity<Activity>(e =>
        {
            e.ToTable("activity");
            e.HasKey(a => a.Id);
            e.Property(a => a.Field).HasMaxLength(50);
            e.HasIndex(a => new { a.ProjectId, a.Id });
            e.HasIndex(a => new { a.TaskId, a.Id });
        });

        modelBuilder.Entity<Comment>(e =>
        {
            e.ToTable("comments");
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).ValueGeneratedNever();
            e.Property(c => c.Body).HasMaxLength(TaskFields.CommentMax);
            e.HasIndex(c => new { c.TaskId, c.CreatedAt });
            e.HasOne<WorkItem>().WithMany().HasForeignKey(c => c.TaskId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<TaskRelation>(e =>
        {
            e.ToTable("task_relations");
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).ValueGeneratedNever();
            e.Property(r => r.Type).HasMaxLength(20);
            e.HasIndex(r => new { r.FromTaskId, r.ToTaskId, r.Type }).IsUnique();
            e.HasIndex(r => r.ToTaskId);
            // Deleting either task removes the relation.
            e.HasOne<WorkItem>().WithMany().HasForeignKey(r => r.FromTaskId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<WorkItem>().WithMany().HasForeignKey(r => r.ToTaskId).OnDelete(DeleteBehavior.Cascade);
        });

        SavedViewModel.Configure(modelBuilder);
    }
}

internal sealed class SqliteTasksDb(DbContextOptions<SqliteTasksDb> options) : TasksDb(options);

internal sealed class PostgresTasksDb(DbContextOptions<PostgresTasksDb> options) : TasksDb(options);

internal sealed class SqliteTasksDbFactory : IDesignTimeDbContextFactory<SqliteTasksDb>
{
    public SqliteTasksDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteTasksDb>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresTasksDbFactory : IDesignTimeDbContextFactory<PostgresTasksDb>
{
    public PostgresTasksDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresTasksDb>().UseNpgsql("Host=localhost;Database=design").Options);
}
