using TaskFlow.BuildingBlocks.Membership;

namespace TaskFlow.Projects.Data;

/// <summary>
/// What a caller may do in one project, strongest first. <see cref="Reader"/> is a workspace viewer who is not a member
/// of the project: they read the workspace's (non-private) projects and change nothing.
/// </summary>
internal enum ProjectRole
{
    Admin = 0,
    Member = 1,
    Viewer = 2,
    Reader = 3,
}

internal static class Roles
{
    public static readonly string[] ProjectRoleNames = ["admin", "member", "viewer"];

    /// <summary>Parses a role that can be given to a project member (admin, member or viewer).</summary>
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

    public static bool IsManager(this WorkspaceRole role) => role <= WorkspaceRole.Admin;

    /// <summary>
    /// The caller's role in a project, or null when the project is hidden from them (ADR 0005). Workspace owners and
    /// admins act as project admin everywhere; an explicit project role wins otherwise (a workspace viewer at most
    /// viewer). Without one, a workspace member acts as project member and a workspace viewer as
    /// <see cref="ProjectRole.Reader"/> in a <c>workspace</c> project; a private project is hidden from both.
    /// </summary>
    public static ProjectRole? Effective(WorkspaceRole workspaceRole, ProjectRole? projectRole, bool isPrivate) => workspaceRole switch
    {
        WorkspaceRole.Owner or WorkspaceRole.Admin => ProjectRole.Admin,
        WorkspaceRole.Viewer => projectRole is not null ? ProjectRole.Viewer : isPrivate ? null : ProjectRole.Reader,
        _ => projectRole ?? (isPrivate ? null : ProjectRole.Member),
    };
}

internal sealed class Project
{
    public Guid Id { get; set; }
    public Guid WorkspaceId { get; set; }
    public required string Key { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public Guid? LeadId { get; set; }
    public DateOnly? StartDate { get; set; }
    public DateOnly? TargetDate { get; set; }
    public DateTime CreatedAt { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTime? ArchivedAt { get; set; }
    /// <summary>Who sees the project besides its members; <see cref="ProjectVisibility.Workspace"/> by default.</summary>
    public ProjectVisibility Visibility { get; set; }

    public bool IsPrivate => Visibility == ProjectVisibility.Private;

    public List<ProjectMember> Members { get; } = [];
    public List<WorkflowStatus> Statuses { get; } = [];
}

internal sealed class ProjectMember
{
    public Guid ProjectId { get; set; }
    public Guid UserId { get; set; }
    public ProjectRole Role { get; set; }
    public DateTime AddedAt { get; set; }
}

/// <summary>Who sees a project besides its explicit members and the workspace's owners and admins.</summary>
internal enum ProjectVisibility
{
    /// <summary>Every workspace member (members work in it, viewers read it). The default.</summary>
    Workspace = 0,
    /// <summary>Only the project's members (and workspace owners/admins).</summary>
    Private = 1,
}

internal static class Visibilities
{
    public static readonly string[] Names = ["workspace", "private"];

    public static bool TryParse(string? value, out ProjectVisibility visibility)
    {
        switch (value)
        {
            case "workspace": visibility = ProjectVisibility.Workspace; return true;
            case "private": visibility = ProjectVisibility.Private; return true;
            default: visibility = default; return false;
        }
    }

    public static string ToName(this ProjectVisibility visibility) => visibility == ProjectVisibility.Private ? "private" : "workspace";
}

internal static class StatusCategories
{
    public static readonly string[] Names = ["backlog", "todo", "in_progress", "done", "cancelled"];

    public static bool IsValid(string? category) => category is not null && Names.Contains(category);
}

internal sealed class WorkflowStatus
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public required string Name { get; set; }
    /// <summary>backlog, todo, in_progress, done or cancelled.</summary>
    public required string Category { get; set; }
    public int Position { get; set; }
}

internal sealed class Label
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public required string Name { get; set; }
    public required string NormalizedName { get; set; }
    public required string Color { get; set; }
}

internal sealed class Cycle
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public required string Name { get; set; }
    public DateOnly StartDate { get; set; }
    public DateOnly EndDate { get; set; }
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
