using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Tasks.Data;
using TaskFlow.Tasks.Features;
using TaskFlow.Integrations.Contracts;

namespace TaskFlow.Tasks.Consumers;

/// <summary>
/// Stores the link on the task (one per task × provider × external id, updated in place) and, when asked, moves the task
/// to the bottom of that status column as the system, through the same path as MoveTask. Safe to receive again: the link
/// is upserted and a task already in the target status is not moved.
/// </summary>
internal sealed class ExternalLinkReportedHandler(TasksDb db, ILogger<ExternalLinkReportedHandler> logger) : IIntegrationEventHandler<ExternalLinkReported>
{
    public async Task Handle(ExternalLinkReported e, CancellationToken ct)
    {
        var key = e.TaskKey.Trim().ToUpperInvariant();
        var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == e.ProjectId, ct);
        var task = project is null || project.Deleted
            ? null
            : await db.Tasks.Include(t => t.Assignees).SingleOrDefaultAsync(t => t.ProjectId == e.ProjectId && t.Key == key, ct);
        if (task is null)
        {
            // A key in a commit message that names no task (or a deleted one) is normal: nothing to link.
            logger.LogInformation("No task {TaskKey} in project {ProjectId}; link {ExternalId} ignored", key, e.ProjectId, e.ExternalId);
            return;
        }

        var now = Clock.UtcNow();
        var link = await db.Links.SingleOrDefaultAsync(l => l.TaskId == task.Id && l.Provider == e.Provider && l.ExternalId == e.ExternalId, ct);
        if (link is null)
        {
            link = new TaskLink
            {
                Id = Guid.CreateVersion7(),
                TaskId = task.Id,
                ProjectId = task.ProjectId,
                Provider = e.Provider,
                Kind = e.Kind,
                ExternalId = e.ExternalId,
                Url = e.Url,
                Title = Cut(e.Title, 500),
                State = e.State,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Links.Add(link);
            TaskLog.Record(db, task, null, now, "link", null, e.Url);
        }
        else if (link.State != e.State || link.Title != Cut(e.Title, 500) || link.Url != e.Url || link.Kind != e.Kind)
        {
            if (link.State != e.State) TaskLog.Record(db, task, null, now, "linkState", link.State, e.State);
            (link.Kind, link.Url, link.Title, link.State, link.UpdatedAt) = (e.Kind, e.Url, Cut(e.Title, 500), e.State, now);
        }

        // An archived project is read-only: the link is noted, the board is left alone.
        if (e.MoveToStatusId is not { } statusId || project!.Archived || task.StatusId == statusId) return;
        if (!await db.Statuses.AnyAsync(s => s.Id == statusId && s.ProjectId == task.ProjectId && !s.Removed, ct))
        {
            logger.LogWarning("Status {StatusId} is not a status of project {ProjectId}; task {TaskKey} not moved", statusId, task.ProjectId, key);
            return;
        }
        await MoveTask.MoveTo(db, task, statusId, before: null, after: null, actorId: Guid.Empty, ct);
    }

    static string Cut(string value, int max) => value.Length <= max ? value : value[..max];
}
