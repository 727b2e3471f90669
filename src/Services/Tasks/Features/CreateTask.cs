using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

internal static class CreateTask
{
    /// <summary>A new task.</summary>
    /// <param name="Title">1–200 characters.</param>
    /// <param name="Description">Optional Markdown text.</param>
    /// <param name="StatusId">Optional status; default: the first status of category todo, else the first status.</param>
    /// <param name="Priority">none (default), low, medium, high or urgent.</param>
    /// <param name="AssigneeIds">Optional assignees: members of the project's workspace.</param>
    /// <param name="DueDate">Optional due date.</param>
    /// <param name="StartDate">Optional start date, not after the due date.</param>
    /// <param name="Estimate">Optional estimate, 0–10000.</param>
    /// <param name="ParentId">Optional parent task of the same project.</param>
    /// <param name="LabelIds">Optional labels of the project (at most 20, distinct).</param>
    /// <param name="CycleId">Optional cycle of the project.</param>
    internal sealed record Request(
        [property: RequiredInSchema] string? Title, string? Description, Guid? StatusId, string? Priority, Guid[]? AssigneeIds,
        DateOnly? DueDate, DateOnly? StartDate, double? Estimate, Guid? ParentId, Guid[]? LabelIds, Guid? CycleId);

    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapPost("/tasks", Handle)
            .RequireProjectRole(ProjectRole.Member)
            .WithName("CreateTask")
            .WithSummary("Create a task")
            .WithDescription("Project members and admins. The task gets the next number of the project (key e.g. WEB-1, never reused) and goes to the bottom of its board column.");

    /// <summary>Also the CSV import's path for each row, inside the import's transaction.</summary>
    internal static async Task<Results<Created<TaskResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Request request, CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var project = access.Project;
        var errors = new Dictionary<string, string[]>();
        var title = TaskFields.ValidateTitle(request.Title, errors)!;
        TaskFields.ValidateDescription(request.Description, errors);
        var priority = TaskFields.ValidatePriority(request.Priority, errors);
        TaskFields.ValidateEstimate(request.Estimate, errors);
        TaskFields.ValidateDates(request.StartDate, request.DueDate, errors);
        await TaskFields.ValidateAssignees(db, project, request.AssigneeIds, errors, ct);
        await TaskFields.ValidateParent(db, project.Id, request.ParentId, errors, ct);
        var labels = await TaskFields.ValidateLabels(db, project.Id, request.LabelIds, errors, ct: ct);
        var cycle = await TaskFields.ValidateCycle(db, project.Id, request.CycleId, errors, ct);
        if (errors.Count == 0 && db.IsPostgres && db.Database.CurrentTransaction is null)
            return await CreateFast(request, access, db, title, priority, labels, cycle, ct);
        var statuses = await TaskFields.Statuses(db, project.Id, ct);
        if (request.StatusId is { } sid && statuses.All(s => s.Id != sid)) errors["statusId"] = ["The status must be a status of the project."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (statuses.Count == 0) return Problems.NoWorkflow();
        var statusId = request.StatusId ?? (statuses.FirstOrDefault(s => s.Category == "todo") ?? statuses[0]).Id;

        // An import runs many creations in its own transaction.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        // The counter row is locked by this update until commit, so concurrent creations get distinct numbers.
        var counted = await db.Counters.Where(c => c.ProjectId == project.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastNumber, c => c.LastNumber + 1), ct);
        long number;
        if (counted == 0)
        {
            number = 1;
            db.Counters.Add(new TaskCounter { ProjectId = project.Id, LastNumber = number });
        }
        else
        {
            number = await db.Counters.Where(c => c.ProjectId == project.Id).Select(c => c.LastNumber).SingleAsync(ct);
        }

        await Ranks.LockAsync(db, project.Id, ct);
        var last = await db.Tasks.Where(t => t.ProjectId == project.Id && t.StatusId == statusId)
            .OrderByDescending(t => t.Rank).ThenByDescending(t => t.Number).Select(t => t.Rank).FirstOrDefaultAsync(ct);
        var rank = Ranks.Between(last, null);
        if (rank.Length > Ranks.MaxLength) rank = Ranks.Between(await Ranks.Rebalance(db, project.Id, statusId, ct), null);

