using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Integrations.Contracts;

/// <summary>
/// An external item (a GitHub pull request or commit) mentions a task by its key. The tasks service stores the link on
/// the task (upsert by task, provider and external id) and, when <paramref name="MoveToStatusId"/> is set, moves the task
/// to the bottom of that status column as the system.
/// </summary>
/// <param name="ProjectId">The project whose GitHub integration received the payload.</param>
/// <param name="WorkspaceId">Its workspace.</param>
/// <param name="TaskKey">e.g. WEB-12 (the project's key in upper case).</param>
/// <param name="Provider">github.</param>
/// <param name="Kind">pull_request or commit.</param>
/// <param name="ExternalId">owner/repo#number for a pull request, the commit SHA for a commit.</param>
/// <param name="Url">Link to the item on GitHub.</param>
/// <param name="Title">Pull request title, or the commit message's first line.</param>
/// <param name="State">open, closed, merged or committed.</param>
/// <param name="MoveToStatusId">Set only when a pull request was merged and the project asked to move its tasks then.</param>
public sealed record ExternalLinkReported(
    Guid ProjectId, Guid WorkspaceId, string TaskKey, string Provider, string Kind, string ExternalId, string Url, string Title, string State, Guid? MoveToStatusId) : IntegrationEvent;
