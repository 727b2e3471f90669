using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Projects.Contracts;
using TaskFlow.Reporting.Data;
using TaskFlow.Tasks.Contracts;

namespace TaskFlow.Reporting.Consumers;

/// <summary>
/// Turns the logged events into the report history. Every change is keyed by its event id (task versions) or applied
/// last-writer-wins by OccurredAt (statuses, cycles, labels), so applying an event twice, or events in another order,
/// gives the same tables: that is what makes <see cref="Rebuild"/> and redelivery safe.
/// </summary>
internal sealed class Projection(ReportingDb db)
{
    /// <summary>
    /// During a rebuild: the event ids of the current page that already have a task version (read for the whole page
    /// at once), instead of one query per event; the rebuild adds each id it projects.
    /// </summary>
    internal HashSet<Guid>? Projected { get; set; }

    /// <summary>The event types kept in the log and projected.</summary>
    public static readonly string[] LoggedTypes =
    [
        "TaskCreated", "TaskUpdated", "TaskMoved", "TaskDeleted", "WorkflowChanged", "WorkflowStatusRemoved",
        "CycleCreated", "CycleUpdated", "CycleDeleted", "LabelCreated", "LabelUpdated", "LabelDeleted",
    ];

    static T Read<T>(ReportEvent e) => JsonSerializer.Deserialize<T>(e.Payload, EventEnvelope.Json)
        ?? throw new InvalidOperationException($"Event {e.Id} ({e.Type}) has an empty payload.");

    /// <summary>The project an event belongs to and, for task events, its workspace.</summary>
    public static (Guid ProjectId, Guid? WorkspaceId) Scope(string type, string payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var projectId = root.GetProperty("projectId").GetGuid();
        Guid? workspaceId = root.TryGetProperty("workspaceId", out var w) && w.ValueKind == JsonValueKind.String ? w.GetGuid() : null;
        return (projectId, workspaceId);
    }

    /// <summary>Logs the envelope (once: its id is the key) and projects it; the caller saves. False when it was logged before.</summary>
    public async Task<bool> Log(EventEnvelope envelope, CancellationToken ct)
    {
        if (await db.Events.AnyAsync(x => x.Id == envelope.Id, ct)) return false;
        var (projectId, workspaceId) = Scope(envelope.Type, envelope.Payload);
        workspaceId ??= await db.Projects.Where(p => p.Id == projectId).Select(p => (Guid?)p.WorkspaceId).FirstOrDefaultAsync(ct);
        var logged = new ReportEvent
        {
            Id = envelope.Id, Type = envelope.Type, ProjectId = projectId, WorkspaceId = workspaceId,
            OccurredAt = envelope.OccurredAt, Payload = envelope.Payload,
        };
        db.Events.Add(logged);
        // Not in the log, so not projected either (a version is written in the transaction of its log row): no second
        // existence check per event.
        Projected = [];
        try
        {
            await Apply(logged, ct);
        }
        finally
        {
            Projected = null;
        }
        await HistoryChanged(db, [projectId], ct);
        return true;
    }

