using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Projects.Features;

internal static class AddProjectMember
{
    /// <summary>A workspace member to add to the project.</summary>
    /// <param name="UserId">The user; must be a member of the project's workspace.</param>
    /// <param name="Role">admin, member or viewer.</param>
    internal sealed record Request(Guid? UserId, string? Role);

    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapPost("/members", Handle)
            .RequireProjectRole(ProjectRole.Admin)
            .WithName("AddProjectMember")
            .WithSummary("Add a project member")
            .WithDescription("Project admins. The user must be a workspace member (else 400 naming userId); an existing project member is 409 already-project-member.");

    static async Task<Results<Created<ProjectMemberResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Request request, CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var errors = ProjectMemberRoles.Validate(request.Role, out var role);
        if (request.UserId is not { } userId || userId == Guid.Empty) errors["userId"] = ["A user id is required."];
        else if (!await db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == access.WorkspaceId && m.UserId == userId && m.Active, ct))
            errors["userId"] = ["The user must be a member of the project's workspace."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var id = request.UserId!.Value;
        if (await db.ProjectMembers.AnyAsync(m => m.ProjectId == access.ProjectId && m.UserId == id, ct)) return Problems.AlreadyProjectMember();

        var member = new ProjectMember { ProjectId = access.ProjectId, UserId = id, Role = role, AddedAt = Clock.UtcNow() };
        db.ProjectMembers.Add(member);
        db.Publish(new ProjectMemberAdded(access.ProjectId, id, role.ToName()));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return Problems.AlreadyProjectMember();
        }
        return TypedResults.Created($"/v1/projects/{access.ProjectId}/members/{id}", ProjectMemberResponse.From(member));
    }
}
