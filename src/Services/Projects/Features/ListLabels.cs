using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Projects.Data;

namespace TaskFlow.Projects.Features;

internal static class ListLabels
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapGet("/labels", Handle).WithName("ListLabels").WithSummary("List a project's labels").WithDescription("By name.");

    static async Task<Ok<List<LabelResponse>>> Handle(CurrentAccess access, ProjectsDb db, CancellationToken ct) =>
        TypedResults.Ok(await db.Labels.AsNoTracking()
            .Where(l => l.ProjectId == access.ProjectId)
            .OrderBy(l => l.NormalizedName)
            .Select(l => new LabelResponse(l.Id, l.Name, l.Color))
            .ToListAsync(ct));
}
