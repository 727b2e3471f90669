namespace TaskFlow.Reporting.Consumers;

// This service's views of the projects and tasks services' events (the wire name is the type name). Fields the
// producers added later are optional: events published before them still read (their facts are "unknown").

/// <summary>The reportable state of a task after the change (the tasks service's <c>TaskReportFacts</c>); null in older events.</summary>
internal sealed record TaskFactsView(string? StatusCategory, double? Estimate, Guid? CycleId, Guid[]? LabelIds, Guid[]? AssigneeIds, DateOnly? DueDate);

internal sealed record TaskCreatedView(
    Guid TaskId, Guid ProjectId, Guid WorkspaceId, string Key, string Title, Guid StatusId, DateOnly? DueDate, Guid[]? AssigneeIds,
    TaskFactsView? Facts = null);

internal sealed record TaskUpdatedView(
    Guid TaskId, Guid ProjectId, Guid WorkspaceId, string Key, string Title, Guid StatusId, DateOnly? DueDate, Guid[]? AssigneeIds,
    TaskFactsView? Facts = null);

internal sealed record TaskMovedView(Guid TaskId, Guid ProjectId, Guid ToStatusId, Guid WorkspaceId, string Key, string Title, TaskFactsView? Facts = null);

internal sealed record TaskDeletedView(Guid TaskId, Guid ProjectId, Guid WorkspaceId, string Key);

internal sealed record WorkflowChangedView(Guid ProjectId, IReadOnlyList<WorkflowChangedView.Status> Statuses)
{
    public sealed record Status(Guid Id, string Name, string Category, int Position);
}

internal sealed record WorkflowStatusRemovedView(Guid ProjectId, Guid StatusId, Guid MoveTo);

internal sealed record LabelView(Guid LabelId, Guid ProjectId, string? Name);

internal sealed record CycleView(Guid CycleId, Guid ProjectId, string? Name, DateOnly StartDate, DateOnly EndDate);

internal sealed record WorkspaceCreated(Guid WorkspaceId, string Name, Guid OwnerId, DateTime OccurredAt);

internal sealed record MemberAdded(Guid WorkspaceId, Guid UserId, string Role, DateTime OccurredAt);

internal sealed record MemberRoleChanged(Guid WorkspaceId, Guid UserId, string Role, DateTime OccurredAt);

internal sealed record MemberRemoved(Guid WorkspaceId, Guid UserId, DateTime OccurredAt);

internal sealed record WorkspaceDeleted(Guid WorkspaceId, DateTime OccurredAt);

/// <summary>Visibility is null in events published before projects had one: read as workspace.</summary>
internal sealed record ProjectCreated(Guid ProjectId, Guid WorkspaceId, string Key, string Name, DateTime OccurredAt, string? Visibility = null);

internal sealed record ProjectUpdated(Guid ProjectId, Guid WorkspaceId, string[]? ChangedFields, DateTime OccurredAt, string? Visibility = null);

internal sealed record ProjectDeleted(Guid ProjectId, Guid WorkspaceId, DateTime OccurredAt);

internal sealed record ProjectMemberAdded(Guid ProjectId, Guid UserId, string Role, DateTime OccurredAt);

internal sealed record ProjectMemberRoleChanged(Guid ProjectId, Guid UserId, string Role, DateTime OccurredAt);

internal sealed record ProjectMemberRemoved(Guid ProjectId, Guid UserId, DateTime OccurredAt);
