using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Projects.Contracts;

/// <summary>
/// A project was created in a workspace; <paramref name="Key"/> prefixes its task numbers. <paramref name="Visibility"/>:
/// <c>workspace</c> (every workspace member works in it) or <c>private</c> (only its members and workspace owners/admins).
/// Consumers read a missing visibility (events published before it existed) as <c>workspace</c>.
/// <paramref name="TargetDate"/>: the planned finish (null: none, or an event published before it was carried).
/// </summary>
public sealed record ProjectCreated(Guid ProjectId, Guid WorkspaceId, string Key, string Name, string Visibility, DateOnly? TargetDate = null) : IntegrationEvent;

/// <summary>
/// Project details changed; <paramref name="ChangedFields"/> names them (camelCase, e.g. name, leadId, visibility).
/// <paramref name="Visibility"/> is the project's visibility after the change (workspace or private).
/// <paramref name="Name"/> and <paramref name="TargetDate"/> are the project's name and target date after the change;
/// both are null in events published before they were carried (consumers then keep what they knew).
/// </summary>
public sealed record ProjectUpdated(
    Guid ProjectId, Guid WorkspaceId, string[] ChangedFields, string Visibility, string? Name = null, DateOnly? TargetDate = null) : IntegrationEvent;

/// <summary>A project became read-only.</summary>
public sealed record ProjectArchived(Guid ProjectId, Guid WorkspaceId) : IntegrationEvent;

/// <summary>An archived project became writable again.</summary>
public sealed record ProjectUnarchived(Guid ProjectId, Guid WorkspaceId) : IntegrationEvent;

/// <summary>A project and everything in it was deleted (also when its workspace was deleted).</summary>
public sealed record ProjectDeleted(Guid ProjectId, Guid WorkspaceId) : IntegrationEvent;

/// <summary>A user became a project member. Role: admin, member or viewer.</summary>
public sealed record ProjectMemberAdded(Guid ProjectId, Guid UserId, string Role) : IntegrationEvent;

/// <summary>A project member's role changed.</summary>
public sealed record ProjectMemberRoleChanged(Guid ProjectId, Guid UserId, string Role) : IntegrationEvent;

/// <summary>A user stopped being a project member (removed, left, or left the workspace).</summary>
public sealed record ProjectMemberRemoved(Guid ProjectId, Guid UserId) : IntegrationEvent;

/// <summary>The project's whole workflow after any change (created, added, renamed, reordered, removed), in order.</summary>
public sealed record WorkflowChanged(Guid ProjectId, IReadOnlyList<WorkflowChanged.Status> Statuses) : IntegrationEvent
{
    /// <summary>One status of the workflow.</summary>
    /// <param name="Id">Status id.</param>
    /// <param name="Name">Display name.</param>
    /// <param name="Category">backlog, todo, in_progress, done or cancelled.</param>
    /// <param name="Position">0-based place in the workflow.</param>
    public sealed record Status(Guid Id, string Name, string Category, int Position);
}

/// <summary>A status was removed; its tasks move to <paramref name="MoveTo"/>. Published with the WorkflowChanged that no longer lists it.</summary>
public sealed record WorkflowStatusRemoved(Guid ProjectId, Guid StatusId, Guid MoveTo) : IntegrationEvent;

/// <summary>A label was created in a project. <paramref name="Color"/> is #RRGGBB.</summary>
public sealed record LabelCreated(Guid LabelId, Guid ProjectId, string Name, string Color) : IntegrationEvent;

/// <summary>A label was renamed or recolored; carries its whole state after the change.</summary>
public sealed record LabelUpdated(Guid LabelId, Guid ProjectId, string Name, string Color) : IntegrationEvent;

/// <summary>A label was deleted; consumers remove it from their tasks.</summary>
public sealed record LabelDeleted(Guid LabelId, Guid ProjectId) : IntegrationEvent;

/// <summary>A cycle (time-boxed iteration) was created in a project.</summary>
public sealed record CycleCreated(Guid CycleId, Guid ProjectId, string Name, DateOnly StartDate, DateOnly EndDate) : IntegrationEvent;

/// <summary>A cycle changed; carries its whole state after the change.</summary>
public sealed record CycleUpdated(Guid CycleId, Guid ProjectId, string Name, DateOnly StartDate, DateOnly EndDate) : IntegrationEvent;

/// <summary>A cycle was deleted; consumers clear it from their tasks.</summary>
public sealed record CycleDeleted(Guid CycleId, Guid ProjectId) : IntegrationEvent;
