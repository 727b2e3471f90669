using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Projects.Features;

internal static class UpdateProject
{
    /// <summary>Changes to a project; an omitted (null) field stays as it is. The key cannot change.</summary>
    /// <param name="Name">New name, 1–100 characters.</param>
    /// <param name="Description">New description; an empty string clears it.</param>
    /// <param name="LeadId">New lead; must be a workspace member.</param>
    /// <param name="StartDate">New start date.</param>
    /// <param name="TargetDate">New target date, not before the start date.</param>
    /// <param name="Visibility">New visibility: <c>workspace</c> (every workspace member works in it) or <c>private</c> (only project members and workspace owners/admins see it).</param>
    internal sealed record Request(string? Name, string? Description, Guid? LeadId, DateOnly? StartDate, DateOnly? TargetDate, string? Visibility = null);

    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapPatch("/", Handle)
            .RequireProjectRole(ProjectRole.Admin)
            .WithName("UpdateProject")
            .WithSummary("Change a project's details")
            .WithDescription("Project admins (and workspace owners/admins). Publishes ProjectUpdated naming the changed fields (and carrying the visibility).");

    static async Task<Results<Ok<ProjectResponse>, ValidationProblem>> Handle(
        Request request, CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var project = access.Project;
        var errors = new Dictionary<string, string[]>();
        var name = ProjectFields.ValidateName(request.Name, required: false, errors);
        var description = ProjectFields.ValidateDescription(request.Description, errors);
        ProjectFields.ValidateDates(request.StartDate ?? project.StartDate, request.TargetDate ?? project.TargetDate, errors);
        await ProjectFields.ValidateLead(db, project.WorkspaceId, request.LeadId, errors, ct);
        var visibility = ProjectFields.ValidateVisibility(request.Visibility, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var changed = new List<string>();
        if (name is not null && name != project.Name) { project.Name = name; changed.Add("name"); }
        if (description is not null)
        {
            var value = description.Length == 0 ? null : description;
            if (value != project.Description) { project.Description = value; changed.Add("description"); }
        }
        if (request.LeadId is { } lead && lead != project.LeadId) { project.LeadId = lead; changed.Add("leadId"); }
        if (request.StartDate is { } start && start != project.StartDate) { project.StartDate = start; changed.Add("startDate"); }
        if (request.TargetDate is { } target && target != project.TargetDate) { project.TargetDate = target; changed.Add("targetDate"); }
        if (visibility is { } v && v != project.Visibility) { project.Visibility = v; changed.Add("visibility"); }

        if (changed.Count > 0)
        {
            db.Publish(new ProjectUpdated(project.Id, project.WorkspaceId, [.. changed], project.Visibility.ToName(), project.Name, project.TargetDate));
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Ok(ProjectResponse.From(project, access.ProjectRole));
    }
}
