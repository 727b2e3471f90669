using TaskFlow.Web.Client.Api;

namespace TaskFlow.Web.Client.List;

/// <summary>An inline change of one row: a merge patch of its fields (priority, assigneeIds, dueDate).</summary>
public sealed record FieldEdit(ListTask Task, Dictionary<string, object?> Patch);

/// <summary>An inline status change of one row (a move to the bottom of that column).</summary>
public sealed record StatusEdit(ListTask Task, Guid StatusId);

/// <summary>One change for every selected row; exactly one of the values is set.</summary>
public sealed record BulkChange(IReadOnlyList<ListTask> Tasks, Guid? StatusId = null, string? Priority = null, Guid? Assignee = null);
