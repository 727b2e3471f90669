using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.Reporting.Data;

/// <summary>
/// The reporting service's own database (docs/adr/0035-reporting-read-model.md): the log of every consumed project and
/// task event (<see cref="ReportEvent"/>, keyed by event id), the history derived from it (<see cref="TaskVersion"/>,
/// <see cref="StatusCopy"/>, <see cref="CycleCopy"/>, <see cref="LabelCopy"/>), the access copy (workspaces, members,
/// projects) and export jobs. Everything but the log and the access copy can be dropped and rebuilt from the log.
/// </summary>
internal abstract class ReportingDb(DbContextOptions options) : ServiceDb(options)
{
    public DbSet<ReportEvent> Events => Set<ReportEvent>();
    public DbSet<TaskVersion> TaskVersions => Set<TaskVersion>();
    public DbSet<StatusCopy> Statuses => Set<StatusCopy>();
    public DbSet<CycleCopy> Cycles => Set<CycleCopy>();
    public DbSet<LabelCopy> Labels => Set<LabelCopy>();
    public DbSet<KnownWorkspace> Workspaces => Set<KnownWorkspace>();
    public DbSet<WorkspaceMember> WorkspaceMembers => Set<WorkspaceMember>();
    public DbSet<KnownProject> Projects => Set<KnownProject>();
    public DbSet<ProjectMember> ProjectMembers => Set<ProjectMember>();
    public DbSet<ExportJob> ExportJobs => Set<ExportJob>();
    public DbSet<KnownUser> Users => Set<KnownUser>();
    public DbSet<WeeklyEmailSetting> WeeklyEmails => Set<WeeklyEmailSetting>();
    public DbSet<WeeklyEmailSent> WeeklyEmailsSent => Set<WeeklyEmailSent>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<ReportEvent>(e =>
        {
            e.ToTable("report_events");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Type).HasMaxLength(100);
            e.HasIndex(x => new { x.ProjectId, x.OccurredAt });
            e.HasIndex(x => x.WorkspaceId);
        });
        modelBuilder.Entity<TaskVersion>(e =>
        {
            e.ToTable("task_versions");
            e.HasKey(x => x.EventId);
            e.Property(x => x.EventId).ValueGeneratedNever();
            e.Property(x => x.Kind).HasMaxLength(20);
            e.Property(x => x.Category).HasMaxLength(20);
            e.Property(x => x.Key).HasMaxLength(40);
            e.HasIndex(x => new { x.ProjectId, x.TaskId, x.OccurredAt });
        });
        modelBuilder.Entity<StatusCopy>(e =>
        {
            e.ToTable("statuses");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Category).HasMaxLength(20);
            e.HasIndex(x => x.ProjectId);
        });
        modelBuilder.Entity<CycleCopy>(e =>
        {
            e.ToTable("cycles");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.HasIndex(x => x.ProjectId);
        });
        modelBuilder.Entity<LabelCopy>(e =>
        {
            e.ToTable("labels");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.HasIndex(x => x.ProjectId);
        });
        modelBuilder.Entity<KnownWorkspace>(e =>
        {
            e.ToTable("workspaces");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
        });
        modelBuilder.Entity<WorkspaceMember>(e =>
        {
            e.ToTable("workspace_members");
            e.HasKey(x => new { x.WorkspaceId, x.UserId });
            e.HasIndex(x => x.UserId);
        });
        modelBuilder.Entity<KnownProject>(e =>
        {
            e.ToTable("projects");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.HasIndex(x => x.WorkspaceId);
        });
        modelBuilder.Entity<ProjectMember>(e =>
        {
            e.ToTable("project_members");
            e.HasKey(x => new { x.ProjectId, x.UserId });
        });
        modelBuilder.Entity<KnownUser>(e =>
        {
            e.ToTable("users");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.DisplayName).HasMaxLength(200);
        });
        modelBuilder.Entity<WeeklyEmailSetting>(e =>
        {
            e.ToTable("weekly_email_settings");
            e.HasKey(x => x.ScopeId);
            e.Property(x => x.ScopeId).ValueGeneratedNever();
            e.Property(x => x.TimeZone).HasMaxLength(100);
            e.HasIndex(x => x.WorkspaceId);
        });
        modelBuilder.Entity<WeeklyEmailSent>(e =>
        {
            e.ToTable("weekly_emails_sent");
            e.HasKey(x => new { x.ScopeId, x.UserId, x.WeekOf });
        });
        modelBuilder.Entity<ExportJob>(e =>
        {
            e.ToTable("export_jobs");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Report).HasMaxLength(40);
            e.Property(x => x.Format).HasMaxLength(10);
            e.Property(x => x.State).HasMaxLength(20);
            e.HasIndex(x => new { x.State, x.CreatedAt });
        });
    }
}

