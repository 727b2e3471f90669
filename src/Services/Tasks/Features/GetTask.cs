using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace TaskFlow.Tasks.Features;

internal static class GetTask
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder task) =>
        task.MapGet("", Handle)
            .WithName("GetTask")
            .WithSummary("Get a task")
            .WithDescription("Any workspace member who can see the project. The ETag header carries the task's version: send it as If-Match when changing the task.");

    static Ok<TaskResponse> Handle(CurrentAccess access, HttpContext http)
    {
        var task = access.Task!;
        http.Response.Headers.ETag = TaskResponse.ETag(task);
        return TypedResults.Ok(TaskResponse.From(task));
    }
}
