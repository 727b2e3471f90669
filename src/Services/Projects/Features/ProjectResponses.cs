using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Projects.Data;

namespace TaskFlow.Projects.Features;

/// <summary>A project.</summary>
/// <param name="Id">Project id.</param>
/// <param name="WorkspaceId">The workspace it belongs to.</param>
/// <param name="Key">2–10 uppercase letters/digits, unique in the workspace; never changes.</param>
/// <param name="Name">Display name, 1–100 characters.</param>
/// <param name="Description">Optional, up to 2000 characters.</param>
/// <param name="LeadId">Optional lead, a workspace member.</param>
/// <param name="StartDate">Optional start date.</param>
/// <param name="TargetDate">Optional target date, not before the start date.</param>
/// <param name="Archived">Whether the project is archived (read-only).</param>
/// <param name="ArchivedAt">When it was archived (UTC).</param>
/// <param name="CreatedAt">When it was created (UTC).</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="Role">The caller's effective role: admin, member, viewer or reader (a workspace viewer who is not a project member). A workspace member without a project role is member.</param>
/// <param name="Visibility"><c>workspace</c> (every workspace member works in it) or <c>private</c> (only project members and workspace owners/admins see it).</param>
internal sealed record ProjectResponse(
    Guid Id, Guid WorkspaceId, string Key, string Name, string? Description, Guid? LeadId,
    DateOnly? StartDate, DateOnly? TargetDate, bool Archived, DateTime? ArchivedAt, DateTime CreatedAt, Guid CreatedBy, string Role,
    string Visibility)
{
    public static ProjectResponse From(Project p, ProjectRole role) => new(
        p.Id, p.WorkspaceId, p.Key, p.Name, p.Description, p.LeadId, p.StartDate, p.TargetDate,
        p.ArchivedAt is not null, p.ArchivedAt, p.CreatedAt, p.CreatedBy, role.ToName(), p.Visibility.ToName());
}

internal static partial class ProjectFields
{
    public const int NameMax = 100;
    public const int DescriptionMax = 2000;

    [GeneratedRegex("^[A-Z][A-Z0-9]{1,9}$")]
    private static partial Regex KeyPattern();

    public static void ValidateKey(string? key, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(key)) errors["key"] = ["A key is required."];
        else if (!KeyPattern().IsMatch(key)) errors["key"] = ["The key must be 2–10 uppercase letters or digits, starting with a letter."];
    }

    /// <summary>Trims and checks a name; null when <paramref name="required"/> is false means "unchanged".</summary>
    public static string? ValidateName(string? name, bool required, Dictionary<string, string[]> errors, string field = "name", int max = NameMax)
    {
        if (name is null && !required) return null;
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0) errors[field] = ["A name is required."];
        else if (trimmed.Length > max) errors[field] = [$"The name must be at most {max} characters."];
        return trimmed;
    }

    public static string? ValidateDescription(string? description, Dictionary<string, string[]> errors)
    {
        if (description is null) return null;
        var trimmed = description.Trim();
        if (trimmed.Length > DescriptionMax) errors["description"] = [$"The description must be at most {DescriptionMax} characters."];
        return trimmed;
    }

    /// <summary>Parses a visibility; null when absent ("unchanged" / the default).</summary>
    public static ProjectVisibility? ValidateVisibility(string? visibility, Dictionary<string, string[]> errors)
    {
        if (visibility is null) return null;
        if (Visibilities.TryParse(visibility, out var parsed)) return parsed;
        errors["visibility"] = ["The visibility must be workspace or private."];
        return null;
    }

    public static void ValidateDates(DateOnly? start, DateOnly? target, Dictionary<string, string[]> errors)
    {
        if (start is { } s && target is { } t && t < s) errors["targetDate"] = ["The target date cannot be before the start date."];
    }

    /// <summary>The lead must be an active member of the workspace (local copy).</summary>
    public static async Task ValidateLead(ProjectsDb db, Guid workspaceId, Guid? leadId, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (leadId is not { } id) return;
        if (!await db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == workspaceId && m.UserId == id && m.Active, ct))
            errors["leadId"] = ["The lead must be a member of the workspace."];
    }
}
