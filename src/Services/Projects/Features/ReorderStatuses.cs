using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Projects.Data;

namespace TaskFlow.Projects.Features;

internal static class ReorderStatuses
{
    /// <summary>The new order of the workflow.</summary>
    /// <param name="StatusIds">Every status id of the project exactly once, in the new order.</param>
    internal sealed record Request(Guid[]? StatusIds);

    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapPut("/statuses/order", Handle)
            .RequireProjectRole(ProjectRole.Admin)
            .WithName("ReorderStatuses")
            .WithSummary("Reorder the workflow")
            .WithDescription("Project admins. statusIds must list every status of the project exactly once (else 400). Publishes WorkflowChanged.");

    static async Task<Results<Ok<List<StatusResponse>>, ValidationProblem>> Handle(
        Request request, CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        await using var transaction = await Workflow.Lock(db, access.ProjectId, ct);
        var statuses = await Workflow.Load(db, access.ProjectId, ct);
        var ids = request.StatusIds ?? [];
        var byId = statuses.ToDictionary(s => s.Id);
        if (ids.Length != statuses.Count || ids.Distinct().Count() != ids.Length || !ids.All(byId.ContainsKey))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["statusIds"] = ["List every status of the project exactly once."] });

        var ordered = ids.Select(id => byId[id]).ToList();
        Workflow.Renumber(db, access.ProjectId, ordered);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(ordered.Select(StatusResponse.From).ToList());
    }
}