    public async Task Apply(ReportEvent e, CancellationToken ct)
    {
        switch (e.Type)
        {
            case "TaskCreated":
            {
                var t = Read<TaskCreated>(e);
                await Version(e, t.TaskId, t.ProjectId, t.WorkspaceId, "created", t.Key, t.Title, t.StatusId, t.DueDate, hasDue: true, t.AssigneeIds, t.Facts, ct);
                break;
            }
            case "TaskUpdated":
            {
                var t = Read<TaskUpdated>(e);
                await Version(e, t.TaskId, t.ProjectId, t.WorkspaceId, "updated", t.Key, t.Title, t.StatusId, t.DueDate, hasDue: true, t.AssigneeIds, t.Facts, ct);
                break;
            }
            case "TaskMoved":
            {
                var t = Read<TaskMoved>(e);
                await Version(e, t.TaskId, t.ProjectId, t.WorkspaceId, "moved", t.Key, t.Title, t.ToStatusId, t.Facts?.DueDate, hasDue: t.Facts is not null, t.Facts?.AssigneeIds, t.Facts, ct);
                break;
            }
            case "TaskDeleted":
            {
                var t = Read<TaskDeleted>(e);
                await Version(e, t.TaskId, t.ProjectId, t.WorkspaceId, "deleted", t.Key, null, null, null, hasDue: false, null, null, ct);
                break;
            }
            case "WorkflowChanged":
            {
                var w = Read<WorkflowChanged>(e);
                var known = await db.Statuses.Where(s => s.ProjectId == w.ProjectId).ToListAsync(ct);
                known.AddRange(db.Statuses.Local.Where(s => s.ProjectId == w.ProjectId && !known.Contains(s)));
                foreach (var s in w.Statuses)
                {
                    var status = known.FirstOrDefault(k => k.Id == s.Id);
                    if (status is null)
                    {
                        db.Statuses.Add(status = new StatusCopy { Id = s.Id, ProjectId = w.ProjectId, UpdatedAt = DateTime.MinValue.ToUniversalTime() });
                        known.Add(status);
                    }
                    if (e.OccurredAt < status.UpdatedAt) continue;
                    (status.Name, status.Category, status.Position, status.Removed, status.UpdatedAt) = (s.Name, s.Category, s.Position, status.RemovedAt is not null, e.OccurredAt);
                }
                foreach (var status in known.Where(k => w.Statuses.All(s => s.Id != k.Id) && e.OccurredAt >= k.UpdatedAt))
                    (status.Removed, status.UpdatedAt) = (true, e.OccurredAt);
                break;
            }
            case "WorkflowStatusRemoved":
            {
                var r = Read<WorkflowStatusRemoved>(e);
                var status = await db.Statuses.FindAsync([r.StatusId], ct);
                if (status is null) db.Statuses.Add(status = new StatusCopy { Id = r.StatusId, ProjectId = r.ProjectId, UpdatedAt = DateTime.MinValue.ToUniversalTime() });
                (status.Removed, status.MovedTo, status.RemovedAt) = (true, r.MoveTo, e.OccurredAt);
                break;
            }
            case "CycleCreated":
            {
                var c = Read<CycleCreated>(e);
                await Cycle(e, c.CycleId, c.ProjectId, c.Name, c.StartDate, c.EndDate, ct);
                break;
            }
            case "CycleUpdated":
            {
                var c = Read<CycleUpdated>(e);
                await Cycle(e, c.CycleId, c.ProjectId, c.Name, c.StartDate, c.EndDate, ct);
                break;
            }
            case "CycleDeleted":
            {
                var c = Read<CycleDeleted>(e);
                await Cycle(e, c.CycleId, c.ProjectId, null, default, default, ct);
                break;
            }
            case "LabelCreated":
            {
                var l = Read<LabelCreated>(e);
                await Label(e, l.LabelId, l.ProjectId, l.Name, ct);
                break;
            }
            case "LabelUpdated":
            {
                var l = Read<LabelUpdated>(e);
                await Label(e, l.LabelId, l.ProjectId, l.Name, ct);
                break;
            }
            case "LabelDeleted":
            {
                var l = Read<LabelDeleted>(e);
                await Label(e, l.LabelId, l.ProjectId, null, ct);
                break;
            }
        }
    }

    /// <summary>A cycle's state (name null: deleted at the event's time); the newest change wins.</summary>
    async Task Cycle(ReportEvent e, Guid id, Guid projectId, string? name, DateOnly start, DateOnly end, CancellationToken ct)
    {
        var cycle = await db.Cycles.FindAsync([id], ct);
        if (cycle is null) db.Cycles.Add(cycle = new CycleCopy { Id = id, ProjectId = projectId, UpdatedAt = DateTime.MinValue.ToUniversalTime() });
        if (name is null) cycle.DeletedAt = e.OccurredAt;
        else if (e.OccurredAt >= cycle.UpdatedAt) (cycle.Name, cycle.StartDate, cycle.EndDate, cycle.UpdatedAt) = (name, start, end, e.OccurredAt);
    }

    /// <summary>A label's state (name null: deleted at the event's time); the newest change wins.</summary>
    async Task Label(ReportEvent e, Guid id, Guid projectId, string? name, CancellationToken ct)
    {
        var label = await db.Labels.FindAsync([id], ct);
        if (label is null) db.Labels.Add(label = new LabelCopy { Id = id, ProjectId = projectId, UpdatedAt = DateTime.MinValue.ToUniversalTime() });
        if (name is null) label.DeletedAt = e.OccurredAt;
        else if (e.OccurredAt >= label.UpdatedAt) (label.Name, label.UpdatedAt) = (name, e.OccurredAt);
    }

    static T? Local<T>(DbSet<T> set, Func<T, bool> match) where T : class => set.Local.FirstOrDefault(match);

