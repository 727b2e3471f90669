using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Projects.Features;

internal static class CreateProject
{
    /// <summary>A new project.</summary>
    /// <param name="Name">Display name, 1–100 characters.</param>
    /// <param name="Key">2–10 uppercase letters/digits starting with a letter, unique in the workspace, e.g. WEB.</param>
    /// <param name="Description">Optional, up to 2000 characters.</param>
    /// <param name="LeadId">Optional lead; must be a workspace member.</param>
    /// <param name="StartDate">Optional start date (yyyy-MM-dd).</param>
    /// <param name="TargetDate">Optional target date, not before the start date.</param>
    /// <param name="Visibility">Optional: <c>workspace</c> (the default: every workspace member works in it, viewers read it) or <c>private</c> (only project members and workspace owners/admins see it).</param>
    internal sealed record Request(string? Name, string? Key, string? Description, Guid? LeadId, DateOnly? StartDate, DateOnly? TargetDate, string? Visibility = null);

    public static RouteHandlerBuilder Map(RouteGroupBuilder projects) =>
        projects.MapPost("/", Handle)
            .RequireWorkspaceRole(WorkspaceRole.Member)
            .WithName("CreateProject")
            .WithSummary("Create a project")
            .WithDescription("Workspace owners, admins and members (not viewers). The caller becomes project admin; visibility is workspace (every workspace member works in it) unless private; the project gets the default workflow Backlog, Todo, In Progress, Done, Cancelled. A key in use is 409 project-key-taken.");

    static async Task<Results<Created<ProjectResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Request request, CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = ProjectFields.ValidateName(request.Name, required: true, errors)!;
        ProjectFields.ValidateKey(request.Key, errors);
        var description = ProjectFields.ValidateDescription(request.Description, errors);
        ProjectFields.ValidateDates(request.StartDate, request.TargetDate, errors);
        await ProjectFields.ValidateLead(db, access.WorkspaceId, request.LeadId, errors, ct);
        var visibility = ProjectFields.ValidateVisibility(request.Visibility, errors) ?? ProjectVisibility.Workspace;
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var key = request.Key!;
        if (await db.Projects.AnyAsync(p => p.WorkspaceId == access.WorkspaceId && p.Key == key, ct)) return Problems.KeyTaken(key);

        var now = Clock.UtcNow();
        var project = new Project
        {
            Id = Guid.CreateVersion7(),
            WorkspaceId = access.WorkspaceId,
            Key = key,
            Name = name,
            Description = string.IsNullOrEmpty(description) ? null : description,
            LeadId = request.LeadId,
            StartDate = request.StartDate,
            TargetDate = request.TargetDate,
            CreatedAt = now,
            CreatedBy = access.UserId,
            Visibility = visibility,
        };
        project.Members.Add(new ProjectMember { UserId = access.UserId, Role = ProjectRole.Admin, AddedAt = now });
        foreach (var (statusName, category) in Workflow.Defaults)
            project.Statuses.Add(new WorkflowStatus { Id = Guid.CreateVersion7(), Name = statusName, Category = category });
        db.Projects.Add(project);

        db.Publish(new ProjectCreated(project.Id, project.WorkspaceId, project.Key, project.Name, visibility.ToName(), project.TargetDate));
        db.Publish(new ProjectMemberAdded(project.Id, access.UserId, ProjectRole.Admin.ToName()));
        Workflow.Renumber(db, project.Id, project.Statuses);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two creations with the same key at once: the unique index let only one through.
            return Problems.KeyTaken(key);
        }
        return TypedResults.Created($"/v1/projects/{project.Id}", ProjectResponse.From(project, Roles.Effective(access.WorkspaceRole, ProjectRole.Admin, project.IsPrivate) ?? ProjectRole.Viewer));
    }
}
