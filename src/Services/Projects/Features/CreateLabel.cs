using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Projects.Features;

internal static class CreateLabel
{
    /// <summary>A new label.</summary>
    /// <param name="Name">1–50 characters, unique in the project (case-insensitive).</param>
    /// <param name="Color">#RRGGBB.</param>
    internal sealed record Request(string? Name, string? Color);

    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapPost("/labels", Handle)
            .RequireProjectRole(ProjectRole.Member)
            .WithName("CreateLabel")
            .WithSummary("Create a label")
            .WithDescription("Project members and admins. A name in use is 409 label-name-taken.");

    static async Task<Results<Created<LabelResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Request request, CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = ProjectFields.ValidateName(request.Name, required: true, errors, max: LabelFields.NameMax)!;
        LabelFields.ValidateColor(request.Color, required: true, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var normalized = LabelFields.Normalize(name);
        if (await db.Labels.AnyAsync(l => l.ProjectId == access.ProjectId && l.NormalizedName == normalized, ct)) return Problems.LabelNameTaken(name);
        var label = new Label { Id = Guid.CreateVersion7(), ProjectId = access.ProjectId, Name = name, NormalizedName = normalized, Color = request.Color!.ToUpperInvariant() };
        db.Labels.Add(label);
        db.Publish(new LabelCreated(label.Id, label.ProjectId, label.Name, label.Color));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return Problems.LabelNameTaken(name);
        }
        return TypedResults.Created($"/v1/projects/{access.ProjectId}/labels/{label.Id}", LabelResponse.From(label));
    }
}
