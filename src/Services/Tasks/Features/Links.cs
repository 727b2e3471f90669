using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>A link from an external system to the task.</summary>
/// <param name="Id">Link id.</param>
/// <param name="Provider">Where it comes from: <c>github</c>.</param>
/// <param name="Kind"><c>pull_request</c> or <c>commit</c>.</param>
/// <param name="ExternalId">The provider's id (e.g. <c>owner/repo#12</c> or a commit sha).</param>
/// <param name="Url">Where to see it.</param>
/// <param name="Title">Pull request title or commit message line.</param>
/// <param name="State"><c>open</c>, <c>closed</c>, <c>merged</c> or <c>committed</c>.</param>
/// <param name="CreatedAt">First reported (UTC).</param>
/// <param name="UpdatedAt">Last changed (UTC).</param>
internal sealed record LinkResponse(Guid Id, string Provider, string Kind, string ExternalId, string Url, string Title, string State, DateTime CreatedAt, DateTime UpdatedAt);

internal static class Links
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder task) =>
        task.MapGet("/links", List)
            .WithName("ListTaskLinks")
            .WithSummary("A task's external links (GitHub pull requests and commits), oldest first");

    static async Task<Ok<List<LinkResponse>>> List(CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var taskId = access.Task!.Id;
        return TypedResults.Ok(await db.Links.AsNoTracking().Where(l => l.TaskId == taskId)
            .OrderBy(l => l.CreatedAt).ThenBy(l => l.Id)
            .Select(l => new LinkResponse(l.Id, l.Provider, l.Kind, l.ExternalId, l.Url, l.Title, l.State, l.CreatedAt, l.UpdatedAt))
            .ToListAsync(ct));
    }
}
