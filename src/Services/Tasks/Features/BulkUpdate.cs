using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>One change applied to many tasks of a project.</summary>
/// <param name="TaskIds">1–500 distinct tasks of the project.</param>
/// <param name="StatusId">Optional: move every task to the bottom of this status column.</param>
/// <param name="AddAssigneeIds">Optional: members of the project's workspace to assign.</param>
/// <param name="RemoveAssigneeIds">Optional: users to unassign.</param>
/// <param name="AddLabelIds">Optional: labels of the project to add.</param>
/// <param name="RemoveLabelIds">Optional: labels to remove.</param>
/// <param name="CycleId">Optional: a cycle of the project; an explicit null clears the cycle.</param>
/// <param name="Priority">Optional: none, low, medium, high or urgent.</param>
internal sealed record BulkUpdateRequest(
    Guid[] TaskIds, Guid? StatusId, Guid[]? AddAssigneeIds, Guid[]? RemoveAssigneeIds, Guid[]? AddLabelIds, Guid[]? RemoveLabelIds,
    Guid? CycleId, string? Priority);

/// <summary>The outcome of a bulk update.</summary>
/// <param name="Updated">Tasks that changed.</param>
/// <param name="Unchanged">Tasks that already were as asked.</param>
/// <param name="Tasks">Every task of the request, after the change, in request order.</param>
internal sealed record BulkUpdateResponse(int Updated, int Unchanged, IReadOnlyList<TaskResponse> Tasks);

internal static class BulkUpdate
{
    public const int Max = 500;
    static readonly string[] Fields = ["taskIds", "statusId", "addAssigneeIds", "removeAssigneeIds", "addLabelIds", "removeLabelIds", "cycleId", "priority"];

    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapPost("/tasks/bulk", Handle)
            .Accepts<BulkUpdateRequest>("application/json")
            .RequireProjectRole(ProjectRole.Member)
            .WithName("BulkUpdateTasks")
            .WithSummary("Change many tasks at once")
            .WithDescription("Project members and admins. All or nothing, in one transaction: if any task or field is invalid (a task not in the project, an unknown label, status or cycle, too many assignees on a task) the answer is 400 naming the failing task ids and fields, and nothing changes. A status moves each task to the bottom of that column (in request order); cycleId null clears the cycle. Each changed task gets activity rows and one TaskUpdated and/or TaskMoved.");

    static async Task<Results<Ok<BulkUpdateResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        JsonElement body, CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var project = access.Project;
        var errors = new Dictionary<string, string[]>();
        if (body.ValueKind != JsonValueKind.Object)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send a JSON object."] });
        foreach (var property in body.EnumerateObject())
            if (!Fields.Contains(property.Name)) errors[property.Name] = ["Unknown field."];

