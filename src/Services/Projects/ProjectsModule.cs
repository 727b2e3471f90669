using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.BuildingBlocks.Membership;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Projects.Consumers;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Features;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.Projects;

/// <summary>Projects: project settings, project members, workflow statuses, labels and cycles.</summary>
public sealed class ProjectsModule : IServiceModule
{
    public string Name => "projects";

    /// <summary>
    /// <c>/v1/projects</c>, and the project list/creation under a workspace. The second entry is a route pattern:
    /// the gateway gives patterns precedence over plain prefixes, so it wins over the workspaces service's <c>/v1/workspaces</c>.
    /// </summary>
    public IReadOnlyList<string> RoutePrefixes => ["/v1/projects", "/v1/workspaces/{workspaceId}/projects"];

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddServiceDb<ProjectsDb, SqliteProjectsDb, PostgresProjectsDb>(Name);
        builder.Services.AddScoped<CurrentAccess>();
        builder.Services.AddWorkspaceMembershipCopy<ProjectsDb, MembershipHooks>(Name);
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        // All-in-one, every write answers once the in-process copies (tasks, realtime, reporting…) have it: a task can be
        // added to a project, label or status the moment it was created (docs/adr/0005). Reads publish nothing and never wait.
        var workspaceProjects = app.MapWorkspaceProjectsGroup().WithTags("Projects").RequireAuthorization().ProducesProblemForUnauthorized()
            .WaitForLocalConsumers<ProjectsDb, RouteGroupBuilder>();
        CreateProject.Map(workspaceProjects);
        ListProjects.Map(workspaceProjects);

        var project = app.MapProjectGroup().WithTags("Projects").RequireAuthorization().ProducesProblemForUnauthorized()
            .WaitForLocalConsumers<ProjectsDb, RouteGroupBuilder>();
        GetProject.Map(project);
        UpdateProject.Map(project);
        ArchiveProject.Map(project);
        UnarchiveProject.Map(project);
        DeleteProject.Map(project);

        ListProjectMembers.Map(project);
        AddProjectMember.Map(project);
        ChangeProjectMemberRole.Map(project);
        RemoveProjectMember.Map(project);

        ListStatuses.Map(project);
        AddStatus.Map(project);
        UpdateStatus.Map(project);
        ReorderStatuses.Map(project);
        RemoveStatus.Map(project);

        ListLabels.Map(project);
        CreateLabel.Map(project);
        UpdateLabel.Map(project);
        DeleteLabel.Map(project);

        ListCycles.Map(project);
        CreateCycle.Map(project);
        UpdateCycle.Map(project);
        DeleteCycle.Map(project);
    }
}

static class OpenApiConventions
{
    public static RouteGroupBuilder ProducesProblemForUnauthorized(this RouteGroupBuilder group) =>
        group.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized));
}
