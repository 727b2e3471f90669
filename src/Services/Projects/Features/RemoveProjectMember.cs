using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Projects.Features;

internal static class RemoveProjectMember
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapDelete("/members/{userId:guid}", Handle)
            .WithName("RemoveProjectMember")
            .WithSummary("Remove a project member, or leave")
            .WithDescription("Project admins remove anyone; any project member may remove themselves (leave). Others get 403.");

    static async Task<Results<NoContent, ProblemHttpResult>> Handle(Guid userId, CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        if (userId != access.UserId && !access.ProjectRole.IsAtLeast(ProjectRole.Admin))
            return Problems.InsufficientRole($"Only project admins remove other members; your role is {access.ProjectRole.ToName()}.");
        var member = await db.ProjectMembers.SingleOrDefaultAsync(m => m.ProjectId == access.ProjectId && m.UserId == userId, ct);
        if (member is null) return Problems.ProjectMemberNotFound();
        db.ProjectMembers.Remove(member);
        db.Publish(new ProjectMemberRemoved(access.ProjectId, userId));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
