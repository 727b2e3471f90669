using System.Globalization;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>
/// The list's filters and sort, read from name/value pairs: shared by saved views (stored filters) and the CSV export
/// (query string), so both accept exactly what <c>GET /v1/projects/{projectId}/tasks</c> accepts.
/// </summary>
internal static class ListQuery
{
    public static readonly string[] FilterNames = ["status", "category", "assignee", "priority", "label", "cycle", "dueBefore", "dueAfter", "parent", "q"];
    public static readonly string[] Categories = ["backlog", "todo", "in_progress", "done", "cancelled"];

    /// <summary>
    /// Validates each value; errors are keyed <paramref name="prefix"/> + name (e.g. <c>filters.status</c>).
    /// <c>assignee=me</c> means <paramref name="userId"/>, so a shared view shows each reader their own tasks.
    /// </summary>
    public static ListTasks.Filter Parse(IEnumerable<KeyValuePair<string, string?>> values, Guid userId, Dictionary<string, string[]> errors, string prefix = "")
    {
        var filter = new ListTasks.Filter(null, null, null, null, null);
        foreach (var (name, value) in values)
        {
            if (value is null) continue;
            switch (name)
            {
                case "status": filter = filter with { Status = Id(name, value) }; break;
                case "parent": filter = filter with { Parent = Id(name, value) }; break;
                case "label": filter = filter with { Label = Id(name, value) }; break;
                case "cycle": filter = filter with { Cycle = Id(name, value) }; break;
                case "assignee":
                    if (value == "me") filter = filter with { Assignee = userId };
                    else if (Guid.TryParse(value, CultureInfo.InvariantCulture, out var a)) filter = filter with { Assignee = a };
                    else errors[prefix + name] = ["The assignee must be a user id or me."];
                    break;
                case "category":
                    if (Categories.Contains(value)) filter = filter with { Category = value };
                    else errors[prefix + name] = [$"The category must be one of {string.Join(", ", Categories)}."];
                    break;
                case "priority":
                    if (Priorities.TryParse(value, out var p)) filter = filter with { Priority = p };
                    else errors[prefix + name] = [$"The priority must be one of {string.Join(", ", Priorities.Names)}."];
                    break;
                case "dueBefore": filter = filter with { DueBefore = Date(name, value) }; break;
                case "dueAfter": filter = filter with { DueAfter = Date(name, value) }; break;
                case "q":
                    if (value.Length > SearchText.MaxLength) errors[prefix + name] = [$"q must be at most {SearchText.MaxLength} characters."];
                    else filter = filter with { Q = string.IsNullOrWhiteSpace(value) ? null : value };
                    break;
                default:
                    errors[prefix + name] = [$"Unknown filter. Filters: {string.Join(", ", FilterNames)}."];
                    break;
            }
        }
        return filter;

        Guid? Id(string name, string value)
        {
            if (Guid.TryParse(value, CultureInfo.InvariantCulture, out var id)) return id;
            errors[prefix + name] = [$"{name} must be an id."];
            return null;
        }

        DateOnly? Date(string name, string value)
        {
            if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
            errors[prefix + name] = [$"{name} must be a date (yyyy-MM-dd)."];
            return null;
        }
    }

    /// <summary>Checks a sort against the filters; null means the default (created).</summary>
    public static string ValidateSort(string? sort, ListTasks.Filter filter, Dictionary<string, string[]> errors)
    {
        sort ??= "created";
        if (!ListTasks.Sorts.Contains(sort)) errors["sort"] = [$"The sort must be one of {string.Join(", ", ListTasks.Sorts)}."];
        else if (sort == "rank" && filter.Status is null) errors["sort"] = ["sort=rank orders one board column: give the status filter too."];
        else if (sort == "relevance" && filter.Q is null) errors["sort"] = ["sort=relevance ranks search results: give q too."];
        return sort;
    }
}
