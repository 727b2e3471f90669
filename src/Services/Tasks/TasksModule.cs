using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.BuildingBlocks.Storage;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Tasks.Consumers;
using TaskFlow.Tasks.Data;
using TaskFlow.Tasks.Contracts;
using TaskFlow.Tasks.Features;
using TaskFlow.Identity.Contracts;
using TaskFlow.Workspaces.Contracts;
using TaskFlow.Projects.Contracts;
using TaskFlow.Integrations.Contracts;

namespace TaskFlow.Tasks;

/// <summary>Tasks: tasks, board order, activity and comments of projects.</summary>
public sealed class TasksModule : IServiceModule
{
    public string Name => "tasks";

    /// <summary>
    /// The project- and workspace-scoped entries are route patterns: the gateway matches patterns first (Order -1), so they
    /// win over the projects service's plain <c>/v1/projects</c> and the workspaces service's <c>/v1/workspaces</c> prefixes.
    /// </summary>
    public IReadOnlyList<string> RoutePrefixes =>
        ["/v1/tasks", "/v1/comments", "/v1/projects/{projectId}/tasks", "/v1/projects/{projectId}/activity", "/v1/workspaces/{workspaceId}/tasks",
         "/v1/projects/{projectId}/views", "/v1/views", "/v1/workspaces/{workspaceId}/search", "/v1/attachments"];

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddServiceDb<TasksDb, SqliteTasksDb, PostgresTasksDb>(Name, ListVersions.Instance);
        var services = builder.Services;
        services.AddOpenApiExample(new CreateTask.Request("Write the release notes", "Cover the **new board** and the API changes.", null, "high",
            null, new DateOnly(2026, 12, 18), null, 3, null, null, null));
        services.AddOpenApiExample(new CommentRequest("Looks good, @ada@example.com: ship it."));
        services.AddScoped<CurrentAccess>();
        services.AddScoped<UserDirectory>();
        services.AddScoped<ProjectCopy>();
        services.AddScoped<LabelCopy>();
        services.AddScoped<WorkspaceAccess>();
        services.AddScoped<ProjectOwner>();
        services.AddProjectsLookup<TasksDb>(Name);
        services.AddOptions<TaskListCacheOptions>().BindConfiguration(TaskListCacheOptions.Section)
            .Validate(o => o.MaxMegabytes >= 0, "Tasks:ListCache:MaxMegabytes must be 0 (off) or more.").ValidateOnStart();
        services.AddSingleton<TaskListCache>();
        services.AddHostedService<DueReminders>();
        services.AddWorkspaceMembershipCopy<TasksDb>(Name);
        services.AddEventHandler<TasksDb, UserRegistered, UserRegisteredHandler>(Name);
        services.AddEventHandler<TasksDb, TaskFlow.Identity.Contracts.UserDeleted, Consumers.UserDeletedHandler>(Name);
        services.AddEventHandler<TasksDb, UserProfileUpdated, UserProfileUpdatedHandler>(Name);
        services.AddEventHandler<TasksDb, ProjectCreated, ProjectCreatedHandler>(Name);
        services.AddEventHandler<TasksDb, ProjectUpdated, ProjectUpdatedHandler>(Name);
        services.AddEventHandler<TasksDb, ProjectArchived, ProjectArchivedHandler>(Name);
        services.AddEventHandler<TasksDb, ProjectUnarchived, ProjectUnarchivedHandler>(Name);
        services.AddEventHandler<TasksDb, ProjectDeleted, ProjectDeletedHandler>(Name);
        services.AddEventHandler<TasksDb, ProjectMemberAdded, ProjectMemberAddedHandler>(Name);
        services.AddEventHandler<TasksDb, ProjectMemberRoleChanged, ProjectMemberRoleChangedHandler>(Name);
        services.AddEventHandler<TasksDb, ProjectMemberRemoved, ProjectMemberRemovedHandler>(Name);
        services.AddEventHandler<TasksDb, WorkflowChanged, WorkflowChangedHandler>(Name);
        services.AddEventHandler<TasksDb, WorkflowStatusRemoved, WorkflowStatusRemovedHandler>(Name);
        services.AddEventHandler<TasksDb, LabelCreated, LabelCreatedHandler>(Name);
        services.AddEventHandler<TasksDb, LabelUpdated, LabelUpdatedHandler>(Name);
        services.AddEventHandler<TasksDb, LabelDeleted, LabelDeletedHandler>(Name);
        services.AddEventHandler<TasksDb, CycleCreated, CycleCreatedHandler>(Name);
        services.AddEventHandler<TasksDb, CycleUpdated, CycleUpdatedHandler>(Name);
        services.AddEventHandler<TasksDb, CycleDeleted, CycleDeletedHandler>(Name);
        AddAttachmentsAndLinks(builder);
    }

    void AddAttachmentsAndLinks(IHostApplicationBuilder builder)
    {
        builder.AddFileStorage();
        builder.Services.AddOptions<AttachmentOptions>().BindConfiguration(AttachmentOptions.Section)
            .Validate(o => o.MaxBytes > 0, "Tasks:Attachments:MaxBytes must be positive.").ValidateOnStart();
        builder.Services.AddScoped<AttachmentCleanup>();
        builder.Services.AddEventHandler<TasksDb, TaskDeleted, TaskDeletedAttachmentsHandler>(Name);
        builder.Services.AddEventHandler<TasksDb, ProjectDeleted, ProjectDeletedAttachmentsHandler>(Name);
        builder.Services.AddEventHandler<TasksDb, ExternalLinkReported, ExternalLinkReportedHandler>(Name);
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var project = app.MapProjectTasksGroup().WithTags("Tasks");
        CreateTask.Map(project);
        ListTasks.Map(project);
        ListActivity.MapForProject(project);
        ExportTasks.Map(project);
        ImportTasks.Map(project);
        SavedViews.Map(project, app);
        TaskSearch.Map(app);
        AuthoredByMe.Map(app);
        BulkUpdate.Map(project);

        var workspace = app.MapWorkspaceGroup().WithTags("Tasks");
        ListTasks.MapForWorkspace(workspace);

        var task = app.MapTaskGroup().WithTags("Tasks");
        GetTask.Map(task);
        UpdateTask.Map(task);
        DeleteTask.Map(task);
        MoveTask.Map(task);
        ListActivity.MapForTask(task);
        Relations.Map(task);
        Attachments.Map(task, app.MapAttachmentGroup().WithTags("Attachments"));
        Links.Map(task);
        Watchers.Map(task);

        var comment = app.MapCommentGroup().WithTags("Comments");
        Comments.Map(task, comment);
    }
}
