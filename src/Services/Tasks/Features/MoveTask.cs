using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

internal static class MoveTask
{
    /// <summary>Where a task goes on the board.</summary>
    /// <param name="StatusId">Target status (column).</param>
    /// <param name="Before">Optional: the task the moved task goes directly before (above), in the target column.</param>
    /// <param name="After">Optional: the task the moved task goes directly after (below), in the target column.</param>
    internal sealed record Request(Guid? StatusId, Guid? Before, Guid? After);

    /// <summary>Tries of a move that keeps losing races for its task: one move wins each, so it lands unless more than this many people drag the same card at once.</summary>
    const int MaxAttempts = 8;

    public static RouteHandlerBuilder Map(RouteGroupBuilder task) =>
        task.MapPost("/move", Handle)
            .RequireProjectRole(ProjectRole.Member)
            .WithName("MoveTask")
            .WithSummary("Move a task on the board")
            .WithDescription("Project members and admins. Places the task in statusId's column: after `after`, before `before` (both: between them, which must be neighbours in that order), or at the bottom. Writes one task row (the whole column only when its ranks run out of room). Takes no If-Match: a move that races another change of the same task is applied to its latest version.");

    static async Task<Results<Ok<TaskResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Request request, CurrentAccess access, TasksDb db, HttpContext http, CancellationToken ct)
    {
        var task = access.Task!;
        if (request.StatusId is not { } statusId) return InvalidStatus();
        // PostgreSQL checks the status in the same round trip as the lock and the neighbours (MoveFast).
        if (!db.IsPostgres && (await TaskFields.Statuses(db, task.ProjectId, ct)).All(s => s.Id != statusId)) return InvalidStatus();
        var sharedRankLock = true;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return db.IsPostgres && sharedRankLock
                    ? await MoveFast(request, statusId, access, db, http, ct)
                    : await Move(request, statusId, access, db, http, sharedRankLock, ct);
            }
            catch (RankRoomNeeded)
            {
                // The column needs a rebalance: that transaction rolled back; the next one waits for the other movers.
                sharedRankLock = false;
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                // Someone moved or edited the task since it was read (the UPDATE's version check refused the write and the
                // transaction rolled back). A move carries no If-Match: it applies to the task as it is now.
                db.ChangeTracker.Clear();
                if (await db.Tasks.FindAsync([task.Id], ct) is not { } current) return Problems.TaskNotFound();
                access.Set(access.UserId, access.Project, access.Role, current, access.Comment);
                task = current;
            }
        }
    }

    static async Task<Results<Ok<TaskResponse>, ValidationProblem, ProblemHttpResult>> Move(
        Request request, Guid statusId, CurrentAccess access, TasksDb db, HttpContext http, bool sharedRankLock, CancellationToken ct)
    {
        var task = access.Task!;
        // The neighbours are read under the rank lock, so a rebalance of the column cannot change their ranks meanwhile.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await Ranks.LockAsync(db, task.ProjectId, ct, shared: sharedRankLock);
        var errors = new Dictionary<string, string[]>();
        WorkItem? before = null, after = null;
        if (request.Before is { } b && (b == task.Id || (before = await Neighbour(db, task, statusId, b, ct)) is null))
            errors["before"] = ["before must be another task in the target column."];
        if (request.After is { } a && (a == task.Id || (after = await Neighbour(db, task, statusId, a, ct)) is null))
            errors["after"] = ["after must be another task in the target column."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        if (await MoveTo(db, task, statusId, before, after, access.UserId, ct, access.Project) is null)
            return Invalid(request.After is not null ? "after" : "before", "before and after must be neighbours, after above before.");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        http.Response.Headers.ETag = TaskResponse.ETag(task);
        return TypedResults.Ok(TaskResponse.From(task));
    }

    static ValidationProblem InvalidStatus() => Invalid("statusId", "The status must be a status of the project.");

    /// <summary>
    /// A move on PostgreSQL in three round trips after the access check (issue 19; it was nine to eleven): (1) BEGIN, the
    /// project's rank lock shared, the target status, the neighbours and the rank next to them, as one batch of statements
    /// (each statement reads after the lock is granted: in READ COMMITTED every statement takes its own snapshot); (2) the
    /// UPDATE of the task, its activity and outbox rows and the list-version bump, as SaveChanges' one batch (no savepoint);
    /// (3) COMMIT. Same checks and outcome as <see cref="Move"/>: a column without room throws <see cref="RankRoomNeeded"/>
    /// before anything is written, and the caller moves again with the lock exclusive.
    /// </summary>
    static async Task<Results<Ok<TaskResponse>, ValidationProblem, ProblemHttpResult>> MoveFast(
        Request request, Guid statusId, CurrentAccess access, TasksDb db, HttpContext http, CancellationToken ct)
    {
        var task = access.Task!;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var savepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            var after = request.After == task.Id ? null : request.After;
            var before = request.Before == task.Id ? null : request.Before;
            var column = await ColumnReads.Read(db, task, statusId, after, before, ct);
            if (column.StatusCategory is null) return InvalidStatus();
            var errors = new Dictionary<string, string[]>();
            if (request.Before is not null && column.Before is null) errors["before"] = ["before must be another task in the target column."];
            if (request.After is not null && column.After is null) errors["after"] = ["after must be another task in the target column."];
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

            var rank = column.Rank() ?? throw new RankRoomNeeded();
            await Apply(db, task, statusId, rank, access.UserId, access.Project, column.StatusCategory, ct);
            db.FoldListVersions = true;
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = savepoints;
            db.FoldListVersions = false;
        }
        http.Response.Headers.ETag = TaskResponse.ETag(task);
        return TypedResults.Ok(TaskResponse.From(task));
    }

    /// <summary>
    /// The one move path (the endpoint and the system's moves): places <paramref name="task"/> in <paramref name="statusId"/>'s
    /// column after <paramref name="after"/> and/or before <paramref name="before"/> (neither: at the bottom), records the
    /// activity and publishes TaskMoved. <paramref name="actorId"/> <see cref="Guid.Empty"/> is the system. The caller saves;
    /// only a column that ran out of room is rebalanced and saved first. Returns the new rank, or null when before and after
    /// are not neighbours. <paramref name="project"/>: the task's project when the caller has it already. Runs in the
    /// caller's transaction, under the project's rank lock (taken here if the caller has not, before it read the neighbours).
    /// Throws <see cref="RankRoomNeeded"/>, before changing anything, when the column needs a rebalance and the caller
    /// holds the lock only shared.
    /// </summary>
    internal static async Task<string?> MoveTo(TasksDb db, WorkItem task, Guid statusId, WorkItem? before, WorkItem? after, Guid actorId, CancellationToken ct, KnownProject? project = null)
    {
        var sharedLock = Ranks.HoldsShared(db, task.ProjectId);
        if (!sharedLock) await Ranks.LockAsync(db, task.ProjectId, ct);
        var rank = await Place(db, task, statusId, before, after, ct);
        if (rank is null)
        {
            if (sharedLock) throw new RankRoomNeeded();
            // No room between the neighbours (or they tie): spread the column, save, and place again.
            await Ranks.Rebalance(db, task.ProjectId, statusId, ct);
            await db.SaveChangesAsync(ct);
            // The neighbours may be untracked copies read before the rebalance: take their new ranks (tracked since it).
            if (before is not null) before = await db.Tasks.FindAsync([before.Id], ct);
            if (after is not null) after = await db.Tasks.FindAsync([after.Id], ct);
            rank = await Place(db, task, statusId, before, after, ct);
        }
        if (rank is null) return null;
        await Apply(db, task, statusId, rank, actorId, project, null, ct);
        return rank;
    }

    /// <summary>Writes a placed move: the task's status, rank and version, its activity and TaskMoved (not saved).</summary>
    static async Task Apply(TasksDb db, WorkItem task, Guid statusId, string rank, Guid actorId, KnownProject? project, string? statusCategory, CancellationToken ct)
    {
        var from = task.StatusId;
        var now = Clock.UtcNow();
        Guid? actor = actorId == Guid.Empty ? null : actorId;
        if (from != statusId) TaskLog.Record(db, task, actor, now, "status", from.ToString(), statusId.ToString());
        TaskLog.Record(db, task, actor, now, "rank", task.Rank, rank);
        task.StatusId = statusId;
        task.Rank = rank;
        task.UpdatedAt = now;
        task.Version++;
        var entry = db.Entry(task);
        if (entry.State != EntityState.Detached && !entry.Collection(t => t.Watchers).IsLoaded) await entry.Collection(t => t.Watchers).LoadAsync(ct);
        project ??= await db.Projects.FindAsync([task.ProjectId], ct) ?? throw new InvalidOperationException("The task's project is not known.");
        db.Publish(TaskNews.Moved(task, project, from, actorId, await TaskNews.Facts(db, task, statusCategory, ct)));
    }

    static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    // Not tracked: a retry under the exclusive lock must see the neighbours' current ranks, not the first attempt's.
    static Task<WorkItem?> Neighbour(TasksDb db, WorkItem task, Guid statusId, Guid id, CancellationToken ct) =>
        db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id && t.ProjectId == task.ProjectId && t.StatusId == statusId, ct);

    /// <summary>A rank between the neighbours, or null when there is no room (too long, or neighbours tie or are out of order).</summary>
    static async Task<string?> Place(TasksDb db, WorkItem task, Guid statusId, WorkItem? before, WorkItem? after, CancellationToken ct)
    {
        var column = db.Tasks.AsNoTracking().Where(t => t.ProjectId == task.ProjectId && t.StatusId == statusId && t.Id != task.Id);
        string? low, high;
        if (after is not null && before is not null)
        {
            // Both given: they must be adjacent (ignoring the moved task), after above before.
            (low, high) = (after.Rank, before.Rank);
            var ar = after.Rank; var an = after.Number; var br = before.Rank; var bn = before.Number;
            var between = await column.AnyAsync(t =>
                (string.Compare(t.Rank, ar) > 0 || (t.Rank == ar && t.Number > an)) &&
                (string.Compare(t.Rank, br) < 0 || (t.Rank == br && t.Number < bn)), ct);
            var ordered = string.CompareOrdinal(ar, br) < 0 || (ar == br && an < bn);
            if (between || !ordered) return null;
        }
        else if (after is not null)
        {
            var ar = after.Rank; var an = after.Number;
            low = ar;
            high = await column.Where(t => string.Compare(t.Rank, ar) > 0 || (t.Rank == ar && t.Number > an))
                .OrderBy(t => t.Rank).ThenBy(t => t.Number).Select(t => t.Rank).FirstOrDefaultAsync(ct);
        }
        else if (before is not null)
        {
            var br = before.Rank; var bn = before.Number;
            high = br;
            low = await column.Where(t => string.Compare(t.Rank, br) < 0 || (t.Rank == br && t.Number < bn))
                .OrderByDescending(t => t.Rank).ThenByDescending(t => t.Number).Select(t => t.Rank).FirstOrDefaultAsync(ct);
        }
        else
        {
            low = await column.OrderByDescending(t => t.Rank).ThenByDescending(t => t.Number).Select(t => t.Rank).FirstOrDefaultAsync(ct);
            high = null;
        }
        if (high is not null && string.CompareOrdinal(low ?? "", high) >= 0) return null;
        var rank = Ranks.Between(low, high);
        return rank.Length > Ranks.MaxLength ? null : rank;
    }
}
