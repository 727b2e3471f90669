using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Projects.Features;

internal static class CreateCycle
{
    /// <summary>A new cycle.</summary>
    /// <param name="Name">1–100 characters.</param>
    /// <param name="StartDate">First day (yyyy-MM-dd).</param>
    /// <param name="EndDate">Last day, not before the start.</param>
    internal sealed record Request(string? Name, DateOnly? StartDate, DateOnly? EndDate);

    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapPost("/cycles", Handle)
            .RequireProjectRole(ProjectRole.Member)
            .WithName("CreateCycle")
            .WithSummary("Create a cycle")
            .WithDescription("Project members and admins.");

    static async Task<Results<Created<CycleResponse>, ValidationProblem>> Handle(
        Request request, CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = ProjectFields.ValidateName(request.Name, required: true, errors)!;
        if (request.StartDate is null) errors["startDate"] = ["A start date is required."];
        if (request.EndDate is null) errors["endDate"] = ["An end date is required."];
        else if (request.StartDate is { } s && request.EndDate < s) errors["endDate"] = ["The end date cannot be before the start date."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var cycle = new Cycle { Id = Guid.CreateVersion7(), ProjectId = access.ProjectId, Name = name, StartDate = request.StartDate!.Value, EndDate = request.EndDate!.Value };
        db.Cycles.Add(cycle);
        db.Publish(new CycleCreated(cycle.Id, cycle.ProjectId, cycle.Name, cycle.StartDate, cycle.EndDate));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/v1/projects/{access.ProjectId}/cycles/{cycle.Id}", CycleResponse.From(cycle));
    }
}
