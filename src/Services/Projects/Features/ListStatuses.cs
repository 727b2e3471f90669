using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Projects.Data;

namespace TaskFlow.Projects.Features;

internal static class ListStatuses
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapGet("/statuses", Handle)
            .WithName("ListStatuses")
            .WithSummary("List the workflow statuses of a project")
            .WithDescription("In workflow order.");

    static async Task<Ok<List<StatusResponse>>> Handle(CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var statuses = await db.Statuses.AsNoTracking()
            .Where(s => s.ProjectId == access.ProjectId)
            .OrderBy(s => s.Position)
            .Select(s => new StatusResponse(s.Id, s.Name, s.Category, s.Position))
            .ToListAsync(ct);
        return TypedResults.Ok(statuses);
    }
}
