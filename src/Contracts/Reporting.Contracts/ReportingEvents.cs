using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Reporting.Contracts;

/// <summary>
/// An export the user asked for is ready to download until <paramref name="ExpiresAt"/>. <paramref name="Url"/> is the
/// API path of the file (<c>/v1/projects/{projectId}/reports/exports/{jobId}/file</c>); only <paramref name="UserId"/> may fetch it.
/// </summary>
public sealed record ReportReady(
    Guid JobId, Guid ProjectId, Guid WorkspaceId, Guid UserId, string Report, string Format, string FileName, string Url,
    DateTime ExpiresAt) : IntegrationEvent;

/// <summary>
/// The weekly status email to one chosen member is due: notifications mails it to <paramref name="UserId"/> (once per
/// <paramref name="Key"/>: scope, recipient and week). <paramref name="ProjectId"/> null: the workspace-wide report.
/// <paramref name="Lines"/> are plain-text lines of figures; <paramref name="Url"/> the web app page to open.
/// </summary>
public sealed record WeeklyStatusReportDue(
    string Key, Guid UserId, Guid WorkspaceId, Guid? ProjectId, DateOnly WeekOf, string Subject, IReadOnlyList<string> Lines, string Url) : IntegrationEvent;
