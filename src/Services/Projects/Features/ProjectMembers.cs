using TaskFlow.Projects.Data;

namespace TaskFlow.Projects.Features;

/// <summary>A member of a project.</summary>
/// <param name="UserId">The member's user id.</param>
/// <param name="Role">admin, member or viewer.</param>
/// <param name="AddedAt">When they were added (UTC).</param>
internal sealed record ProjectMemberResponse(Guid UserId, string Role, DateTime AddedAt)
{
    public static ProjectMemberResponse From(ProjectMember m) => new(m.UserId, m.Role.ToName(), m.AddedAt);
}

internal static class ProjectMemberRoles
{
    public static Dictionary<string, string[]> Validate(string? role, out ProjectRole parsed)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Roles.TryParseProjectRole(role, out parsed))
            errors["role"] = [$"The role must be one of {string.Join(", ", Roles.ProjectRoleNames)}."];
        return errors;
    }
}
