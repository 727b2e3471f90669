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
        services.AddScoped<MembershipCopy>();
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

        services.AddEventHandler<IntegrationsDb, WorkspaceCreated, WorkspaceCreatedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, MemberAdded, MemberAddedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, MemberRoleChanged, MemberRoleChangedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, MemberRemoved, MemberRemovedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, WorkspaceDeleted, WorkspaceDeletedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, ProjectCreated, ProjectCreatedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, ProjectUpdated, ProjectUpdatedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, ProjectArchived, ProjectArchivedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, ProjectUnarchived, ProjectUnarchivedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, ProjectDeleted, ProjectDeletedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, TaskCreated, TaskCreatedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, TaskUpdated, TaskUpdatedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, TaskMoved, TaskMovedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, TaskAssigned, TaskAssignedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, TaskUnassigned, TaskUnassignedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, TaskDeleted, TaskDeletedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, CommentAdded, CommentAddedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, CommentEdited, CommentEditedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, CommentDeleted, CommentDeletedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, AttachmentAdded, AttachmentAddedHandler>(Name);
        services.AddEventHandler<IntegrationsDb, AttachmentDeleted, AttachmentDeletedHandler>(Name);
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
