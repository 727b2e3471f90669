using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>A relation as seen from one task.</summary>
/// <param name="Id">Relation id.</param>
/// <param name="Type">From this task's point of view: <c>blocks</c>, <c>blocked_by</c>, <c>relates_to</c>, <c>duplicates</c>, <c>duplicated_by</c>.</param>
/// <param name="TaskId">The other task.</param>
/// <param name="Key">The other task's key.</param>
/// <param name="Title">The other task's title.</param>
internal sealed record RelationResponse(Guid Id, string Type, Guid TaskId, string Key, string Title);

/// <summary>A new relation from this task.</summary>
/// <param name="Type"><c>blocks</c>, <c>blocked_by</c>, <c>relates_to</c> or <c>duplicates</c>.</param>
/// <param name="TaskId">The other task: same workspace, not this task.</param>
internal sealed record RelationRequest(string? Type, Guid? TaskId);

internal static class Relations
{
    const string Blocks = "blocks";
    const string BlockedBy = "blocked_by";
    const string RelatesTo = "relates_to";
    const string Duplicates = "duplicates";
    const string DuplicatedBy = "duplicated_by";
    static readonly string[] RequestTypes = [Blocks, BlockedBy, RelatesTo, Duplicates];

    public static void Map(RouteGroupBuilder task)
    {
        task.MapPost("/relations", Add)
            .RequireProjectRole(ProjectRole.Member)
            .WithName("AddRelation")
            .WithSummary("Relate a task to another")
            .WithDescription("Project members and admins. The other task must be in the same workspace. 409 relation-exists if already related so; 409 blocking-cycle if a blocks/blocked_by relation would close a cycle.");
        task.MapGet("/relations", List)
            .WithName("ListRelations")
            .WithSummary("A task's relations, both directions, from its point of view");
        task.MapDelete("/relations/{relationId:guid}", Delete)
            .RequireProjectRole(ProjectRole.Member)
            .WithName("DeleteRelation")
            .WithSummary("Remove a relation")
            .WithDescription("Project members and admins.");
    }

    /// <summary>The relation's type as seen from <paramref name="taskId"/>, and the other task.</summary>
    static (string Type, Guid Other) View(TaskRelation r, Guid taskId) => r.FromTaskId == taskId
        ? (r.Type, r.ToTaskId)
        : (r.Type switch { Blocks => BlockedBy, Duplicates => DuplicatedBy, _ => r.Type }, r.FromTaskId);

    static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    static async Task<Results<Created<RelationResponse>, ValidationProblem, ProblemHttpResult>> Add(RelationRequest request, CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var task = access.Task!;
        if (request.Type is null || !RequestTypes.Contains(request.Type))
            return Invalid("type", "The type must be one of blocks, blocked_by, relates_to, duplicates.");
        if (request.TaskId is not { } otherId || otherId == Guid.Empty) return Invalid("taskId", "The other task is required.");
        if (otherId == task.Id) return Invalid("taskId", "A task cannot be related to itself.");
        var workspaceId = access.Project.WorkspaceId;
        var other = await db.Tasks.AsNoTracking()
            .Where(t => t.Id == otherId && db.Projects.Any(p => p.Id == t.ProjectId && p.WorkspaceId == workspaceId && !p.Deleted))
            .SingleOrDefaultAsync(ct);
        if (other is null) return Invalid("taskId", "No such task in this workspace.");

        // Canonical form: blocked_by is stored as blocks in reverse; relates_to from the smaller id.
        var (from, to, type) = request.Type switch
        {
            BlockedBy => (other.Id, task.Id, Blocks),
            RelatesTo when other.Id.CompareTo(task.Id) < 0 => (other.Id, task.Id, RelatesTo),
            _ => (task.Id, other.Id, request.Type),
        };
        if (await db.Relations.AnyAsync(r => r.FromTaskId == from && r.ToTaskId == to && r.Type == type, ct))
            return Problems.RelationExists();
        if (type == Blocks && await Reaches(db, to, from, ct)) return Problems.BlockingCycle();

        var now = Clock.UtcNow();
        var relation = new TaskRelation { Id = Guid.CreateVersion7(), FromTaskId = from, ToTaskId = to, Type = type, CreatedBy = access.UserId, CreatedAt = now };
        db.Relations.Add(relation);
        var (mine, _) = View(relation, task.Id);
        var (theirs, _) = View(relation, other.Id);
        TaskLog.Record(db, task, access.UserId, now, "relation", null, $"{mine} {other.Key}");
        TaskLog.Record(db, other, access.UserId, now, "relation", null, $"{theirs} {task.Key}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // An identical request won the race between our check and our insert: the unique index refused this one.
            if (await Exists(db, from, to, type)) return Problems.RelationExists();
            throw;
        }
        return TypedResults.Created($"/v1/tasks/{task.Id}/relations/{relation.Id}", new RelationResponse(relation.Id, mine, other.Id, other.Key, other.Title));
    }

    static async Task<bool> Exists(TasksDb db, Guid from, Guid to, string type)
    {
        db.ChangeTracker.Clear();
        return await db.Relations.AsNoTracking().AnyAsync(r => r.FromTaskId == from && r.ToTaskId == to && r.Type == type);
    }

    /// <summary>Whether <paramref name="target"/> can be reached from <paramref name="start"/> through blocks relations.</summary>
    static async Task<bool> Reaches(TasksDb db, Guid start, Guid target, CancellationToken ct)
    {
        var seen = new HashSet<Guid> { start };
        var frontier = new List<Guid> { start };
        while (frontier.Count > 0)
        {
            var ids = frontier.ToArray();
            var next = await db.Relations.AsNoTracking()
                .Where(r => r.Type == Blocks && ids.Contains(r.FromTaskId))
                .Select(r => r.ToTaskId)
                .ToListAsync(ct);
            if (next.Contains(target)) return true;
            frontier = next.Where(seen.Add).ToList();
        }
        return false;
    }

    static async Task<Ok<List<RelationResponse>>> List(CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var taskId = access.Task!.Id;
        var rows = await db.Relations.AsNoTracking()
            .Where(r => r.FromTaskId == taskId || r.ToTaskId == taskId)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Join(db.Tasks, r => r.FromTaskId == taskId ? r.ToTaskId : r.FromTaskId, t => t.Id, (r, t) => new { Relation = r, t.Key, t.Title })
            .ToListAsync(ct);
        return TypedResults.Ok(rows.Select(x =>
        {
            var (type, other) = View(x.Relation, taskId);
            return new RelationResponse(x.Relation.Id, type, other, x.Key, x.Title);
        }).ToList());
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid relationId, CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var task = access.Task!;
        var relation = await db.Relations.SingleOrDefaultAsync(r => r.Id == relationId && (r.FromTaskId == task.Id || r.ToTaskId == task.Id), ct);
        if (relation is null) return Problems.RelationNotFound();
        var (mine, otherId) = View(relation, task.Id);
        var (theirs, _) = View(relation, otherId);
        var other = await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == otherId, ct);
        db.Relations.Remove(relation);
        var now = Clock.UtcNow();
        TaskLog.Record(db, task, access.UserId, now, "relation", $"{mine} {other.Key}", null);
        TaskLog.Record(db, other, access.UserId, now, "relation", $"{theirs} {task.Key}", null);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
