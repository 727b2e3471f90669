using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>
/// The caller's part of "Download my data" (docs/adr/0030): the tasks they created and the comments they wrote, in the
/// projects they can still read (what a workspace has since taken away from them stays the workspace's), oldest first.
/// </summary>
internal static class AuthoredByMe
{
    internal sealed record AuthoredTask(Guid Id, Guid ProjectId, string Key, string Title, string? Description, DateTime CreatedAt);

    internal sealed record AuthoredComment(Guid Id, Guid TaskId, string TaskKey, Guid ProjectId, string Body, DateTime CreatedAt, DateTime? EditedAt);

    internal sealed record Response(AuthoredTask[] Tasks, AuthoredComment[] Comments);

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet("/v1/tasks/authored-by-me", Handle)
            .RequireAuthorization()
            .WithTags("Tasks")
            .WithName("AuthoredByMe")
            .WithSummary("Tasks and comments you wrote")
            .WithDescription("For your data export: every task you created and every comment you wrote, in projects you can still read, oldest first.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

    static async Task<Ok<Response>> Handle(ClaimsPrincipal user, TasksDb db, CancellationToken ct)
    {
        var userId = user.UserId();
        var readable = db.Projects.AsNoTracking().Where(p => !p.Deleted
            && db.WorkspaceMembers.Any(m => m.WorkspaceId == p.WorkspaceId && m.UserId == userId && m.Active
                && (!p.Private || m.Role == WorkspaceRole.Owner || m.Role == WorkspaceRole.Admin
                    || db.ProjectMembers.Any(pm => pm.ProjectId == p.Id && pm.UserId == userId && pm.Active))))
            .Select(p => p.Id);
        var tasks = await db.Tasks.AsNoTracking()
            .Where(t => t.ReporterId == userId && readable.Contains(t.ProjectId))
            .OrderBy(t => t.CreatedAt).ThenBy(t => t.Id)
            .Select(t => new AuthoredTask(t.Id, t.ProjectId, t.Key, t.Title, t.Description, t.CreatedAt))
            .ToArrayAsync(ct);
        var comments = await (
                from c in db.Comments.AsNoTracking()
                join t in db.Tasks on c.TaskId equals t.Id
                where c.AuthorId == userId && readable.Contains(c.ProjectId)
                orderby c.CreatedAt, c.Id
                select new AuthoredComment(c.Id, c.TaskId, t.Key, c.ProjectId, c.Body, c.CreatedAt, c.EditedAt))
            .ToArrayAsync(ct);
        return TypedResults.Ok(new Response(tasks, comments));
    }
}