internal sealed class SqliteReportingDb(DbContextOptions<SqliteReportingDb> options) : ReportingDb(options);

internal sealed class PostgresReportingDb(DbContextOptions<PostgresReportingDb> options) : ReportingDb(options);

internal sealed class SqliteReportingDbFactory : IDesignTimeDbContextFactory<SqliteReportingDb>
{
    public SqliteReportingDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteReportingDb>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresReportingDbFactory : IDesignTimeDbContextFactory<PostgresReportingDb>
{
    public PostgresReportingDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresReportingDb>().UseNpgsql("Host=localhost;Database=design").Options);
}

/// <summary>One consumed project or task event as it came (wire name, JSON payload): the source every rebuild replays.</summary>
internal sealed class ReportEvent
{
    public Guid Id { get; set; }
    public required string Type { get; set; }
    public Guid ProjectId { get; set; }
    /// <summary>Null for project events that do not name it (workflow, cycles, labels); the project copy knows it.</summary>
    public Guid? WorkspaceId { get; set; }
    public DateTime OccurredAt { get; set; }
    public required string Payload { get; set; }
}

/// <summary>
/// A task's reportable state after one event. Null columns marked "unknown" are filled from the task's previous
/// version when the history is read (events published before the producer sent them), so the arrival order of
/// events does not matter: the history is always read in (OccurredAt, EventId) order.
/// </summary>
internal sealed class TaskVersion
{
    public Guid EventId { get; set; }
    public Guid TaskId { get; set; }
    public Guid ProjectId { get; set; }
    public Guid WorkspaceId { get; set; }
    public DateTime OccurredAt { get; set; }
    /// <summary>created, updated, moved or deleted.</summary>
    public required string Kind { get; set; }
    public string? Key { get; set; }
    public string? Title { get; set; }
    /// <summary>Unknown when null.</summary>
    public Guid? StatusId { get; set; }
    /// <summary>The status category the producer sent; null: resolved from the workflow copy.</summary>
    public string? Category { get; set; }
    /// <summary>True when the event carried the planning facts below (points, cycle, labels); false: they are unknown.</summary>
    public bool HasPlanning { get; set; }
    public double? Points { get; set; }
    public Guid? CycleId { get; set; }
    /// <summary>Comma-separated label ids (when <see cref="HasPlanning"/>).</summary>
    public string? LabelIds { get; set; }
    /// <summary>Comma-separated assignee ids; null: unknown.</summary>
    public string? AssigneeIds { get; set; }
    /// <summary>True when the event carried the due date (it may be null: no due date).</summary>
    public bool HasDueDate { get; set; }
    public DateOnly? DueDate { get; set; }
}

/// <summary>A workflow status as last published (WorkflowChanged), and where its tasks went when it was removed.</summary>
internal sealed class StatusCopy
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public string Name { get; set; } = "";
    public string Category { get; set; } = "";
    public int Position { get; set; }
    public bool Removed { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>WorkflowStatusRemoved: its tasks moved to this status at <see cref="RemovedAt"/> (the tasks service publishes no TaskMoved for them).</summary>
    public Guid? MovedTo { get; set; }
    public DateTime? RemovedAt { get; set; }
}

/// <summary>A project's cycle; deleting it takes it off its tasks at <see cref="DeletedAt"/>.</summary>
internal sealed class CycleCopy
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public string Name { get; set; } = "";
    public DateOnly StartDate { get; set; }
    public DateOnly EndDate { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? DeletedAt { get; set; }
}

/// <summary>A project's label; deleting it takes it off its tasks at <see cref="DeletedAt"/>.</summary>
internal sealed class LabelCopy
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public string Name { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
    public DateTime? DeletedAt { get; set; }
}

