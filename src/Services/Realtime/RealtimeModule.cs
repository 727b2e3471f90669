using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Realtime.Consumers;
using TaskFlow.Realtime.Data;
using TaskFlow.Realtime.Hub;
using TaskFlow.Workspaces.Contracts;
using TaskFlow.Projects.Contracts;
using TaskFlow.Tasks.Contracts;
using TaskFlow.Notifications.Contracts;

namespace TaskFlow.Realtime;

/// <summary>
/// Realtime: the SignalR hub <c>/v1/realtime/hub</c> that pushes project events, notifications and unread counts to
/// connected clients. In process all-in-one; across instances through Redis when <c>Redis:Configuration</c> is set.
/// </summary>
public sealed class RealtimeModule : IServiceModule
{
    public const string HubPath = "/v1/realtime/hub";

    public string Name => "realtime";

    public IReadOnlyList<string> RoutePrefixes => ["/v1/realtime"];

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddServiceDb<RealtimeDb, SqliteRealtimeDb, PostgresRealtimeDb>(Name);
        var services = builder.Services;

        var signalR = services.AddSignalR();
        if (builder.Configuration["Redis:Configuration"] is { Length: > 0 } redis)
        {
            var options = ConfigurationOptions.Parse(redis);
            options.ChannelPrefix = RedisChannel.Literal(builder.Configuration["Realtime:ChannelPrefix"] is { Length: > 0 } p ? p : "taskflow");
            // Keep reconnecting in the background instead of failing for good when Redis is down at start-up.
            options.AbortOnConnectFail = false;
            var backplane = new RedisBackplane(options);
            services.AddSingleton(backplane);
            signalR.AddStackExchangeRedis(o =>
            {
                o.Configuration = options;
                o.ConnectionFactory = backplane.Connect;
            });
            services.AddSingleton<Revocations>();
            services.AddHostedService(sp => sp.GetRequiredService<Revocations>());
            services.AddHealthChecks().AddCheck<RedisBackplane.HealthCheck>("redis", tags: ["ready"]);
        }
        services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        services.AddSingleton<ProjectGroups>();
        services.AddMemoryCache();
        services.AddSingleton<ConnectionOwners>();
        services.AddSingleton(sp => new SessionConnections(
            sp.GetRequiredService<BuildingBlocks.Web.RevokedSessions>(), sp.GetRequiredService<ProjectGroups>(), sp.GetService<BuildingBlocks.Web.SharedRevocations>()));
        services.AddHostedService(sp => sp.GetRequiredService<SessionConnections>());
        services.AddSingleton<Pusher>();
        services.AddScoped<AccessCopy>();

        // Browsers cannot set headers on WebSocket (and server-sent events) requests: SignalR sends the token as ?access_token=.
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
        {
            var previous = o.Events.OnMessageReceived;
            o.Events.OnMessageReceived = async context =>
            {
                await previous(context);
                if (context.Token is null && context.HttpContext.Request.Path.StartsWithSegments(HubPath)
                    && context.Request.Query["access_token"] is [{ Length: > 0 } token])
                    context.Token = token;
            };
        });
        // The request-start log line carries the query string, i.e. the hub's access token: never below Warning here.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        services.AddWorkspaceMembershipCopy<RealtimeDb, MembershipHooks>(Name);
        services.AddProjectsLookup<RealtimeDb>(Name);
        services.AddEventHandler<RealtimeDb, ProjectCreated, ProjectCreatedHandler>(Name);
        services.AddEventHandler<RealtimeDb, ProjectUpdated, ProjectUpdatedHandler>(Name);
        services.AddEventHandler<RealtimeDb, ProjectDeleted, ProjectDeletedHandler>(Name);
        services.AddEventHandler<RealtimeDb, ProjectMemberAdded, ProjectMemberAddedHandler>(Name);
        services.AddEventHandler<RealtimeDb, ProjectMemberRoleChanged, ProjectMemberRoleChangedHandler>(Name);
        services.AddEventHandler<RealtimeDb, ProjectMemberRemoved, ProjectMemberRemovedHandler>(Name);

        services.AddProjectPush<TaskCreated>(Name, e => new(e.ProjectId, e.TaskId, e.ReporterId));
        services.AddProjectPush<TaskUpdated>(Name, e => new(e.ProjectId, e.TaskId, e.ActorId));
        services.AddProjectPush<TaskMoved>(Name, e => new(e.ProjectId, e.TaskId, e.ActorId));
        services.AddProjectPush<TaskAssigned>(Name, e => new(e.ProjectId, e.TaskId, e.ActorId));
        services.AddProjectPush<TaskUnassigned>(Name, e => new(e.ProjectId, e.TaskId, e.ActorId));
        services.AddProjectPush<TaskDeleted>(Name, e => new(e.ProjectId, e.TaskId, e.ActorId));
        services.AddProjectPush<CommentAdded>(Name, e => new(e.ProjectId, e.TaskId, e.AuthorId));
        services.AddProjectPush<CommentEdited>(Name, e => new(e.ProjectId, e.TaskId, e.AuthorId));
        services.AddProjectPush<CommentDeleted>(Name, e => new(e.ProjectId, e.TaskId, e.ActorId));
        services.AddProjectPush<AttachmentAdded>(Name, e => new(e.ProjectId, e.TaskId, e.ActorId));
        services.AddProjectPush<AttachmentDeleted>(Name, e => new(e.ProjectId, e.TaskId, e.ActorId));
        services.AddProjectPush<WorkflowChanged>(Name, e => new(e.ProjectId, null, null));
        services.AddProjectPush<ProjectArchived>(Name, e => new(e.ProjectId, null, null));
        services.AddPush(Name, nameof(NotificationCreated), (pusher, envelope, ct) => pusher.Notification(envelope, ct));
        services.AddPush(Name, nameof(UnreadCountChanged), (pusher, envelope, ct) => pusher.UnreadCount(envelope, ct));
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        // Connections end when their access token expires: the client reconnects with a fresh token and joins again,
        // which re-checks access (this also bounds how long a removed member's connection on another instance lives).
        var owners = app.ServiceProvider.GetRequiredService<ConnectionOwners>();
        var hub = app.MapHub<RealtimeHub>(HubPath, o => o.CloseOnAuthenticationExpiration = true)
            .RequireAuthorization()
            .ExcludeFromDescription();
        hub.Add(endpoint =>
        {
            var connection = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = http => owners.Guard(http, connection);
        });
    }
}
