using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Projects.Features;

internal static class DeleteCycle
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapDelete("/cycles/{cycleId:guid}", Handle)
            .RequireProjectRole(ProjectRole.Member)
            .WithName("DeleteCycle")
            .WithSummary("Delete a cycle")
            .WithDescription("Project members and admins.");

    static async Task<Results<NoContent, ProblemHttpResult>> Handle(Guid cycleId, CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var cycle = await db.Cycles.SingleOrDefaultAsync(c => c.ProjectId == access.ProjectId && c.Id == cycleId, ct);
        if (cycle is null) return Problems.CycleNotFound();
        db.Cycles.Remove(cycle);
        db.Publish(new CycleDeleted(cycle.Id, cycle.ProjectId));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