        Guid[] Ids(string field) => body.TryGetProperty(field, out var v) ? TaskFields.Ids(v, field, errors) ?? [] : [];
        var taskIds = Ids("taskIds");
        if (!errors.ContainsKey("taskIds") && (taskIds.Length is 0 or > Max || taskIds.Distinct().Count() != taskIds.Length))
            errors["taskIds"] = [$"Give 1–{Max} distinct task ids."];
        Guid? statusId = null;
        if (body.TryGetProperty("statusId", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            if (s.ValueKind == JsonValueKind.String && s.TryGetGuid(out var g)) statusId = g;
            else errors["statusId"] = ["statusId must be a status id."];
        }
        var addAssignees = Ids("addAssigneeIds");
        var removeAssignees = Ids("removeAssigneeIds");
        var addLabels = Ids("addLabelIds");
        var removeLabels = Ids("removeLabelIds");
        var setCycle = body.TryGetProperty("cycleId", out var c);
        Guid? cycleId = null;
        if (setCycle && c.ValueKind != JsonValueKind.Null)
        {
            if (c.ValueKind == JsonValueKind.String && c.TryGetGuid(out var g)) cycleId = g;
            else errors["cycleId"] = ["cycleId must be a cycle id or null."];
        }
        Priority? priority = null;
        if (body.TryGetProperty("priority", out var p) && p.ValueKind != JsonValueKind.Null)
            priority = TaskFields.ValidatePriority(p.ValueKind == JsonValueKind.String ? p.GetString() : "?", errors);
        if (addAssignees.Intersect(removeAssignees).Any()) errors["removeAssigneeIds"] = ["A user cannot be both added and removed."];
        if (addLabels.Intersect(removeLabels).Any()) errors["removeLabelIds"] = ["A label cannot be both added and removed."];

        var statuses = await TaskFields.Statuses(db, project.Id, ct);
        if (statusId is { } sid && statuses.All(x => x.Id != sid)) errors["statusId"] = ["The status must be a status of the project."];
        if (addAssignees.Length > 0 && !errors.ContainsKey("addAssigneeIds")) await TaskFields.ValidateAssignees(db, project, addAssignees, errors, ct, "addAssigneeIds");
        var labels = errors.ContainsKey("addLabelIds") ? [] : await TaskFields.ValidateLabels(db, project.Id, addLabels, errors, "addLabelIds", ct);
        var cycle = await TaskFields.ValidateCycle(db, project.Id, cycleId, errors, ct);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (statusId is not null) await Ranks.LockAsync(db, project.Id, ct);
        var tasks = await db.Tasks.WithDetails().AsSplitQuery().Where(t => taskIds.Contains(t.Id) && t.ProjectId == project.Id).ToListAsync(ct);
        var missing = taskIds.Except(tasks.Select(t => t.Id)).ToList();
        if (missing.Count > 0 && !errors.ContainsKey("taskIds")) errors["taskIds"] = [$"Not tasks of this project: {string.Join(", ", missing)}."];
        foreach (var task in tasks)
        {
            var count = task.Assignees.Select(a => a.UserId).Except(removeAssignees).Union(addAssignees).Count();
            if (count > TaskFields.AssigneesMax) errors[$"tasks[{task.Id}].assigneeIds"] = [$"{task.Key} would have more than {TaskFields.AssigneesMax} assignees."];
            var labelCount = task.Labels.Select(l => l.LabelId).Except(removeLabels).Union(addLabels).Count();
            if (labelCount > TaskFields.LabelsMax) errors[$"tasks[{task.Id}].labelIds"] = [$"{task.Key} would have more than {TaskFields.LabelsMax} labels."];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var now = Clock.UtcNow();
        var byId = tasks.ToDictionary(t => t.Id);
        var ordered = taskIds.Select(id => byId[id]).ToList();
        var moving = statusId is { } target ? ordered.Where(t => t.StatusId != target).ToList() : [];
        var ranks = moving.Count > 0 ? await BottomRanks(db, project.Id, statusId!.Value, moving, ct) : [];
        var updated = 0;
        foreach (var task in ordered)
        {
            var changed = new List<string>();
            void Change(string field, string? oldValue, string? newValue)
            {
                if (oldValue == newValue) return;
                changed.Add(field);
                TaskLog.Record(db, task, access.UserId, now, field, oldValue, newValue);
            }

            if (priority is { } pr) Change("priority", task.Priority.ToName(), pr.ToName());
            if (setCycle) Change("cycleId", task.CycleId?.ToString(), cycle?.Id.ToString());
            var assignees = task.Assignees.Select(a => a.UserId).Except(removeAssignees).Union(addAssignees).ToArray();
            Change("assigneeIds", TaskFields.Text(task.Assignees.Select(a => a.UserId)), TaskFields.Text(assignees));
            var labelIds = task.Labels.Select(l => l.LabelId).Except(removeLabels).Union(addLabels).ToArray();
            Change("labelIds", TaskFields.Text(task.Labels.Select(l => l.LabelId)), TaskFields.Text(labelIds));
            var moved = ranks.TryGetValue(task.Id, out var rank);
            if (changed.Count == 0 && !moved) continue;

            updated++;
            if (priority is { } pr2) task.Priority = pr2;
            if (setCycle) (task.CycleId, task.Cycle) = (cycle?.Id, cycle);
            foreach (var removed in task.Assignees.Where(a => removeAssignees.Contains(a.UserId)).Select(a => a.UserId).ToList())
                db.Publish(TaskNews.Unassigned(task, project, removed, access.UserId));
            task.Assignees.RemoveAll(a => removeAssignees.Contains(a.UserId));
            foreach (var added in addAssignees.Where(a => task.Assignees.All(x => x.UserId != a)))
            {
                task.Assignees.Add(new TaskAssignee { TaskId = task.Id, UserId = added, ProjectId = task.ProjectId });
                TaskFields.Watch(task, added, now);
                db.Publish(TaskNews.Assigned(task, project, added, access.UserId));
            }
            task.Labels.RemoveAll(l => removeLabels.Contains(l.LabelId));
            foreach (var label in labels.Where(l => task.Labels.All(x => x.LabelId != l.Id)))
                task.Labels.Add(new TaskLabel { TaskId = task.Id, LabelId = label.Id, ProjectId = task.ProjectId, Label = label });
            var from = task.StatusId;
            if (moved)
            {
                TaskLog.Record(db, task, access.UserId, now, "status", from.ToString(), statusId!.Value.ToString());
                TaskLog.Record(db, task, access.UserId, now, "rank", task.Rank, rank);
                task.StatusId = statusId.Value;
                task.Rank = rank!;
            }
            task.UpdatedAt = now;
            task.Version++;
            var facts = changed.Count > 0 || moved ? await TaskNews.Facts(db, task, ct) : null;
            if (changed.Count > 0) db.Publish(TaskNews.Updated(task, project, changed, access.UserId, facts!));
            if (moved) db.Publish(TaskNews.Moved(task, project, from, access.UserId, facts!));
        }
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.TasksChanged();
        }
        return TypedResults.Ok(new BulkUpdateResponse(updated, ordered.Count - updated, [.. ordered.Select(TaskResponse.From)]));
    }

    /// <summary>
    /// Ranks at the bottom of the target column for <paramref name="moving"/>, in order. When appending would make ranks
    /// too long, the column and the moved tasks are spread evenly together (the column's order is kept).
    /// </summary>
    static async Task<Dictionary<Guid, string>> BottomRanks(TasksDb db, Guid projectId, Guid statusId, List<WorkItem> moving, CancellationToken ct)
    {
        var last = await db.Tasks.Where(t => t.ProjectId == projectId && t.StatusId == statusId)
            .OrderByDescending(t => t.Rank).ThenByDescending(t => t.Number).Select(t => t.Rank).FirstOrDefaultAsync(ct);
        var ranks = new Dictionary<Guid, string>();
        foreach (var task in moving)
        {
            last = Ranks.Between(last, null);
            if (last.Length > Ranks.MaxLength) break;
            ranks[task.Id] = last;
        }
        if (ranks.Count == moving.Count) return ranks;

        var column = await db.Tasks.Where(t => t.ProjectId == projectId && t.StatusId == statusId)
            .OrderBy(t => t.Rank).ThenBy(t => t.Number).ToListAsync(ct);
        var spread = Ranks.Spread(column.Count + moving.Count);
        for (var i = 0; i < column.Count; i++) column[i].Rank = spread[i];
        ranks.Clear();
        for (var i = 0; i < moving.Count; i++) ranks[moving[i].Id] = spread[column.Count + i];
        return ranks;
    }
}
