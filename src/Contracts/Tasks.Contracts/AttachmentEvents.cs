using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Tasks.Contracts;

/// <summary>A file was attached to a task.</summary>
public sealed record AttachmentAdded(Guid AttachmentId, Guid TaskId, Guid ProjectId, Guid WorkspaceId, string FileName, long Size, Guid ActorId) : IntegrationEvent;

/// <summary>An attachment was deleted from a task (not sent for attachments that go with a deleted task).</summary>
public sealed record AttachmentDeleted(Guid AttachmentId, Guid TaskId, Guid ProjectId, Guid WorkspaceId, Guid ActorId) : IntegrationEvent;
