using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Projects.Features;

internal static class UpdateCycle
{
    /// <summary>Changes to a cycle; an omitted field stays as it is.</summary>
    /// <param name="Name">New name.</param>
    /// <param name="StartDate">New first day.</param>
    /// <param name="EndDate">New last day, not before the (new) start.</param>
    internal sealed record Request(string? Name, DateOnly? StartDate, DateOnly? EndDate);

    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapPatch("/cycles/{cycleId:guid}", Handle)
            .RequireProjectRole(ProjectRole.Member)
            .WithName("UpdateCycle")
            .WithSummary("Change a cycle")
            .WithDescription("Project members and admins.");

    static async Task<Results<Ok<CycleResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid cycleId, Request request, CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = ProjectFields.ValidateName(request.Name, required: false, errors);
        var cycle = await db.Cycles.SingleOrDefaultAsync(c => c.ProjectId == access.ProjectId && c.Id == cycleId, ct);
        if (cycle is null) return Problems.CycleNotFound();
        var start = request.StartDate ?? cycle.StartDate;
        var end = request.EndDate ?? cycle.EndDate;
        if (end < start) errors["endDate"] = ["The end date cannot be before the start date."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        if (name is not null) cycle.Name = name;
        cycle.StartDate = start;
        cycle.EndDate = end;
        if (db.Entry(cycle).State == EntityState.Modified) db.Publish(new CycleUpdated(cycle.Id, cycle.ProjectId, cycle.Name, cycle.StartDate, cycle.EndDate));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(CycleResponse.From(cycle));
    }
}
