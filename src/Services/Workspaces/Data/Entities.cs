namespace TaskFlow.Workspaces.Data;

/// <summary>Roles in a workspace, strongest first: a lower value can do everything a higher one can.</summary>
internal enum WorkspaceRole
{
    Owner = 0,
    Admin = 1,
    Member = 2,
    Viewer = 3,
}

internal static class WorkspaceRoles
{
    public static readonly string[] Names = ["owner", "admin", "member", "viewer"];

    /// <summary>The wire name used in requests, responses and events.</summary>
    public static string ToName(this WorkspaceRole role) => role switch
    {
        WorkspaceRole.Owner => "owner",
        WorkspaceRole.Admin => "admin",
        WorkspaceRole.Member => "member",
        _ => "viewer",
    };

    public static bool TryParse(string? value, out WorkspaceRole role)
    {
        switch (value)
        {
            case "owner": role = WorkspaceRole.Owner; return true;
            case "admin": role = WorkspaceRole.Admin; return true;
            case "member": role = WorkspaceRole.Member; return true;
            case "viewer": role = WorkspaceRole.Viewer; return true;
            default: role = default; return false;
        }
    }

    public static bool IsAtLeast(this WorkspaceRole role, WorkspaceRole minimum) => role <= minimum;

    /// <summary>Owners and admins run the workspace; only owners may touch owners and admins.</summary>
    public static bool IsManager(this WorkspaceRole role) => role <= WorkspaceRole.Admin;
}

internal sealed class Workspace
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Slug { get; set; }
    public DateTime CreatedAt { get; set; }
    public Guid CreatedBy { get; set; }

    /// <summary>
    /// Changed whenever the set of owners shrinks, so two concurrent demotions cannot both pass the last-owner check:
    /// the second SaveChanges fails its concurrency check instead of leaving the workspace without an owner.
    /// </summary>
    public Guid OwnersVersion { get; set; }

    public List<Membership> Members { get; } = [];
    public List<Invitation> Invitations { get; } = [];
}

internal sealed class Membership
{
    public Guid WorkspaceId { get; set; }
    public Guid UserId { get; set; }
    public required string Email { get; set; }
    public required string NormalizedEmail { get; set; }
    public required string DisplayName { get; set; }
    public WorkspaceRole Role { get; set; }
    public DateTime JoinedAt { get; set; }
    public Workspace Workspace { get; set; } = null!;
}

internal enum InvitationStatus
{
    Pending,
    Accepted,
    Revoked,
}

internal sealed class Invitation
{
    public Guid Id { get; set; }
    public Guid WorkspaceId { get; set; }
    public required string Email { get; set; }
    public required string NormalizedEmail { get; set; }
    public WorkspaceRole Role { get; set; }
    /// <summary>SHA-256 of the token, hex; the token itself only travels in the InvitationCreated event.</summary>
    public required string TokenHash { get; set; }
    public Guid InvitedBy { get; set; }
    public required string InvitedByName { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public InvitationStatus Status { get; set; }
    public DateTime? RespondedAt { get; set; }
    public Guid? AcceptedBy { get; set; }
    public Workspace Workspace { get; set; } = null!;

    public bool IsPending(DateTime now) => Status == InvitationStatus.Pending && ExpiresAt > now;

    /// <summary>The status a client sees: an unanswered invitation past its expiry is <c>expired</c>.</summary>
    public string StatusName(DateTime now) => Status switch
    {
        InvitationStatus.Accepted => "accepted",
        InvitationStatus.Revoked => "revoked",
        _ => ExpiresAt > now ? "pending" : "expired",
    };
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
