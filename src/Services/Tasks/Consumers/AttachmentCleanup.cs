using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.BuildingBlocks.Storage;
using TaskFlow.Tasks.Data;
using TaskFlow.Tasks.Contracts;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Tasks.Consumers;

/// <summary>
/// Deletes the stored files of a deleted task's (or project's) attachments. It runs from this service's own events, so
/// only after the delete committed, and retries until it succeeds; deleting a file twice is harmless. The rows are
/// removed in the same handler transaction as the inbox row.
/// </summary>
internal sealed class AttachmentCleanup(TasksDb db, IFileStorage storage)
{
    public async Task Remove(IQueryable<Attachment> attachments, CancellationToken ct)
    {
        foreach (var attachment in await attachments.ToListAsync(ct))
        {
            await storage.DeleteAsync(attachment.StorageKey, ct);
            db.Attachments.Remove(attachment);
        }
    }
}

internal sealed class TaskDeletedAttachmentsHandler(TasksDb db, AttachmentCleanup cleanup) : IIntegrationEventHandler<TaskDeleted>
{
    public async Task Handle(TaskDeleted e, CancellationToken ct)
    {
        // A task id is never reused, so whatever is left under it belonged to the deleted task.
        if (await db.Tasks.AnyAsync(t => t.Id == e.TaskId, ct)) return;
        await cleanup.Remove(db.Attachments.Where(a => a.TaskId == e.TaskId), ct);
    }
}

internal sealed class ProjectDeletedAttachmentsHandler(TasksDb db, AttachmentCleanup cleanup) : IIntegrationEventHandler<ProjectDeleted>
{
    public Task Handle(ProjectDeleted e, CancellationToken ct) => cleanup.Remove(db.Attachments.Where(a => a.ProjectId == e.ProjectId), ct);
}
