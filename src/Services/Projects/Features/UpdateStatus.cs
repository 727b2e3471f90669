using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Projects.Data;

namespace TaskFlow.Projects.Features;

internal static class UpdateStatus
{
    /// <summary>Changes to a status; an omitted field stays as it is.</summary>
    /// <param name="Name">New name, 1–50 characters, unique in the project.</param>
    /// <param name="Category">New category: backlog, todo, in_progress, done or cancelled.</param>
    internal sealed record Request(string? Name, string? Category);

    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapPatch("/statuses/{statusId:guid}", Handle)
            .RequireProjectRole(ProjectRole.Admin)
            .WithName("UpdateStatus")
            .WithSummary("Rename or recategorize a status")
            .WithDescription("Project admins. Publishes WorkflowChanged.");

    static async Task<Results<Ok<StatusResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid statusId, Request request, CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = ProjectFields.ValidateName(request.Name, required: false, errors, max: Workflow.NameMax);
        Workflow.ValidateCategory(request.Category, required: false, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        await using var transaction = await Workflow.Lock(db, access.ProjectId, ct);
        var statuses = await Workflow.Load(db, access.ProjectId, ct);
        var status = statuses.SingleOrDefault(s => s.Id == statusId);
        if (status is null) return Problems.StatusNotFound();
        if (name is not null && Workflow.NameTaken(statuses, name, except: statusId)) return Problems.StatusNameTaken(name);

        var changed = false;
        if (name is not null && name != status.Name) { status.Name = name; changed = true; }
        if (request.Category is { } category && category != status.Category) { status.Category = category; changed = true; }
        if (changed)
        {
            Workflow.Renumber(db, access.ProjectId, statuses);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        return TypedResults.Ok(StatusResponse.From(status));
    }
}
