using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Integrations.Consumers;
using TaskFlow.Integrations.Data;
using TaskFlow.Integrations.Delivery;
using TaskFlow.Integrations.Features;
using TaskFlow.Workspaces.Contracts;
using TaskFlow.Projects.Contracts;
using TaskFlow.Tasks.Contracts;

namespace TaskFlow.Integrations;

/// <summary>Integrations: outgoing webhooks and Slack messages for workspace events, and incoming GitHub links to tasks.</summary>
public sealed class IntegrationsModule : IServiceModule
{
    public string Name => "integrations";

    /// <summary>The two pattern entries win (Order -1) over the workspaces and projects services' plain prefixes.</summary>
    public IReadOnlyList<string> RoutePrefixes => ["/v1/integrations", "/v1/workspaces/{workspaceId}/webhooks", "/v1/projects/{projectId}/integrations"];

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddServiceDb<IntegrationsDb, SqliteIntegrationsDb, PostgresIntegrationsDb>(Name);
        var services = builder.Services;
        services.AddOptions<IntegrationsOptions>().Bind(builder.Configuration.GetSection(IntegrationsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<NetworkGuard>();
        services.AddSingleton(sp => new SecretProtection(KeyRing.Create<IntegrationsDb>(sp, "TaskFlow.Integrations")));
        // After AddServiceDb's migration step, before the dispatcher: hosted services start in registration order.
        services.AddHostedService<EncryptSecretsOnStart>();
        services.AddScoped<CurrentAccess>();
        services.AddScoped<ProjectCopy>();
        services.AddScoped<WebhookFanOut>();

        services.AddHttpClient(DeliveryDispatcher.ClientName)
            // The default HttpClient logs write the request URL, and a Slack webhook URL is a credential.
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // Redirects are not followed (a redirect could point anywhere); no proxy, so the connect check sees the real target.
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                ConnectCallback = sp.GetRequiredService<NetworkGuard>().Connect,
                ConnectTimeout = sp.GetRequiredService<IOptions<IntegrationsOptions>>().Value.RequestTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            });
        services.AddHostedService<DeliveryDispatcher>();

        services.AddWorkspaceMembershipCopy<IntegrationsDb, MembershipHooks>(Name);
        services.AddEventHandler<IntegrationsDb, ProjectCreated, ProjectCreatedHandler>(Name);
        services.Forward<ProjectUpdated>(Name, e => (e.WorkspaceId, e.ProjectId));
        services.Forward<ProjectArchived>(Name, e => (e.WorkspaceId, e.ProjectId));
        services.Forward<ProjectUnarchived>(Name, e => (e.WorkspaceId, e.ProjectId));
        services.AddEventHandler<IntegrationsDb, ProjectDeleted, ProjectDeletedHandler>(Name);
        services.Forward<TaskCreated>(Name, e => (e.WorkspaceId, e.ProjectId));
        services.Forward<TaskUpdated>(Name, e => (e.WorkspaceId, e.ProjectId));
        services.Forward<TaskMoved>(Name, e => (e.WorkspaceId, e.ProjectId));
        services.Forward<TaskAssigned>(Name, e => (e.WorkspaceId, e.ProjectId));
        services.Forward<TaskUnassigned>(Name, e => (e.WorkspaceId, e.ProjectId));
        services.Forward<TaskDeleted>(Name, e => (e.WorkspaceId, e.ProjectId));
        services.Forward<CommentAdded>(Name, e => (e.WorkspaceId, e.ProjectId));
        services.Forward<CommentEdited>(Name, e => (e.WorkspaceId, e.ProjectId));
        services.Forward<CommentDeleted>(Name, e => (e.WorkspaceId, e.ProjectId));
        services.Forward<AttachmentAdded>(Name, e => (e.WorkspaceId, e.ProjectId));
        services.Forward<AttachmentDeleted>(Name, e => (e.WorkspaceId, e.ProjectId));
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var hooks = app.MapWorkspaceGroup("/webhooks").WithTags("Webhooks");
        Webhooks.Map(hooks);
        WebhookDeliveries.Map(hooks);

        var integrations = app.MapProjectGroup("/integrations").WithTags("Integrations");
        GitHubIntegration.Map(integrations);

        GitHubWebhook.Map(app);
    }
}
