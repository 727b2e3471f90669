using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

internal static class UpdateTask
{
    static readonly string[] Fields = ["title", "description", "priority", "assigneeIds", "dueDate", "startDate", "estimate", "parentId", "labelIds", "cycleId"];

    public static RouteHandlerBuilder Map(RouteGroupBuilder task) =>
        task.MapPatch("", Handle)
            .Accepts<JsonElement>("application/json")
            .RequireProjectRole(ProjectRole.Member)
            .WithName("UpdateTask")
            .WithSummary("Change a task")
            .WithDescription("A JSON merge patch of title, description (Markdown), priority, assigneeIds, dueDate, startDate, estimate, parentId, labelIds (labels of the project), cycleId (a cycle of the project): absent fields stay, null clears. If-Match with the ETag from GET is required (428 without it); a stale one is 412 and nothing changes. Moving between statuses is POST /move. A parent that would make a cycle is 409 parent-cycle.");

    static async Task<Results<Ok<TaskResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        JsonElement body, CurrentAccess access, TasksDb db, HttpContext http, CancellationToken ct)
    {
        var task = access.Task!;
        var ifMatch = http.Request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(ifMatch)) return Problems.PreconditionRequired();
        if (!Matches(ifMatch, TaskResponse.ETag(task))) return Problems.PreconditionFailed();

        var errors = new Dictionary<string, string[]>();
        if (body.ValueKind != JsonValueKind.Object)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send a JSON object."] });
        foreach (var property in body.EnumerateObject())
            if (!Fields.Contains(property.Name)) errors[property.Name] = ["This field cannot be changed here."];

        string? title = task.Title, description = task.Description;
        var priority = task.Priority;
        var assignees = task.Assignees.Select(a => a.UserId).ToArray();
        DateOnly? due = task.DueDate, start = task.StartDate;
        double? estimate = task.Estimate;
        Guid? parentId = task.ParentId;
        var labelIds = TaskFields.LabelIds(task);
        Guid? cycleId = task.CycleId;

        if (body.TryGetProperty("title", out var v)) title = TaskFields.ValidateTitle(v.ValueKind == JsonValueKind.String ? v.GetString() : null, errors);
        if (body.TryGetProperty("description", out v))
        {
            if (v.ValueKind is JsonValueKind.String or JsonValueKind.Null) description = v.GetString() is { Length: > 0 } d ? d : null;
            else errors["description"] = ["The description must be a string or null."];
            TaskFields.ValidateDescription(description, errors);
        }
        if (body.TryGetProperty("priority", out v)) priority = TaskFields.ValidatePriority(v.ValueKind == JsonValueKind.String ? v.GetString() : "?", errors);
        if (body.TryGetProperty("assigneeIds", out v))
        {
            if (v.ValueKind == JsonValueKind.Null) assignees = [];
            else if (v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String && x.TryGetGuid(out _)))
                assignees = [.. v.EnumerateArray().Select(x => x.GetGuid())];
            else errors["assigneeIds"] = ["assigneeIds must be an array of user ids."];
        }
        if (body.TryGetProperty("dueDate", out v)) due = Date(v, "dueDate", due, errors);
        if (body.TryGetProperty("startDate", out v)) start = Date(v, "startDate", start, errors);
        if (body.TryGetProperty("estimate", out v))
        {
            if (v.ValueKind == JsonValueKind.Null) estimate = null;
            else if (v.ValueKind == JsonValueKind.Number) estimate = v.GetDouble();
            else errors["estimate"] = ["The estimate must be a number or null."];
            TaskFields.ValidateEstimate(estimate, errors);
        }
        if (body.TryGetProperty("parentId", out v))
        {
            if (v.ValueKind == JsonValueKind.Null) parentId = null;
            else if (v.ValueKind == JsonValueKind.String && v.TryGetGuid(out var g)) parentId = g;
            else errors["parentId"] = ["parentId must be a task id or null."];
        }
        if (body.TryGetProperty("labelIds", out v)) labelIds = TaskFields.Ids(v, "labelIds", errors) ?? labelIds;
        if (body.TryGetProperty("cycleId", out v))
        {
            if (v.ValueKind == JsonValueKind.Null) cycleId = null;
            else if (v.ValueKind == JsonValueKind.String && v.TryGetGuid(out var g)) cycleId = g;
            else errors["cycleId"] = ["cycleId must be a cycle id or null."];
        }
        if (!errors.ContainsKey("dueDate") && !errors.ContainsKey("startDate")) TaskFields.ValidateDates(start, due, errors);
        var addedAssignees = assignees.Except(task.Assignees.Select(a => a.UserId)).ToArray();
        if (!errors.ContainsKey("assigneeIds")) await TaskFields.ValidateAssignees(db, access.Project, assignees, errors, ct);
        if (parentId != task.ParentId && !errors.ContainsKey("parentId")) await TaskFields.ValidateParent(db, task.ProjectId, parentId, errors, ct);
        var labels = errors.ContainsKey("labelIds") ? [] : await TaskFields.ValidateLabels(db, task.ProjectId, labelIds, errors, ct: ct);
        var cycle = cycleId == task.CycleId || errors.ContainsKey("cycleId") ? task.Cycle : await TaskFields.ValidateCycle(db, task.ProjectId, cycleId, errors, ct);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (parentId is { } newParent && parentId != task.ParentId && await TaskFields.MakesCycle(db, task.Id, newParent, ct)) return Problems.ParentCycle();

        var now = Clock.UtcNow();
        var changed = new List<string>();
        void Change(string field, string? oldValue, string? newValue)
        {
            if (oldValue == newValue) return;
            changed.Add(field);
            TaskLog.Record(db, task, access.UserId, now, field, oldValue, newValue);
        }
        Change("title", task.Title, title);
        Change("description", task.Description, description);
        Change("priority", task.Priority.ToName(), priority.ToName());
        Change("assigneeIds", TaskFields.Text(task.Assignees.Select(a => a.UserId)), TaskFields.Text(assignees));
        Change("dueDate", TaskFields.Text(task.DueDate), TaskFields.Text(due));
        Change("startDate", TaskFields.Text(task.StartDate), TaskFields.Text(start));
        Change("estimate", TaskFields.Text(task.Estimate), TaskFields.Text(estimate));
        Change("parentId", task.ParentId?.ToString(), parentId?.ToString());
        Change("labelIds", TaskFields.Text(task.Labels.Select(l => l.LabelId)), TaskFields.Text(labelIds));
        Change("cycleId", task.CycleId?.ToString(), cycleId?.ToString());

        if (changed.Count > 0)
        {
            task.Title = title!;
            task.Description = description;
            task.Priority = priority;
            task.DueDate = due;
            task.StartDate = start;
            task.Estimate = estimate;
            task.ParentId = parentId;
            task.CycleId = cycle?.Id;
            task.Cycle = cycle;
            TaskFields.SetLabels(task, labels);
            foreach (var removed in task.Assignees.Where(a => !assignees.Contains(a.UserId)).Select(a => a.UserId).ToList())
                db.Publish(TaskNews.Unassigned(task, access.Project, removed, access.UserId));
            task.Assignees.RemoveAll(a => !assignees.Contains(a.UserId));
            foreach (var added in addedAssignees)
            {
                task.Assignees.Add(new TaskAssignee { TaskId = task.Id, UserId = added, ProjectId = task.ProjectId });
                TaskFields.Watch(task, added, now);
                db.Publish(TaskNews.Assigned(task, access.Project, added, access.UserId));
            }
            task.UpdatedAt = now;
            task.Version++;
            db.Publish(TaskNews.Updated(task, access.Project, changed, access.UserId, await TaskNews.Facts(db, task, ct)));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Someone changed the task between our read and this write: the version check in the UPDATE refused it.
                return Problems.PreconditionFailed();
            }
        }
        http.Response.Headers.ETag = TaskResponse.ETag(task);
        return TypedResults.Ok(TaskResponse.From(task));
    }

    internal static bool Matches(string ifMatch, string etag) =>
        ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(candidate => candidate == "*" || candidate == etag || candidate == "W/" + etag);

    static DateOnly? Date(JsonElement v, string field, DateOnly? current, Dictionary<string, string[]> errors)
    {
        if (v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(v.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        errors[field] = [$"{field} must be a date (yyyy-MM-dd) or null."];
        return current;
    }
}
