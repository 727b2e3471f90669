using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Tasks.Data;
using TaskFlow.Tasks.Features;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Tasks.Consumers;

/// <summary>
/// The local label and cycle copies, like the other copies: the inbox stops redelivery; created/updated carry the whole
/// state and the newest OccurredAt wins, whichever arrives first; a deleted label or cycle stays as a tombstone, so a late
/// created/updated cannot bring it back. Deleting removes the label from its tasks and clears the cycle from its tasks
/// (recorded in their activity as a system change).
/// </summary>
internal sealed class LabelCopy(TasksDb db)
{
    public async Task Upsert(Guid labelId, Guid projectId, string name, string color, DateTime occurredAt, CancellationToken ct)
    {
        var label = await db.Labels.FindAsync([labelId], ct);
        if (label is null)
        {
            db.Labels.Add(new KnownLabel { Id = labelId, ProjectId = projectId, Name = name, Color = color, UpdatedAt = occurredAt });
            return;
        }
        if (label.Deleted || occurredAt < label.UpdatedAt) return;
        (label.Name, label.Color, label.UpdatedAt) = (name, color, occurredAt);
    }

    public async Task Upsert(Guid cycleId, Guid projectId, string name, DateOnly start, DateOnly end, DateTime occurredAt, CancellationToken ct)
    {
        var cycle = await db.Cycles.FindAsync([cycleId], ct);
        if (cycle is null)
        {
            db.Cycles.Add(new KnownCycle { Id = cycleId, ProjectId = projectId, Name = name, StartDate = start, EndDate = end, UpdatedAt = occurredAt });
            return;
        }
        if (cycle.Deleted || occurredAt < cycle.UpdatedAt) return;
        (cycle.Name, cycle.StartDate, cycle.EndDate, cycle.UpdatedAt) = (name, start, end, occurredAt);
    }
}

internal sealed class LabelCreatedHandler(LabelCopy copy) : IIntegrationEventHandler<LabelCreated>
{
    public Task Handle(LabelCreated e, CancellationToken ct) => copy.Upsert(e.LabelId, e.ProjectId, e.Name, e.Color, e.OccurredAt, ct);
}

internal sealed class LabelUpdatedHandler(LabelCopy copy) : IIntegrationEventHandler<LabelUpdated>
{
    public Task Handle(LabelUpdated e, CancellationToken ct) => copy.Upsert(e.LabelId, e.ProjectId, e.Name, e.Color, e.OccurredAt, ct);
}

internal sealed class LabelDeletedHandler(TasksDb db) : IIntegrationEventHandler<LabelDeleted>
{
    public async Task Handle(LabelDeleted e, CancellationToken ct)
    {
        var label = await db.Labels.FindAsync([e.LabelId], ct);
        if (label is null) db.Labels.Add(label = new KnownLabel { Id = e.LabelId, ProjectId = e.ProjectId });
        label.Deleted = true;
        label.UpdatedAt = e.OccurredAt;
        var tasks = await db.Tasks.Include(t => t.Labels)
            .Where(t => t.ProjectId == e.ProjectId && db.TaskLabels.Any(l => l.TaskId == t.Id && l.LabelId == e.LabelId))
            .ToListAsync(ct);
        var now = Clock.UtcNow();
        foreach (var task in tasks)
        {
            var before = TaskFields.Text(task.Labels.Select(l => l.LabelId));
            task.Labels.RemoveAll(l => l.LabelId == e.LabelId);
            TaskLog.Record(db, task, null, now, "labelIds", before, TaskFields.Text(task.Labels.Select(l => l.LabelId)));
            task.UpdatedAt = now;
            task.Version++;
        }
    }
}

internal sealed class CycleCreatedHandler(LabelCopy copy) : IIntegrationEventHandler<CycleCreated>
{
    public Task Handle(CycleCreated e, CancellationToken ct) => copy.Upsert(e.CycleId, e.ProjectId, e.Name, e.StartDate, e.EndDate, e.OccurredAt, ct);
}

internal sealed class CycleUpdatedHandler(LabelCopy copy) : IIntegrationEventHandler<CycleUpdated>
{
    public Task Handle(CycleUpdated e, CancellationToken ct) => copy.Upsert(e.CycleId, e.ProjectId, e.Name, e.StartDate, e.EndDate, e.OccurredAt, ct);
}

internal sealed class CycleDeletedHandler(TasksDb db) : IIntegrationEventHandler<CycleDeleted>
{
    public async Task Handle(CycleDeleted e, CancellationToken ct)
    {
        var cycle = await db.Cycles.FindAsync([e.CycleId], ct);
        if (cycle is null) db.Cycles.Add(cycle = new KnownCycle { Id = e.CycleId, ProjectId = e.ProjectId });
        cycle.Deleted = true;
        cycle.UpdatedAt = e.OccurredAt;
        var tasks = await db.Tasks.Where(t => t.ProjectId == e.ProjectId && t.CycleId == e.CycleId).ToListAsync(ct);
        var now = Clock.UtcNow();
        foreach (var task in tasks)
        {
            TaskLog.Record(db, task, null, now, "cycleId", e.CycleId.ToString(), null);
            task.CycleId = null;
            task.UpdatedAt = now;
            task.Version++;
        }
    }
}
