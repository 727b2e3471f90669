using TaskFlow.BuildingBlocks.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Workspaces.Consumers;
using TaskFlow.Workspaces.Data;
using TaskFlow.Workspaces.Features;
using TaskFlow.Identity.Contracts;

namespace TaskFlow.Workspaces;

/// <summary>Workspaces (the tenants): membership with roles, and invitations by email.</summary>
public sealed class WorkspacesModule : IServiceModule
{
    public string Name => "workspaces";

    public IReadOnlyList<string> RoutePrefixes => ["/v1/workspaces", "/v1/invitations"];

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApiExample(new CreateWorkspace.Request("Acme Engineering"));
        builder.Services.AddOpenApiExample(new CreateInvitation.Request("grace@example.com", "member"));
        builder.AddServiceDb<WorkspacesDb, SqliteWorkspacesDb, PostgresWorkspacesDb>(Name);
        builder.Services.AddOptions<WorkspacesOptions>()
            .BindConfiguration(WorkspacesOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddScoped<CurrentMembership>();
        builder.Services.AddSingleton<IWorkspaceMembershipSource, MembershipSource>();
        builder.Services.AddEventHandler<WorkspacesDb, UserProfileUpdated, UserProfileUpdatedHandler>(Name);
    }

    /// <summary>
    /// The membership writes answer, all-in-one, only once the other services' copies have them (a removed member is out
    /// everywhere at once); see docs/adr/0005.
    /// </summary>
    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var workspaces = app.MapGroup("/v1/workspaces").WithTags("Workspaces").RequireAuthorization()
            .ProducesProblemForUnauthorized();
        CreateWorkspace.Map(workspaces).WaitForLocalConsumers<WorkspacesDb, RouteHandlerBuilder>();
        ListWorkspaces.Map(workspaces);

        var workspace = workspaces.MapWorkspaceGroup();
        GetWorkspace.Map(workspace);
        RenameWorkspace.Map(workspace);
        DeleteWorkspace.Map(workspace).WaitForLocalConsumers<WorkspacesDb, RouteHandlerBuilder>();
        ListMembers.Map(workspace);
        ChangeMemberRole.Map(workspace).WaitForLocalConsumers<WorkspacesDb, RouteHandlerBuilder>();
        RemoveMember.Map(workspace).WaitForLocalConsumers<WorkspacesDb, RouteHandlerBuilder>();
        CreateInvitation.Map(workspace);
        ListInvitations.Map(workspace);
        RevokeInvitation.Map(workspace);
        ResendInvitation.Map(workspace);

        var invitations = app.MapGroup("/v1/invitations").WithTags("Invitations").RequireAuthorization()
            .ProducesProblemForUnauthorized();
        ListMyInvitations.Map(invitations);
        AcceptInvitation.Map(invitations).WaitForLocalConsumers<WorkspacesDb, RouteHandlerBuilder>();
    }
}

static class OpenApiConventions
{
    public static RouteGroupBuilder ProducesProblemForUnauthorized(this RouteGroupBuilder group) =>
        group.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized));
}
