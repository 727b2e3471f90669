using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Projects.Features;

internal static class ChangeProjectMemberRole
{
    /// <summary>A project member's new role.</summary>
    /// <param name="Role">admin, member or viewer.</param>
    internal sealed record Request(string? Role);

    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapPatch("/members/{userId:guid}", Handle)
            .RequireProjectRole(ProjectRole.Admin)
            .WithName("ChangeProjectMemberRole")
            .WithSummary("Change a project member's role")
            .WithDescription("Project admins.");

    static async Task<Results<Ok<ProjectMemberResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid userId, Request request, CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        if (ProjectMemberRoles.Validate(request.Role, out var role) is { Count: > 0 } errors) return TypedResults.ValidationProblem(errors);
        var member = await db.ProjectMembers.SingleOrDefaultAsync(m => m.ProjectId == access.ProjectId && m.UserId == userId, ct);
        if (member is null) return Problems.ProjectMemberNotFound();
        if (member.Role != role)
        {
            member.Role = role;
            db.Publish(new ProjectMemberRoleChanged(access.ProjectId, userId, role.ToName()));
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Ok(ProjectMemberResponse.From(member));
    }
}
