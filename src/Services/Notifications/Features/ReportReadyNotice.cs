using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Reporting.Contracts;

namespace TaskFlow.Notifications.Features;

/// <summary>ReportReady → the requester is told "Your {report} export is ready", linking to the project's reports page with the export.</summary>
internal sealed class ReportReadyHandler(Notifier notifier) : IIntegrationEventHandler<ReportReady>
{
    public Task Handle(ReportReady e, CancellationToken cancellationToken) => notifier.Notify(new NotificationRequest(
        $"{NotificationKinds.ReportReady}:{e.JobId:N}",
        e.UserId,
        NotificationKinds.ReportReady,
        $"Your {e.Report.Replace('-', ' ')} export ({e.Format.ToUpperInvariant()}) is ready",
        $"Download it before {e.ExpiresAt:yyyy-MM-dd HH:mm} UTC.",
        $"/projects/{e.ProjectId}/reports?export={e.JobId}",
        ProjectId: e.ProjectId,
        WorkspaceId: e.WorkspaceId), cancellationToken);
}
