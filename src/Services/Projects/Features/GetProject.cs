using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace TaskFlow.Projects.Features;

internal static class GetProject
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapGet("/", Handle)
            .WithName("GetProject")
            .WithSummary("Get a project")
            .WithDescription("Any member of the project's workspace (projects are visible to the whole workspace).");

    static Ok<ProjectResponse> Handle(CurrentAccess access) => TypedResults.Ok(ProjectResponse.From(access.Project, access.ProjectRole));
}