/// <summary>A workspace (a tombstone once deleted) and its reporting setting.</summary>
internal sealed class KnownWorkspace
{
    public Guid Id { get; set; }
    public bool Deleted { get; set; }
    /// <summary>The first day of a report week (0 Sunday … 6 Saturday), default Monday.</summary>
    public int WeekStart { get; set; } = (int)DayOfWeek.Monday;
}

/// <summary>One workspace membership (inactive once removed, so late events cannot revive it).</summary>
internal sealed class WorkspaceMember
{
    public Guid WorkspaceId { get; set; }
    public Guid UserId { get; set; }
    public bool Active { get; set; }
    /// <summary>owner, admin, member or viewer.</summary>
    public string? Role { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A project: its workspace, name and key, visibility; a tombstone once deleted.</summary>
internal sealed class KnownProject
{
    public Guid Id { get; set; }
    public Guid WorkspaceId { get; set; }
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
    public bool Deleted { get; set; }
    public bool Private { get; set; }
    public DateTime VisibilityChangedAt { get; set; }
    /// <summary>The planned finish (ProjectCreated/ProjectUpdated); drives the overview's health.</summary>
    public DateOnly? TargetDate { get; set; }
    /// <summary>When name and target date were last set (last writer wins).</summary>
    public DateTime DetailsChangedAt { get; set; }
    /// <summary>
    /// Raised in the same transaction as every change to the project's report history (an event projected, a rebuild),
    /// so a history cached under this number is current (<see cref="Features.HistoryCache"/>). -1: not a stored row.
    /// </summary>
    public long HistoryVersion { get; set; }
}

/// <summary>
/// A user's display name for the workspace overview's workload (UserRegistered, UserProfileUpdated). On UserDeleted the
/// name is erased and the row stays as a tombstone, so a late profile event cannot bring the name back (docs/adr/0030).
/// </summary>
internal sealed class KnownUser
{
    public Guid Id { get; set; }
    public string DisplayName { get; set; } = "";
    public bool Deleted { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>An explicit project membership (inactive once removed).</summary>
internal sealed class ProjectMember
{
    public Guid ProjectId { get; set; }
    public Guid UserId { get; set; }
    public bool Active { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>An export of one report, made in the background; the file is kept until <see cref="ExpiresAt"/>.</summary>
internal sealed class ExportJob
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public Guid WorkspaceId { get; set; }
    public Guid RequestedBy { get; set; }
    public required string Report { get; set; }
    public required string Format { get; set; }
    /// <summary>The report's query (JSON of <c>ReportQuery</c>).</summary>
    public required string Query { get; set; }
    /// <summary>queued, running, ready, failed.</summary>
    public required string State { get; set; }
    public int Progress { get; set; }
    public string? FileName { get; set; }
    public byte[]? Content { get; set; }
    public string? Error { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
}

/// <summary>
/// The weekly status email of a project (<see cref="ScopeId"/> = project id) or of the whole workspace (= workspace id):
/// to whom, and on which day and hour of <see cref="TimeZone"/> (the workspaces service publishes no time zone).
/// </summary>
internal sealed class WeeklyEmailSetting
{
    public Guid ScopeId { get; set; }
    public Guid WorkspaceId { get; set; }
    /// <summary>Null: the workspace-wide email.</summary>
    public Guid? ProjectId { get; set; }
    /// <summary>Comma-separated user ids.</summary>
    public string Recipients { get; set; } = "";
    /// <summary>0 Sunday … 6 Saturday.</summary>
    public int Day { get; set; }
    public int Hour { get; set; }
    public string TimeZone { get; set; } = "UTC";
    public bool Enabled { get; set; }
    /// <summary>A week whose sending time was before this is skipped (the setting starts with the next one).</summary>
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One week's email to one recipient was handed to notifications: the key that makes it once per week, across restarts.</summary>
internal sealed class WeeklyEmailSent
{
    public Guid ScopeId { get; set; }
    public Guid UserId { get; set; }
    /// <summary>The local day of the week's sending time.</summary>
    public DateOnly WeekOf { get; set; }
    public DateTime SentAt { get; set; }
}
