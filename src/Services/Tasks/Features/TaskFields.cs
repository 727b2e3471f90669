using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>A task as clients see it.</summary>
/// <param name="Id">Task id.</param>
/// <param name="Key">Project key and number, e.g. WEB-1. Numbers are never reused.</param>
/// <param name="ProjectId">Owning project.</param>
/// <param name="Title">1–200 characters.</param>
/// <param name="Description">Markdown text.</param>
/// <param name="StatusId">Workflow status (board column).</param>
/// <param name="Rank">Place in the board column; ordinal string order.</param>
/// <param name="Priority">none, low, medium, high or urgent.</param>
/// <param name="AssigneeIds">Assigned users.</param>
/// <param name="DueDate">Due date.</param>
/// <param name="StartDate">Start date.</param>
/// <param name="Estimate">Estimate (points or hours, as the team likes).</param>
/// <param name="ParentId">Parent task in the same project.</param>
/// <param name="ReporterId">Who created the task.</param>
/// <param name="CreatedAt">Creation time (UTC).</param>
/// <param name="UpdatedAt">Last change (UTC).</param>
/// <param name="Version">Incremented on each change; the ETag is its quoted value.</param>
internal sealed record TaskResponse(
    Guid Id, string Key, Guid ProjectId, string Title, string? Description, Guid StatusId, string Rank, string Priority,
    Guid[] AssigneeIds, DateOnly? DueDate, DateOnly? StartDate, double? Estimate, Guid? ParentId, Guid ReporterId,
    DateTime CreatedAt, DateTime UpdatedAt, int Version)
{
    public static TaskResponse From(WorkItem t) => new(
        t.Id, t.Key, t.ProjectId, t.Title, t.Description, t.StatusId, t.Rank, t.Priority.ToName(),
        [.. t.Assignees.Select(a => a.UserId).Order()], t.DueDate, t.StartDate, t.Estimate, t.ParentId, t.ReporterId,
        t.CreatedAt, t.UpdatedAt, t.Version);

    public static string ETag(WorkItem t) => ETagOf(t.Version);

    public static string ETagOf(int version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";
}

internal static class TaskFields
{
    public const int TitleMax = 200;
    public const int DescriptionMax = 50_000;
    public const int CommentMax = 10_000;
    public const int AssigneesMax = 20;

    public static string? ValidateTitle(string? title, Dictionary<string, string[]> errors)
    {
        var trimmed = title?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > TitleMax) errors["title"] = [$"The title must be 1–{TitleMax} characters."];
        return trimmed;
    }

    public static void ValidateDescription(string? description, Dictionary<string, string[]> errors)
    {
        if (description is { Length: > DescriptionMax }) errors["description"] = [$"The description must be at most {DescriptionMax} characters."];
    }

    public static Priority ValidatePriority(string? priority, Dictionary<string, string[]> errors)
    {
        if (priority is null) return Priority.None;
        if (!Priorities.TryParse(priority, out var value)) errors["priority"] = [$"The priority must be one of {string.Join(", ", Priorities.Names)}."];
        return value;
    }

    public static void ValidateEstimate(double? estimate, Dictionary<string, string[]> errors)
    {
        if (estimate is { } e && (double.IsNaN(e) || e < 0 || e > 10_000)) errors["estimate"] = ["The estimate must be between 0 and 10000."];
    }

    public static void ValidateDates(DateOnly? startDate, DateOnly? dueDate, Dictionary<string, string[]> errors)
    {
        if (startDate is { } s && dueDate is { } d && d < s) errors["dueDate"] = ["The due date cannot be before the start date."];
    }

    /// <summary>Assignees must be active members of the project's workspace (everyone who can see the project).</summary>
    public static async Task ValidateAssignees(TasksDb db, KnownProject project, Guid[]? assigneeIds, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (assigneeIds is null || assigneeIds.Length == 0) return;
        if (assigneeIds.Length > AssigneesMax || assigneeIds.Distinct().Count() != assigneeIds.Length)
        {
            errors["assigneeIds"] = [$"Give at most {AssigneesMax} distinct assignees."];
            return;
        }
        var known = await db.WorkspaceMembers.AsNoTracking()
            .Where(m => m.WorkspaceId == project.WorkspaceId && m.Active && assigneeIds.Contains(m.UserId))
            .CountAsync(ct);
        if (known != assigneeIds.Length) errors["assigneeIds"] = ["Every assignee must be a member of the project's workspace."];
    }

    public static async Task ValidateParent(TasksDb db, Guid projectId, Guid? parentId, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (parentId is not { } id) return;
        if (!await db.Tasks.AnyAsync(t => t.Id == id && t.ProjectId == projectId, ct)) errors["parentId"] = ["The parent must be a task of the same project."];
    }

    /// <summary>True if making <paramref name="parentId"/> the parent of <paramref name="taskId"/> would make a cycle.</summary>
    public static async Task<bool> MakesCycle(TasksDb db, Guid taskId, Guid parentId, CancellationToken ct)
    {
        Guid? current = parentId;
        var seen = new HashSet<Guid>();
        while (current is { } id && seen.Add(id))
        {
            if (id == taskId) return true;
            current = await db.Tasks.Where(t => t.Id == id).Select(t => t.ParentId).SingleOrDefaultAsync(ct);
        }
        return current is not null;
    }

    public static async Task<List<WorkflowStatus>> Statuses(TasksDb db, Guid projectId, CancellationToken ct) =>
        await db.Statuses.AsNoTracking().Where(s => s.ProjectId == projectId && !s.Removed).OrderBy(s => s.Position).ToListAsync(ct);

    public static string? Text(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string? Text(double? d) => d?.ToString(CultureInfo.InvariantCulture);

    public static string Text(IEnumerable<Guid> ids) => string.Join(",", ids.Order());
}
