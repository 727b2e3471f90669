using TaskFlow.BuildingBlocks.Membership;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Identity.Contracts;
using TaskFlow.Projects.Contracts;
using TaskFlow.Reporting.Consumers;
using TaskFlow.Reporting.Data;
using TaskFlow.Reporting.Exports;
using TaskFlow.Reporting.Features;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.Reporting;

/// <summary>
/// Reporting: per-project reports (summary, cumulative flow, burndown/burnup, throughput, cycle and lead time,
/// workload and WIP, overdue, created vs completed) from a read model built only from the projects and tasks
/// services' events (docs/adr/0035), and CSV/XLSX exports as background jobs.
/// </summary>
public sealed class ReportingModule : IServiceModule
{
    public string Name => "reporting";

    /// <summary>Route patterns: the gateway matches them before the projects and workspaces services' plain prefixes.</summary>
    public IReadOnlyList<string> RoutePrefixes => ["/v1/projects/{projectId}/reports", "/v1/workspaces/{workspaceId}/reports"];

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddServiceDb<ReportingDb, SqliteReportingDb, PostgresReportingDb>(Name);
        var services = builder.Services;
        services.TryAddSingleton<ReportClock>();
        services.AddScoped<ReportCaller>();
        services.AddSingleton<HistoryCache>();
        services.AddScoped<AccessCopy>();
        services.AddScoped<UserNames>();
        services.AddSingleton<Rebuild>();
        services.AddSingleton<ExportSignal>();
        services.AddHostedService<ExportWorker>();
        services.TryAddSingleton(new ReportingTime(TimeProvider.System));
        services.AddHostedService<WeeklyEmailScheduler>();

        services.AddReportLog(Name);
        services.AddWorkspacesLookup<ReportingDb>(Name);
        services.AddProjectsLookup<ReportingDb>(Name);
        services.AddEventHandler<ReportingDb, WorkspaceCreated, WorkspaceCreatedHandler>(Name);
        services.AddEventHandler<ReportingDb, MemberAdded, MemberAddedHandler>(Name);
        services.AddEventHandler<ReportingDb, MemberRoleChanged, MemberRoleChangedHandler>(Name);
        services.AddEventHandler<ReportingDb, MemberRemoved, MemberRemovedHandler>(Name);
        services.AddEventHandler<ReportingDb, WorkspaceDeleted, WorkspaceDeletedHandler>(Name);
        services.AddEventHandler<ReportingDb, ProjectCreated, ProjectCreatedHandler>(Name);
        services.AddEventHandler<ReportingDb, ProjectUpdated, ProjectUpdatedHandler>(Name);
        services.AddEventHandler<ReportingDb, ProjectDeleted, ProjectDeletedHandler>(Name);
        services.AddEventHandler<ReportingDb, ProjectMemberAdded, ProjectMemberAddedHandler>(Name);
        services.AddEventHandler<ReportingDb, ProjectMemberRoleChanged, ProjectMemberRoleChangedHandler>(Name);
        services.AddEventHandler<ReportingDb, ProjectMemberRemoved, ProjectMemberRemovedHandler>(Name);
        services.AddEventHandler<ReportingDb, UserRegistered, UserRegisteredHandler>(Name);
        services.AddEventHandler<ReportingDb, UserProfileUpdated, UserProfileUpdatedHandler>(Name);
        services.AddEventHandler<ReportingDb, UserDeleted, UserDeletedHandler>(Name);
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var project = app.MapProjectReportsGroup().WithTags("Reports");
        Summary.Map(project);
        CumulativeFlow.Map(project);
        Burndown.Map(project);
        Throughput.Map(project);
        CycleTime.Map(project);
        Workload.Map(project);
        Overdue.Map(project);
        CreatedVsCompleted.Map(project);
        RebuildReports.MapProject(project);
        ExportEndpoints.Map(project);
        WeeklyEmail.MapProject(project);

        var workspace = app.MapWorkspaceReportsGroup().WithTags("Reports");
        RebuildReports.MapWorkspace(workspace);
        Overview.Map(workspace);
        WeeklyEmail.MapWorkspace(workspace);
        ReportSettings.Map(workspace);
    }
}
