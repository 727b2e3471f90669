using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Reporting.Contracts;

/// <summary>
/// An export the user asked for is ready to download until <paramref name="ExpiresAt"/>. <paramref name="Url"/> is the
/// API path of the file (<c>/v1/projects/{projectId}/reports/exports/{jobId}/file</c>); only <paramref name="UserId"/> may fetch it.
/// </summary>
public sealed record ReportReady(
    Guid JobId, Guid ProjectId, Guid WorkspaceId, Guid UserId, string Report, string Format, string FileName, string Url,
    DateTime ExpiresAt) : IntegrationEvent;
