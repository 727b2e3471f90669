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
            .WithDescription("Any member of the project's workspace for a workspace-visible project; for a private one only its members and workspace owners/admins (others get 404). Carries the caller's effective role and the visibility.");

    static Ok<ProjectResponse> Handle(CurrentAccess access) => TypedResults.Ok(ProjectResponse.From(access.Project, access.ProjectRole));
}
