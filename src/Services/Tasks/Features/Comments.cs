using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Tasks.Data;
using TaskFlow.Tasks.Contracts;

namespace TaskFlow.Tasks.Features;

/// <summary>A comment on a task.</summary>
/// <param name="Id">Comment id.</param>
/// <param name="TaskId">The task.</param>
/// <param name="AuthorId">Who wrote it.</param>
/// <param name="Body">Markdown, 1–10000 characters.</param>
/// <param name="CreatedAt">When it was written (UTC).</param>
/// <param name="EditedAt">Last edit (UTC), if any.</param>
internal sealed record CommentResponse(Guid Id, Guid TaskId, Guid AuthorId, string Body, DateTime CreatedAt, DateTime? EditedAt)
{
    public static CommentResponse From(Comment c) => new(c.Id, c.TaskId, c.AuthorId, c.Body, c.CreatedAt, c.EditedAt);
}

/// <summary>A comment's text.</summary>
/// <param name="Body">Markdown, 1–10000 characters. <c>@email</c> or <c>[@Name](mailto:email)</c> mentions a member who can see the project.</param>
internal sealed record CommentRequest([property: RequiredInSchema] string? Body);

internal static partial class Comments
{
    /// <summary>
    /// <c>@email</c>, or a Markdown link <c>[@Name](mailto:email)</c>: the web app writes mentions in that form so the
    /// comment shows the person's name.
    /// </summary>
    [GeneratedRegex(@"(?<![\w.+-])@(?<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})|\[@[^\]\r\n]{1,200}\]\(mailto:(?<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})\)")]
    private static partial Regex Mention();

    public static void Map(RouteGroupBuilder task, RouteGroupBuilder comment)
    {
        task.MapPost("/comments", Add)
            .RequireProjectRole(ProjectRole.Member)
            .WithName("AddComment")
            .WithSummary("Comment on a task")
            .WithDescription("Project members and admins. The author starts watching the task. @email mentions of members who can see the project publish MemberMentioned.");
        task.MapGet("/comments", List)
            .WithName("ListComments")
            .WithSummary("A task's comments, oldest first");
        comment.MapPatch("", Edit)
            .RequireProjectRole(ProjectRole.Member)
            .WithName("EditComment")
            .WithSummary("Edit your comment")
            .WithDescription("Only the author (403 not-your-comment otherwise). A changed text is recorded in the task's activity (field comment, old → new excerpt) and publishes CommentEdited; new mentions publish MemberMentioned.");
        comment.MapDelete("", Delete)
            .RequireProjectRole(ProjectRole.Member)
            .WithName("DeleteComment")
            .WithSummary("Delete a comment")
            .WithDescription("The author, or a project admin. Recorded in the task's activity (field comment); publishes CommentDeleted.");
    }

    static string? Validate(CommentRequest request, out ValidationProblem? problem)
    {
        var body = request.Body;
        problem = string.IsNullOrWhiteSpace(body) || body.Length > TaskFields.CommentMax
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"The comment must be 1–{TaskFields.CommentMax} characters."] })
            : null;
        return body;
    }

    static async Task<Results<Created<CommentResponse>, ValidationProblem>> Add(CommentRequest request, CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var body = Validate(request, out var problem);
        if (problem is not null) return problem;
        var task = access.Task!;
        var now = Clock.UtcNow();
        var comment = new Comment { Id = Guid.CreateVersion7(), TaskId = task.Id, ProjectId = task.ProjectId, AuthorId = access.UserId, Body = body!, CreatedAt = now };
        db.Comments.Add(comment);
        TaskFields.Watch(task, access.UserId, now);
        var mentioned = await PublishMentions(db, access, comment, (task.Key, task.Title), [], ct);
        db.Publish(new CommentAdded(comment.Id, task.Id, task.ProjectId, access.UserId, access.Project.WorkspaceId, task.Key, task.Title,
            TaskNews.Excerpt(comment.Body), TaskFields.WatcherIds(task), [.. mentioned]));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/v1/comments/{comment.Id}", CommentResponse.From(comment));
    }

    static async Task<Ok<List<CommentResponse>>> List(CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var taskId = access.Task!.Id;
        var comments = await db.Comments.AsNoTracking().Where(c => c.TaskId == taskId).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(ct);
        return TypedResults.Ok(comments.Select(CommentResponse.From).ToList());
    }

    static async Task<Results<Ok<CommentResponse>, ValidationProblem, ProblemHttpResult>> Edit(CommentRequest request, CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var comment = access.Comment!;
        if (comment.AuthorId != access.UserId) return Problems.NotYourComment();
        var body = Validate(request, out var problem);
        if (problem is not null) return problem;
        var before = await MentionedUsers(db, access.Project, comment.Body, ct);
        var task = await db.Tasks.AsNoTracking().Where(t => t.Id == comment.TaskId).Select(t => new { t.Key, t.Title }).SingleAsync(ct);
        var now = Clock.UtcNow();
        if (comment.Body != body)
        {
            TaskLog.Record(db, comment.ProjectId, comment.TaskId, access.UserId, now, "comment", TaskNews.Excerpt(comment.Body), TaskNews.Excerpt(body!));
            db.Publish(new CommentEdited(comment.Id, comment.TaskId, comment.ProjectId, comment.AuthorId, access.Project.WorkspaceId));
        }
        comment.Body = body!;
        comment.EditedAt = now;
        await PublishMentions(db, access, comment, (task.Key, task.Title), before, ct);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(CommentResponse.From(comment));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var comment = access.Comment!;
        if (comment.AuthorId != access.UserId && access.Role != ProjectRole.Admin) return Problems.NotYourComment();
        db.Comments.Remove(comment);
        TaskLog.Record(db, comment.ProjectId, comment.TaskId, access.UserId, Clock.UtcNow(), "comment", TaskNews.Excerpt(comment.Body), null);
        db.Publish(new CommentDeleted(comment.Id, comment.TaskId, comment.ProjectId, access.UserId, access.Project.WorkspaceId));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>Publishes MemberMentioned once per member newly mentioned (not the author, not <paramref name="already"/>); returns them.</summary>
    static async Task<List<Guid>> PublishMentions(TasksDb db, CurrentAccess access, Comment comment, (string Key, string Title) task, IReadOnlyCollection<Guid> already, CancellationToken ct)
    {
        var mentioned = new List<Guid>();
        foreach (var userId in await MentionedUsers(db, access.Project, comment.Body, ct))
        {
            if (userId == access.UserId || already.Contains(userId)) continue;
            db.Publish(new MemberMentioned(comment.TaskId, comment.ProjectId, comment.Id, userId, access.UserId, access.Project.WorkspaceId, task.Key, task.Title));
            mentioned.Add(userId);
        }
        return mentioned;
    }

    /// <summary>Users named by <c>@email</c> who are active members of the project's workspace (so can see the project).</summary>
    static async Task<List<Guid>> MentionedUsers(TasksDb db, KnownProject project, string body, CancellationToken ct)
    {
        var emails = Mention().Matches(body).Select(m => m.Groups["email"].Value.TrimEnd('.').ToLowerInvariant()).Distinct().ToArray();
        if (emails.Length == 0) return [];
        return await db.Users.AsNoTracking()
            .Where(u => emails.Contains(u.NormalizedEmail))
            .Where(u => db.WorkspaceMembers.Any(m => m.WorkspaceId == project.WorkspaceId && m.UserId == u.Id && m.Active))
            .Select(u => u.Id)
            .ToListAsync(ct);
    }
}
