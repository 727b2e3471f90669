using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TaskFlow.Tasks.Features;

/// <summary>The domain errors of this service, each with a stable <c>type</c> clients can switch on.</summary>
internal static class Problems
{
    const string Base = "https://taskflow.dev/problems/";

    public static ProblemHttpResult ProjectNotFound() => Make(StatusCodes.Status404NotFound, "project-not-found",
        "Project not found.", "No project exists at this address, or you are not a member of its workspace.");

    public static ProblemHttpResult WorkspaceNotFound() => Make(StatusCodes.Status404NotFound, "workspace-not-found",
        "Workspace not found.", "No workspace exists at this address, or you are not a member of it.");

    public static ProblemHttpResult TasksChanged() => Make(StatusCodes.Status409Conflict, "tasks-changed",
        "Tasks changed meanwhile.", "Some of the tasks changed while the bulk update ran; nothing was changed. Retry.");

    public static ProblemHttpResult TaskNotFound() => Make(StatusCodes.Status404NotFound, "task-not-found",
        "Task not found.", "No task exists at this address, or you cannot see its project.");

    public static ProblemHttpResult CommentNotFound() => Make(StatusCodes.Status404NotFound, "comment-not-found",
        "Comment not found.", "No comment exists at this address, or you cannot see its project.");

    public static ProblemHttpResult InsufficientRole(string detail) => Make(StatusCodes.Status403Forbidden, "insufficient-role",
        "Your role does not allow this.", detail);

    public static ProblemHttpResult NotYourComment() => Make(StatusCodes.Status403Forbidden, "not-your-comment",
        "Not your comment.", "Only its author can edit a comment; only its author or a project admin can delete it.");

    public static ProblemHttpResult ProjectArchived() => Make(StatusCodes.Status409Conflict, "project-archived",
        "The project is archived.", "An archived project is read-only. Unarchive it first.");

    public static ProblemHttpResult NoWorkflow() => Make(StatusCodes.Status409Conflict, "workflow-unknown",
        "The project's workflow is not known yet.", "The project's statuses have not reached the tasks service yet. Retry shortly.");

    public static ProblemHttpResult ParentCycle() => Make(StatusCodes.Status409Conflict, "parent-cycle",
        "That parent would make a cycle.", "A task cannot be its own ancestor.");

    public static ProblemHttpResult HasSubtasks() => Make(StatusCodes.Status409Conflict, "task-has-subtasks",
        "The task has subtasks.", "Delete or re-parent its subtasks first.");

    public static ProblemHttpResult RelationNotFound() => Make(StatusCodes.Status404NotFound, "relation-not-found",
        "Relation not found.", "This task has no relation with that id.");

    public static ProblemHttpResult RelationExists() => Make(StatusCodes.Status409Conflict, "relation-exists",
        "The relation already exists.", "These two tasks already have this relation.");

    public static ProblemHttpResult BlockingCycle() => Make(StatusCodes.Status409Conflict, "blocking-cycle",
        "That relation would make a blocking cycle.", "A task cannot, directly or through others, block itself.");

    public static ProblemHttpResult PreconditionRequired() => Make(StatusCodes.Status428PreconditionRequired, "precondition-required",
        "If-Match is required.", "Send the task's ETag (from GET) in If-Match so a concurrent change is not overwritten.");

    public static ProblemHttpResult PreconditionFailed() => Make(StatusCodes.Status412PreconditionFailed, "precondition-failed",
        "The task changed.", "The task changed since you read it. GET it again and retry with the new ETag.");

    static ProblemHttpResult Make(int status, string slug, string title, string detail) =>
        TypedResults.Problem(statusCode: status, type: Base + slug, title: title, detail: detail);
}