        var task = Add(request, access, db, title, priority, labels, cycle, number, statusId, rank);
        db.Publish(TaskNews.Created(task, project, await TaskNews.Facts(db, task, ct)));
        await db.SaveChangesAsync(ct);
        if (transaction is not null) await transaction.CommitAsync(ct);
        return TypedResults.Created($"/v1/tasks/{task.Id}", TaskResponse.From(task));
    }

    /// <summary>
    /// A creation on PostgreSQL in three round trips after the access check (issue 19; it was ten): (1) BEGIN, the counter
    /// raised, the rank lock, the status and the last rank of its column, as one batch of statements
    /// (<see cref="ColumnReads.ReadForCreate"/>); (2) the task, its watchers, activity and outbox rows and the list-version
    /// bump, as SaveChanges' one batch (no savepoint); (3) COMMIT. Same answers as the general path below.
    /// </summary>
    static async Task<Results<Created<TaskResponse>, ValidationProblem, ProblemHttpResult>> CreateFast(
        Request request, CurrentAccess access, TasksDb db, string title, Priority priority, List<KnownLabel> labels, KnownCycle? cycle, CancellationToken ct)
    {
        var project = access.Project;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var savepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            var column = await ColumnReads.ReadForCreate(db, project.Id, request.StatusId, ct);
            if (column.StatusId is not { } statusId)
                return request.StatusId is null
                    ? Problems.NoWorkflow()
                    : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["statusId"] = ["The status must be a status of the project."] });
            if (column.Number is null) db.Counters.Add(new TaskCounter { ProjectId = project.Id, LastNumber = 1 });
            var rank = Ranks.Between(column.LastRank, null);
            if (rank.Length > Ranks.MaxLength) rank = Ranks.Between(await Ranks.Rebalance(db, project.Id, statusId, ct), null);
            var task = Add(request, access, db, title, priority, labels, cycle, column.Number ?? 1, statusId, rank);
            db.Publish(TaskNews.Created(task, project, await TaskNews.Facts(db, task, column.StatusCategory, ct)));
            db.FoldListVersions = true;
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return TypedResults.Created($"/v1/tasks/{task.Id}", TaskResponse.From(task));
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = savepoints;
            db.FoldListVersions = false;
        }
    }

    /// <summary>The new task with its labels, watchers, assignees and activity, added to the context (not saved); TaskAssigned published.</summary>
    static WorkItem Add(Request request, CurrentAccess access, TasksDb db, string title, Priority priority, List<KnownLabel> labels, KnownCycle? cycle,
        long number, Guid statusId, string rank)
    {
        var project = access.Project;
        var now = Clock.UtcNow();
        var task = new WorkItem
        {
            Id = Guid.CreateVersion7(),
            ProjectId = project.Id,
            Number = number,
            Key = project.Key + "-" + number.ToString(CultureInfo.InvariantCulture),
            Title = title,
            Description = string.IsNullOrEmpty(request.Description) ? null : request.Description,
            StatusId = statusId,
            Rank = rank,
            Priority = priority,
            DueDate = request.DueDate,
            StartDate = request.StartDate,
            Estimate = request.Estimate,
            ParentId = request.ParentId,
            CycleId = cycle?.Id,
            Cycle = cycle,
            ReporterId = access.UserId,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        TaskFields.SetLabels(task, labels);
        TaskFields.Watch(task, access.UserId, now);
        foreach (var assignee in request.AssigneeIds ?? [])
        {
            task.Assignees.Add(new TaskAssignee { UserId = assignee, ProjectId = project.Id });
            TaskFields.Watch(task, assignee, now);
            db.Publish(TaskNews.Assigned(task, project, assignee, access.UserId));
        }
        db.Tasks.Add(task);
        TaskLog.Record(db, task, access.UserId, now, "created", null, task.Key);
        return task;
    }
}
