using Microsoft.EntityFrameworkCore;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Projects.Features;

/// <summary>A status of a project's workflow.</summary>
/// <param name="Id">Status id.</param>
/// <param name="Name">Display name, 1–50 characters, unique in the project.</param>
/// <param name="Category">backlog, todo, in_progress, done or cancelled.</param>
/// <param name="Position">0-based place in the workflow.</param>
internal sealed record StatusResponse(Guid Id, string Name, string Category, int Position)
{
    public static StatusResponse From(WorkflowStatus s) => new(s.Id, s.Name, s.Category, s.Position);
}

internal static class Workflow
{
    public const int NameMax = 50;

    public static readonly (string Name, string Category)[] Defaults =
    [
        ("Backlog", "backlog"), ("Todo", "todo"), ("In Progress", "in_progress"), ("Done", "done"), ("Cancelled", "cancelled"),
    ];

    public static Task<List<WorkflowStatus>> Load(ProjectsDb db, Guid projectId, CancellationToken ct) =>
        db.Statuses.Where(s => s.ProjectId == projectId).OrderBy(s => s.Position).ToListAsync(ct);

    /// <summary>Numbers <paramref name="ordered"/> 0..n-1 and publishes the whole workflow.</summary>
    public static void Renumber(ProjectsDb db, Guid projectId, IReadOnlyList<WorkflowStatus> ordered)
    {
        for (var i = 0; i < ordered.Count; i++) ordered[i].Position = i;
        db.Publish(new WorkflowChanged(projectId, [.. ordered.Select(s => new WorkflowChanged.Status(s.Id, s.Name, s.Category, s.Position))]));
    }

    public static void ValidateCategory(string? category, bool required, Dictionary<string, string[]> errors)
    {
        if (category is null && !required) return;
        if (!StatusCategories.IsValid(category))
            errors["category"] = [$"The category must be one of {string.Join(", ", StatusCategories.Names)}."];
    }

    public static bool NameTaken(IEnumerable<WorkflowStatus> statuses, string name, Guid? except = null) =>
        statuses.Any(s => s.Id != except && string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
