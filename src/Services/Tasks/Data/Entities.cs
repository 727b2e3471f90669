namespace TaskFlow.Tasks.Data;

/// <summary>What a caller may do in one project, strongest first (same rules as the projects service).</summary>
internal enum ProjectRole
{
    Admin = 0,
    Member = 1,
    Viewer = 2,
    /// <summary>A workspace viewer who is not a project member: reads only.</summary>
    Reader = 3,
}

internal enum Priority
{
    None = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Urgent = 4,
}

internal static class Roles
{
    public static bool TryParseProjectRole(string? value, out ProjectRole role)
    {
        switch (value)
        {
            case "admin": role = ProjectRole.Admin; return true;
            case "member": role = ProjectRole.Member; return true;
            case "viewer": role = ProjectRole.Viewer; return true;
            default: role = default; return false;
        }
    }

    public static string ToName(this ProjectRole role) => role switch
    {
        ProjectRole.Admin => "admin",
        ProjectRole.Member => "member",
        ProjectRole.Viewer => "viewer",
        _ => "reader",
    };

    public static string ToName(this WorkspaceRole role) => role switch
    {
        WorkspaceRole.Owner => "owner",
        WorkspaceRole.Admin => "admin",
        WorkspaceRole.Member => "member",
        _ => "viewer",
    };

    public static bool IsAtLeast(this ProjectRole role, ProjectRole minimum) => role <= minimum;

    /// <summary>
    /// The projects service's rule (ADR 0005), null when the project is hidden from the caller: workspace owners/admins
    /// are project admins; an explicit project role wins otherwise (a workspace viewer at most viewer); without one, a
    /// workspace member is project member and a workspace viewer reader in a workspace-visible project, and a private
    /// project is hidden from both.
    /// </summary>
    public static ProjectRole? Effective(WorkspaceRole workspaceRole, ProjectRole? projectRole, bool isPrivate) => workspaceRole switch
    {
        WorkspaceRole.Owner or WorkspaceRole.Admin => ProjectRole.Admin,
        WorkspaceRole.Viewer => projectRole is not null ? ProjectRole.Viewer : isPrivate ? null : ProjectRole.Reader,
        _ => projectRole ?? (isPrivate ? null : ProjectRole.Member),
    };
}

internal static class Priorities
{
    public static readonly string[] Names = ["none", "low", "medium", "high", "urgent"];

    public static bool TryParse(string? value, out Priority priority)
    {
        var index = value is null ? -1 : Array.IndexOf(Names, value);
        priority = index < 0 ? Priority.None : (Priority)index;
        return index >= 0;
    }

    public static string ToName(this Priority priority) => Names[(int)priority];
}

