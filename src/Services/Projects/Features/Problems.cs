using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TaskFlow.Projects.Features;

/// <summary>The domain errors of this service, each with a stable <c>type</c> clients can switch on.</summary>
internal static class Problems
{
    const string Base = "https://taskflow.dev/problems/";

    public static ProblemHttpResult WorkspaceNotFound() => Make(StatusCodes.Status404NotFound, "workspace-not-found",
        "Workspace not found.", "No workspace exists at this address, or you are not a member of it.");

    public static ProblemHttpResult ProjectNotFound() => Make(StatusCodes.Status404NotFound, "project-not-found",
        "Project not found.", "No project exists at this address, or you are not a member of its workspace.");

    public static ProblemHttpResult InsufficientRole(string detail) => Make(StatusCodes.Status403Forbidden, "insufficient-role",
        "Your role does not allow this.", detail);

    public static ProblemHttpResult ProjectArchived() => Make(StatusCodes.Status409Conflict, "project-archived",
        "The project is archived.", "An archived project is read-only. Unarchive it first.");

    public static ProblemHttpResult KeyTaken(string key) => Make(StatusCodes.Status409Conflict, "project-key-taken",
        "The project key is taken.", $"Another project in this workspace already uses the key {key}.");

    public static ProblemHttpResult AlreadyProjectMember() => Make(StatusCodes.Status409Conflict, "already-project-member",
        "Already a project member.", "This user is already a member of the project. Change their role instead.");

    public static ProblemHttpResult ProjectMemberNotFound() => Make(StatusCodes.Status404NotFound, "project-member-not-found",
        "Project member not found.", "This user is not a member of the project.");

    public static ProblemHttpResult StatusNotFound() => Make(StatusCodes.Status404NotFound, "status-not-found",
        "Status not found.", "The project has no status with this id.");

    public static ProblemHttpResult StatusNameTaken(string name) => Make(StatusCodes.Status409Conflict, "status-name-taken",
        "The status name is taken.", $"The project already has a status named {name}.");

    public static ProblemHttpResult LastStatus() => Make(StatusCodes.Status409Conflict, "last-status",
        "A project needs a status.", "The last status of a project cannot be removed.");

    public static ProblemHttpResult LabelNotFound() => Make(StatusCodes.Status404NotFound, "label-not-found",
        "Label not found.", "The project has no label with this id.");

    public static ProblemHttpResult LabelNameTaken(string name) => Make(StatusCodes.Status409Conflict, "label-name-taken",
        "The label name is taken.", $"The project already has a label named {name}.");

    public static ProblemHttpResult CycleNotFound() => Make(StatusCodes.Status404NotFound, "cycle-not-found",
        "Cycle not found.", "The project has no cycle with this id.");

    static ProblemHttpResult Make(int status, string slug, string title, string detail) =>
        TypedResults.Problem(statusCode: status, type: Base + slug, title: title, detail: detail);
}
