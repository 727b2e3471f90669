using System.Globalization;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>
/// The list's filters and sort, read from name/value pairs: shared by saved views (stored filters) and the CSV export
/// (query string), so both accept exactly what <c>GET /v1/projects/{projectId}/tasks</c> accepts.
/// </summary>
internal static class ListQuery
{
    public static readonly string[] FilterNames = ["status", "assignee", "priority", "parent", "q"];

    /// <summary>Validates each value; errors are keyed <paramref name="prefix"/> + name (e.g. <c>filters.status</c>).</summary>
    public static ListTasks.Filter Parse(IEnumerable<KeyValuePair<string, string?>> values, Dictionary<string, string[]> errors, string prefix = "")
    {
        Guid? status = null, assignee = null, parent = null;
        Priority? priority = null;
        string? q = null;
        foreach (var (name, value) in values)
        {
            switch (name)
            {
                case "status": status = Id(name, value); break;
                case "assignee": assignee = Id(name, value); break;
                case "parent": parent = Id(name, value); break;
                case "priority":
                    if (Priorities.TryParse(value, out var p)) priority = p;
                    else errors[prefix + name] = [$"The priority must be one of {string.Join(", ", Priorities.Names)}."];
                    break;
                case "q":
                    if (value is { Length: > SearchText.MaxLength }) errors[prefix + name] = [$"q must be at most {SearchText.MaxLength} characters."];
                    else q = string.IsNullOrWhiteSpace(value) ? null : value;
                    break;
                default:
                    errors[prefix + name] = [$"Unknown filter. Filters: {string.Join(", ", FilterNames)}."];
                    break;
            }
        }
        return new ListTasks.Filter(status, assignee, priority, parent, q);

        Guid? Id(string name, string? value)
        {
            if (Guid.TryParse(value, CultureInfo.InvariantCulture, out var id)) return id;
            errors[prefix + name] = [$"{name} must be an id."];
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
