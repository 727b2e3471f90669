using System.Text.Json.Serialization;

namespace TaskFlow.Web.Client.Api;

// Client-side copies of the reporting service's shapes (src/Services/Reporting/Features).

public sealed record ReportByCategory(int Backlog, int Todo, [property: JsonPropertyName("in_progress")] int InProgress, int Done, int Cancelled);
public sealed record ReportPoints(double Total, double Done, double Open);
public sealed record ReportSummary(
    Guid ProjectId, DateTime AsOf, string TimeZone, DateOnly Today, int Total, ReportByCategory ByCategory, int Overdue, int Wip,
    int Unassigned, int Unestimated, ReportPoints Points, int CompletedLast7Days);
public sealed record FlowDay(DateOnly Date, int Backlog, int Todo, [property: JsonPropertyName("in_progress")] int InProgress, int Done, int Cancelled);
public sealed record CumulativeFlowReport(Guid ProjectId, string TimeZone, DateOnly From, DateOnly To, List<FlowDay> Days);
public sealed record ThroughputWeek(DateOnly WeekStart, int Completed, double Points);
public sealed record ThroughputReport(Guid ProjectId, string TimeZone, DateOnly From, DateOnly To, string WeekStartsOn, List<ThroughputWeek> Weeks);
public sealed record DurationBucket(int Days, int Count);
public sealed record DurationMeasure(int Count, double? Median, double? P85, List<DurationBucket> Distribution);
public sealed record CycleTimeItem(Guid TaskId, string Key, string Title, DateTime CompletedAt, double? CycleDays, double LeadDays);
public sealed record CycleTimeReport(Guid ProjectId, string TimeZone, DateOnly From, DateOnly To, DurationMeasure CycleTime, DurationMeasure LeadTime, List<CycleTimeItem> Tasks);
public sealed record OverdueItem(Guid TaskId, string Key, string Title, DateOnly DueDate, int DaysOverdue, string Category, Guid? StatusId, List<Guid> AssigneeIds, double? Points);
public sealed record OverdueReport(Guid ProjectId, DateOnly Today, string TimeZone, List<OverdueItem> Tasks);

public sealed record BurndownDay(
    DateOnly Date, int Scope, int Completed, int Remaining, double ScopePoints, double CompletedPoints, double RemainingPoints,
    double IdealRemaining, int Added, int Removed, double PointsAdded, double PointsRemoved);
public sealed record BurndownReport(Guid ProjectId, Guid CycleId, string Name, DateOnly StartDate, DateOnly EndDate, string TimeZone, List<BurndownDay> Days);
public sealed record WorkloadAssignee(Guid? AssigneeId, int Open, double OpenPoints, int InProgress, int Overdue);
public sealed record WorkloadStatus(Guid StatusId, string Name, int Count);
public sealed record WorkloadReport(Guid ProjectId, DateOnly Today, string TimeZone, List<WorkloadAssignee> Assignees, int Wip, List<WorkloadStatus> WipByStatus);
/// <summary>The weekly status email of a project or workspace: recipients (user ids), day (monday … sunday), hour (0–23) in the time zone.</summary>
public sealed record WeeklyEmailSettings(Guid[] Recipients, string Day, int Hour, string? TimeZone, bool Enabled);

public sealed record OverviewPoints(double Total, double Done, double Open);
public sealed record OverviewProject(
    Guid ProjectId, string Key, string Name, DateOnly? TargetDate, int Total, int Done, int Open, int Cancelled, int Overdue,
    int PercentDone, OverviewPoints Points, int CompletedLast28Days, int? DaysLeft, double? Forecast, string Health);
public sealed record OverviewWorkload(Guid? UserId, string? DisplayName, bool Member, int Open, double OpenPoints, int InProgress, int Overdue);
public sealed record WorkspaceOverviewReport(Guid WorkspaceId, DateOnly Today, string TimeZone, List<OverviewProject> Projects, List<OverviewWorkload> Workload);

public sealed record ExportJob(
    Guid Id, string Report, string Format, string State, int Progress, DateTime CreatedAt, DateTime? CompletedAt, DateTime? ExpiresAt,
    string? FileName, string? FileUrl, string? Error);
public sealed record StartExportRequest(string Report, string Format, string? Tz);

public sealed class ReportsApi(ApiClient api)
{
    public Task<ApiResult<ExportJob>> StartExport(Guid projectId, StartExportRequest request) =>
        api.Post<ExportJob>($"v1/projects/{projectId}/reports/exports", request);
    public Task<ApiResult<ExportJob>> Export(Guid projectId, Guid exportId) => api.Get<ExportJob>($"v1/projects/{projectId}/reports/exports/{exportId}");
    public Task<ApiResult<(byte[] Bytes, string? FileName, string ContentType)>> ExportFile(string fileUrl) => api.GetBytes(fileUrl.TrimStart('/'));

    public Task<ApiResult<WorkspaceOverviewReport>> Overview(Guid workspaceId, string tz) =>
        api.Get<WorkspaceOverviewReport>($"v1/workspaces/{workspaceId}/reports/overview?tz={Uri.EscapeDataString(tz)}");

    static string Path(Guid projectId, string report, string query) => $"v1/projects/{projectId}/reports/{report}{(query.Length > 0 ? "?" + query : "")}";

    public Task<ApiResult<ReportSummary>> Summary(Guid projectId, string query) => api.Get<ReportSummary>(Path(projectId, "summary", query));
    public Task<ApiResult<CumulativeFlowReport>> CumulativeFlow(Guid projectId, string query) => api.Get<CumulativeFlowReport>(Path(projectId, "cumulative-flow", query));
    public Task<ApiResult<ThroughputReport>> Throughput(Guid projectId, string query) => api.Get<ThroughputReport>(Path(projectId, "throughput", query));
    public Task<ApiResult<CycleTimeReport>> CycleTime(Guid projectId, string query) => api.Get<CycleTimeReport>(Path(projectId, "cycle-time", query));
    public Task<ApiResult<WorkloadReport>> Workload(Guid projectId, string query) => api.Get<WorkloadReport>(Path(projectId, "workload", query));
    public Task<ApiResult<BurndownReport>> Burndown(Guid projectId, Guid cycleId, string query) => api.Get<BurndownReport>(Path(projectId, $"cycles/{cycleId}/burndown", query));

    /// <summary>The weekly status email settings of a project (<paramref name="projectId"/>) or else of the workspace.</summary>
    public Task<ApiResult<WeeklyEmailSettings>> WeeklyEmail(Guid workspaceId, Guid? projectId) => api.Get<WeeklyEmailSettings>(WeeklyEmailPath(workspaceId, projectId));
    public Task<ApiResult<WeeklyEmailSettings>> SaveWeeklyEmail(Guid workspaceId, Guid? projectId, WeeklyEmailSettings settings) =>
        api.Put<WeeklyEmailSettings>(WeeklyEmailPath(workspaceId, projectId), settings);
    static string WeeklyEmailPath(Guid workspaceId, Guid? projectId) =>
        projectId is { } p ? $"v1/projects/{p}/reports/weekly-email" : $"v1/workspaces/{workspaceId}/reports/weekly-email";
    public Task<ApiResult<OverdueReport>> Overdue(Guid projectId, string query) => api.Get<OverdueReport>(Path(projectId, "overdue", query));
}
