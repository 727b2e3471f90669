using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Projects.Data;

namespace TaskFlow.Projects.Features;

internal static class AddStatus
{
    /// <summary>A new workflow status.</summary>
    /// <param name="Name">1–50 characters, unique in the project (case-insensitive).</param>
    /// <param name="Category">backlog, todo, in_progress, done or cancelled.</param>
    /// <param name="Position">0-based place to insert at; default (or beyond the end) is last.</param>
    internal sealed record Request(string? Name, string? Category, int? Position);

    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapPost("/statuses", Handle)
            .RequireProjectRole(ProjectRole.Admin)
            .WithName("AddStatus")
            .WithSummary("Add a workflow status")
            .WithDescription("Project admins. Publishes WorkflowChanged.");

    static async Task<Results<Created<StatusResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Request request, CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = ProjectFields.ValidateName(request.Name, required: true, errors, max: Workflow.NameMax)!;
        Workflow.ValidateCategory(request.Category, required: true, errors);
        if (request.Position is < 0) errors["position"] = ["The position cannot be negative."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        await using var transaction = await Workflow.Lock(db, access.ProjectId, ct);
        var statuses = await Workflow.Load(db, access.ProjectId, ct);
        if (Workflow.NameTaken(statuses, name)) return Problems.StatusNameTaken(name);
        var status = new WorkflowStatus { Id = Guid.CreateVersion7(), ProjectId = access.ProjectId, Name = name, Category = request.Category! };
        statuses.Insert(Math.Min(request.Position ?? statuses.Count, statuses.Count), status);
        db.Statuses.Add(status);
        Workflow.Renumber(db, access.ProjectId, statuses);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/v1/projects/{access.ProjectId}/statuses/{status.Id}", StatusResponse.From(status));
    }
}