/// <summary>Local copy of a user's email (from the identity service), to resolve <c>@email</c> mentions.</summary>
internal sealed class KnownUser
{
    public Guid Id { get; set; }
    public required string NormalizedEmail { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>Local copy of a project, fed by the projects service's events.</summary>
internal sealed class KnownProject
{
    public Guid Id { get; set; }
    public Guid WorkspaceId { get; set; }
    public string Key { get; set; } = "";
    public bool Archived { get; set; }
    public DateTime ArchiveChangedAt { get; set; }
    /// <summary>Private: only project members and workspace owners/admins see it (false: the whole workspace does).</summary>
    public bool Private { get; set; }
    /// <summary>OccurredAt of the event that set <see cref="Private"/> (last writer wins).</summary>
    public DateTime VisibilityChangedAt { get; set; }
    /// <summary>Tombstone: the project was deleted; late events for it are ignored.</summary>
    public bool Deleted { get; set; }

    /// <summary>
    /// The part of the project's list version written before the version moved to <see cref="ListVersionSlot"/>s (column
    /// "ListVersion"; no longer raised, docs/adr/0045): the list version is this plus the sum of the project's slots, so
    /// the versions of the upgraded data carry over unchanged.
    /// </summary>
    public long ListVersionBase { get; set; }
}

/// <summary>
/// One of a project's list-version counters (docs/adr/0045). Every transaction that changes a row of the project raises
/// one slot by one (<see cref="ListVersions"/>); the project's list version is <see cref="KnownProject.ListVersionBase"/>
/// plus the sum of its slots, read in one statement, so a task list computed at one value is still exact while it holds
/// (<see cref="Features.TaskListCache"/>). On PostgreSQL a writer takes a slot no open transaction holds (SKIP LOCKED)
/// or adds one, so writers of one project never wait for each other's COMMIT; SQLite (one writer at a time) uses slot 0.
/// </summary>
internal sealed class ListVersionSlot
{
    public Guid ProjectId { get; set; }
    public int Slot { get; set; }
    public long Version { get; set; }
}

/// <summary>Local copy of a project membership (inactive once removed).</summary>
internal sealed class ProjectMember
{
    public Guid ProjectId { get; set; }
    public Guid UserId { get; set; }
    public ProjectRole Role { get; set; }
    public bool Active { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>Local copy of a workflow status; statuses no longer listed stay as removed.</summary>
internal sealed class WorkflowStatus
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public string Name { get; set; } = "";
    public string Category { get; set; } = "";
    public int Position { get; set; }
    public bool Removed { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>The last task number handed out in a project; numbers are never reused, even after a delete.</summary>
internal sealed class TaskCounter
{
    public Guid ProjectId { get; set; }
    public long LastNumber { get; set; }
}

internal sealed class WorkItem
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public long Number { get; set; }
    public required string Key { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public Guid StatusId { get; set; }
    /// <summary>Place in the board column (project, status): compared ordinally; ties broken by <see cref="Number"/>.</summary>
    public required string Rank { get; set; }
    public Priority Priority { get; set; }
    DateOnly? dueDate;

    public DateOnly? DueDate
    {
        get => dueDate;
        set
        {
            dueDate = value;
            DueSort = value ?? DateOnly.MaxValue;
        }
    }

    /// <summary>The due date, or the last date when there is none: sorts "no due date" last through a plain index.</summary>
    public DateOnly DueSort { get; private set; } = DateOnly.MaxValue;

    public DateOnly? StartDate { get; set; }
    public double? Estimate { get; set; }
    public Guid? ParentId { get; set; }
    public Guid ReporterId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Incremented on every change; the ETag.</summary>
    public int Version { get; set; }
    /// <summary>The project's cycle the task is planned in, if any.</summary>
    public Guid? CycleId { get; set; }
    public KnownCycle? Cycle { get; set; }
    public List<TaskAssignee> Assignees { get; } = [];
    public List<TaskLabel> Labels { get; } = [];
    public List<TaskWatcher> Watchers { get; } = [];
}

/// <summary>A label on a task.</summary>
internal sealed class TaskLabel
{
    public Guid TaskId { get; set; }
    public Guid LabelId { get; set; }
    public Guid ProjectId { get; set; }
    public KnownLabel? Label { get; set; }
}

/// <summary>A user following a task: the reporter, assignees and commenters are added automatically.</summary>
internal sealed class TaskWatcher
{
    public Guid TaskId { get; set; }
    public Guid UserId { get; set; }
    public Guid ProjectId { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A due reminder already published: at most one per task, kind and due date.</summary>
internal sealed class SentReminder
{
    public Guid TaskId { get; set; }
    public required string Kind { get; set; }
    public DateOnly DueDate { get; set; }
    public DateTime SentAt { get; set; }
}

/// <summary>Local copy of a project's label (tombstone once deleted, so late events cannot bring it back).</summary>
internal sealed class KnownLabel
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public string Name { get; set; } = "";
    public string Color { get; set; } = "";
    public bool Deleted { get; set; }
    /// <summary>OccurredAt of the last applied change (last writer wins).</summary>
    public DateTime UpdatedAt { get; set; }
}

/// <summary>Local copy of a project's cycle (tombstone once deleted).</summary>
internal sealed class KnownCycle
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public string Name { get; set; } = "";
    public DateOnly StartDate { get; set; }
    public DateOnly EndDate { get; set; }
    public bool Deleted { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class TaskAssignee
{
    public Guid TaskId { get; set; }
    public Guid UserId { get; set; }
    public Guid ProjectId { get; set; }
}

/// <summary>One recorded change: who, when, which field, old → new.</summary>
internal sealed class Activity
{
    public long Id { get; set; }
    public Guid ProjectId { get; set; }
    public Guid TaskId { get; set; }
    public Guid? ActorId { get; set; }
    public DateTime At { get; set; }
    public required string Field { get; set; }
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }
}

internal sealed class Comment
{
    public Guid Id { get; set; }
    public Guid TaskId { get; set; }
    public Guid ProjectId { get; set; }
    public Guid AuthorId { get; set; }
    public required string Body { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? EditedAt { get; set; }
}

/// <summary>
/// A relation between two tasks, stored once: <c>blocks</c> (From blocks To; <c>blocked_by</c> is stored reversed),
/// <c>duplicates</c> (From duplicates To), <c>relates_to</c> (symmetric, From is the smaller id).
/// </summary>
internal sealed class TaskRelation
{
    public Guid Id { get; set; }
    public Guid FromTaskId { get; set; }
    public Guid ToTaskId { get; set; }
    public required string Type { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal static class Clock
{
    /// <summary>Now, cut to whole microseconds so values read back from PostgreSQL equal the ones written.</summary>
    public static DateTime UtcNow()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc);
    }
}
