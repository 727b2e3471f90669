using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TaskFlow.Workspaces.Features;

/// <summary>The domain errors of this service, each with a stable <c>type</c> clients can switch on.</summary>
internal static class Problems
{
    const string Base = "https://taskflow.dev/problems/";

    public static ProblemHttpResult TooManyInvitations(HttpContext context, TimeSpan retryAfter, string who)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Make(StatusCodes.Status429TooManyRequests, "too-many-invitations", "Too many invitations.",
            $"In the last hour {who} as many invitation emails as allowed. Try again after the number of seconds in the Retry-After header.");
    }

    public static ProblemHttpResult WorkspaceNotFound() => Make(StatusCodes.Status404NotFound, "workspace-not-found",
        "Workspace not found.", "No workspace exists at this address, or you are not a member of it.");

    public static ProblemHttpResult InsufficientRole(string detail) => Make(StatusCodes.Status403Forbidden, "insufficient-role",
        "Your role in this workspace does not allow this.", detail);

    public static ProblemHttpResult MemberNotFound() => Make(StatusCodes.Status404NotFound, "member-not-found",
        "Member not found.", "This user is not a member of the workspace.");

    public static ProblemHttpResult LastOwner() => Make(StatusCodes.Status409Conflict, "last-owner",
        "A workspace needs an owner.", "The last owner cannot leave, be removed or be demoted. Make another member owner first, or delete the workspace.");

    public static ProblemHttpResult ConcurrentChange() => Make(StatusCodes.Status409Conflict, "concurrent-change",
        "The workspace changed meanwhile.", "Another change to the owners of this workspace happened at the same time. Reload and try again.");

    public static ProblemHttpResult AlreadyMember() => Make(StatusCodes.Status409Conflict, "already-member",
        "Already a member.", "This person is already a member of the workspace.");

    public static ProblemHttpResult InvitationNotFound() => Make(StatusCodes.Status404NotFound, "invitation-not-found",
        "Invitation not found.", "No pending invitation matches.");

    public static ProblemHttpResult InvitationGone(string status) => Make(StatusCodes.Status410Gone, "invitation-" + status,
        "The invitation can no longer be accepted.", $"The invitation is {status}. Ask for a new one.");

    public static ProblemHttpResult InvitationForSomeoneElse() => Make(StatusCodes.Status403Forbidden, "invitation-email-mismatch",
        "This invitation is for someone else.", "Sign in with the email address the invitation was sent to.");

    static ProblemHttpResult Make(int status, string slug, string title, string detail) =>
        TypedResults.Problem(statusCode: status, type: Base + slug, title: title, detail: detail);
}
