using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Projects.Data;

namespace TaskFlow.Projects.Features;

internal static class ListCycles
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapGet("/cycles", Handle).WithName("ListCycles").WithSummary("List a project's cycles").WithDescription("By start date.");

    static async Task<Ok<List<CycleResponse>>> Handle(CurrentAccess access, ProjectsDb db, CancellationToken ct) =>
        TypedResults.Ok(await db.Cycles.AsNoTracking()
            .Where(c => c.ProjectId == access.ProjectId)
            .OrderBy(c => c.StartDate).ThenBy(c => c.Id)
            .Select(c => new CycleResponse(c.Id, c.Name, c.StartDate, c.EndDate))
            .ToListAsync(ct));
}
