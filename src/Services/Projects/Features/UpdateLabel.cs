using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Projects.Features;

internal static class UpdateLabel
{
    /// <summary>Changes to a label; an omitted field stays as it is.</summary>
    /// <param name="Name">New name, unique in the project.</param>
    /// <param name="Color">New color, #RRGGBB.</param>
    internal sealed record Request(string? Name, string? Color);

    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapPatch("/labels/{labelId:guid}", Handle)
            .RequireProjectRole(ProjectRole.Member)
            .WithName("UpdateLabel")
            .WithSummary("Rename or recolor a label")
            .WithDescription("Project members and admins.");

    static async Task<Results<Ok<LabelResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid labelId, Request request, CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = ProjectFields.ValidateName(request.Name, required: false, errors, max: LabelFields.NameMax);
        LabelFields.ValidateColor(request.Color, required: false, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var label = await db.Labels.SingleOrDefaultAsync(l => l.ProjectId == access.ProjectId && l.Id == labelId, ct);
        if (label is null) return Problems.LabelNotFound();
        if (name is not null)
        {
            var normalized = LabelFields.Normalize(name);
            if (await db.Labels.AnyAsync(l => l.ProjectId == access.ProjectId && l.Id != labelId && l.NormalizedName == normalized, ct))
                return Problems.LabelNameTaken(name);
            label.Name = name;
            label.NormalizedName = normalized;
        }
        if (request.Color is { } color) label.Color = color.ToUpperInvariant();
        if (db.Entry(label).State == EntityState.Modified) db.Publish(new LabelUpdated(label.Id, label.ProjectId, label.Name, label.Color));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return Problems.LabelNameTaken(label.Name);
        }
        return TypedResults.Ok(LabelResponse.From(label));
    }
}