    async Task Version(
        ReportEvent e, Guid taskId, Guid projectId, Guid workspaceId, string kind, string? key, string? title, Guid? statusId,
        DateOnly? dueDate, bool hasDue, Guid[]? assigneeIds, TaskReportFacts? facts, CancellationToken ct)
    {
        if (Projected is not null ? !Projected.Add(e.Id)
            : Local(db.TaskVersions, v => v.EventId == e.Id) is not null || await db.TaskVersions.AnyAsync(v => v.EventId == e.Id, ct)) return;
        var assignees = facts?.AssigneeIds ?? assigneeIds;
        db.TaskVersions.Add(new TaskVersion
        {
            EventId = e.Id, TaskId = taskId, ProjectId = projectId, WorkspaceId = workspaceId, OccurredAt = e.OccurredAt, Kind = kind,
            Key = key, Title = title, StatusId = statusId, Category = string.IsNullOrEmpty(facts?.StatusCategory) ? null : facts.StatusCategory,
            HasPlanning = facts is not null, Points = facts?.Estimate, CycleId = facts?.CycleId,
            LabelIds = facts is null ? null : Ids(facts.LabelIds ?? []),
            AssigneeIds = assignees is null ? null : Ids(assignees),
            HasDueDate = hasDue || facts is not null, DueDate = facts is not null ? facts.DueDate : dueDate,
        });
    }

    static string Ids(IEnumerable<Guid> ids) => string.Join(',', ids.Order());

    /// <summary>Raises the projects' history version, in the caller's transaction: cached histories of them are old now.</summary>
    internal static Task HistoryChanged(ReportingDb db, IReadOnlyCollection<Guid> projectIds, CancellationToken ct) =>
        db.Projects.Where(p => projectIds.Contains(p.Id)).ExecuteUpdateAsync(s => s.SetProperty(p => p.HistoryVersion, p => p.HistoryVersion + 1), ct);
}

/// <summary>
/// Rebuilds the history of some projects from the log: deletes what was derived and applies every logged event again,
/// oldest first. The access copy and the log are kept.
/// </summary>
internal sealed class Rebuild(IServiceProvider services, ILogger<Rebuild> logger)
{
    public sealed record Result(int Projects, int Events, int Tasks);

    const int PageSize = 1000;

    public async Task<Result> Projects(IReadOnlyCollection<Guid> projectIds, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportingDb>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.TaskVersions.Where(v => projectIds.Contains(v.ProjectId)).ExecuteDeleteAsync(ct);
        await db.Statuses.Where(s => projectIds.Contains(s.ProjectId)).ExecuteDeleteAsync(ct);
        await db.Cycles.Where(c => projectIds.Contains(c.ProjectId)).ExecuteDeleteAsync(ct);
        await db.Labels.Where(l => projectIds.Contains(l.ProjectId)).ExecuteDeleteAsync(ct);
        var projection = new Projection(db);
        var count = 0;
        // Project by project (their histories are independent), in pages that start strictly after the last instant
        // of the previous page (keyset, not offset: a page costs the same at the millionth event as at the first).
        foreach (var projectId in projectIds)
        {
            DateTime? after = null;
            while (true)
            {
                var query = db.Events.AsNoTracking().Where(x => x.ProjectId == projectId);
                if (after is { } instant) query = query.Where(x => x.OccurredAt > instant);
                var page = await query.OrderBy(x => x.OccurredAt).ThenBy(x => x.Id).Take(PageSize).ToListAsync(ct);
                var full = page.Count == PageSize;
                if (full)
                {
                    // Complete the page's last instant, so the next page can start after it without skipping a tie.
                    var last = page[^1].OccurredAt;
                    var seen = page.Where(x => x.OccurredAt == last).Select(x => x.Id).ToList();
                    page.AddRange(await db.Events.AsNoTracking()
                        .Where(x => x.ProjectId == projectId && x.OccurredAt == last && !seen.Contains(x.Id)).OrderBy(x => x.Id).ToListAsync(ct));
                }
                // An event logged meanwhile is projected by its own delivery; one it already projected is skipped here.
                var ids = page.Select(x => x.Id).ToList();
                projection.Projected = [.. await db.TaskVersions.Where(v => ids.Contains(v.EventId)).Select(v => v.EventId).ToListAsync(ct)];
                foreach (var e in page) await projection.Apply(e, ct);
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                count += page.Count;
                if (!full) break;
                after = page[^1].OccurredAt;
            }
        }
        await Projection.HistoryChanged(db, projectIds, ct);
        var tasks = await db.TaskVersions.Where(v => projectIds.Contains(v.ProjectId)).Select(v => v.TaskId).Distinct().CountAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Rebuilt the reports of {Projects} project(s) from {Events} events", projectIds.Count, count);
        return new Result(projectIds.Count, count, tasks);
    }
}
