using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TaskFlow.Tasks.Consumers;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>
/// Read-your-writes across the projects boundary when projects runs in another process (docs/adr/0005): a project,
/// membership, label or cycle this service's copy has not heard of yet is asked of the projects service, with the
/// caller's own token, before answering 404 or 400 (<see cref="ProjectsLookup{TDb}"/>: <c>Tasks:ProjectsUrl</c>, else
/// <c>Gateway:Services:projects</c>; unset all-in-one, where projects' writes wait for this copy).
/// </summary>
/// <remarks>
/// The access answer (the caller's effective role) serves this request only. What this service needs to keep working
/// with the project (the project row, its workflow, labels and cycles) is added to the copy when missing, stamped as
/// older than any event, so every event about the project still applies over it in any order and rows are never
/// overwritten by the snapshot: the copy ends as the events say, and until they come it holds what the owner answered.
/// </remarks>
internal sealed class ProjectOwner(ProjectsLookup<TasksDb> projects, IServiceScopeFactory scopes, ILogger<ProjectOwner> logger)
{
    /// <summary>The projects service's view of one project for the caller, with the role as this service names it.</summary>
    internal sealed record Answer(Guid WorkspaceId, string Key, bool Archived, string Visibility, ProjectRole Role);

    static readonly DateTime Oldest = DateTime.MinValue.ToUniversalTime();

    public bool Configured => projects.Configured;

    /// <summary>The project as the projects service shows it to the caller, or null (not visible to them, unknown, or unreachable).</summary>
    public async Task<Answer?> Ask(HttpContext http, Guid projectId, CancellationToken ct) =>
        await projects.Project(CallerToken.Of(http), projectId, ct) is { } project && ParseRole(project.Role) is { } role
            ? new Answer(project.WorkspaceId, project.Key, project.Archived, project.Visibility, role)
            : null;

    /// <summary>Adds the project, its counter, workflow, labels and cycles to the copy where missing (a row an event wrote stays as it is).</summary>
    public async Task CopyIn(HttpContext http, Guid projectId, Answer project, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TasksDb>();
        var copy = scope.ServiceProvider.GetRequiredService<ProjectCopy>();
        var known = await copy.Project(projectId, project.WorkspaceId, ct);
        if (known.Deleted) return;
        if (known.Key.Length == 0) known.Key = project.Key;
        await copy.Visibility(projectId, project.WorkspaceId, project.Visibility, Oldest, ct);
        await copy.Archive(projectId, project.WorkspaceId, project.Archived, Oldest, ct);
        if (await db.Counters.FindAsync([projectId], ct) is null) db.Counters.Add(new TaskCounter { ProjectId = projectId });
        await AddVocabulary(http, db, scope.ServiceProvider.GetRequiredService<LabelCopy>(), projectId, ct);
        await Save(db, projectId, ct);
    }

    /// <summary>
    /// After a label, cycle or status the copy does not know: adds the project's current ones that are missing. True when
    /// something was added (worth checking again).
    /// </summary>
    public async Task<bool> Refresh(HttpContext http, Guid projectId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TasksDb>();
        await AddVocabulary(http, db, scope.ServiceProvider.GetRequiredService<LabelCopy>(), projectId, ct);
        var added = db.ChangeTracker.Entries().Any(e => e.State == EntityState.Added);
        if (added) await Save(db, projectId, ct);
        return added;
    }

    async Task AddVocabulary(HttpContext http, TasksDb db, LabelCopy labels, Guid projectId, CancellationToken ct)
    {
        var statusesTask = Get(http, $"v1/projects/{projectId}/statuses", ct);
        var labelsTask = Get(http, $"v1/projects/{projectId}/labels", ct);
        var cyclesTask = Get(http, $"v1/projects/{projectId}/cycles", ct);
        if (await statusesTask is { ValueKind: JsonValueKind.Array } statuses)
        {
            var known = await db.Statuses.Where(s => s.ProjectId == projectId).Select(s => s.Id).ToListAsync(ct);
            foreach (var s in statuses.EnumerateArray())
                if (!known.Contains(s.GetProperty("id").GetGuid()))
                    db.Statuses.Add(new WorkflowStatus
                    {
                        Id = s.GetProperty("id").GetGuid(), ProjectId = projectId, Name = s.GetProperty("name").GetString()!,
                        Category = s.GetProperty("category").GetString()!, Position = s.GetProperty("position").GetInt32(), UpdatedAt = Oldest,
                    });
        }
        if (await labelsTask is { ValueKind: JsonValueKind.Array } labelList)
            foreach (var l in labelList.EnumerateArray())
                if (await db.Labels.FindAsync([l.GetProperty("id").GetGuid()], ct) is null)
                    await labels.Upsert(l.GetProperty("id").GetGuid(), projectId, l.GetProperty("name").GetString()!, l.GetProperty("color").GetString()!, Oldest, ct);
        if (await cyclesTask is { ValueKind: JsonValueKind.Array } cycles)
            foreach (var c in cycles.EnumerateArray())
                if (await db.Cycles.FindAsync([c.GetProperty("id").GetGuid()], ct) is null)
                    await labels.Upsert(c.GetProperty("id").GetGuid(), projectId, c.GetProperty("name").GetString()!,
                        c.GetProperty("startDate").Deserialize<DateOnly>(), c.GetProperty("endDate").Deserialize<DateOnly>(), Oldest, ct);
    }

    async Task Save(TasksDb db, Guid projectId, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex)
        {
            // An event (or a parallel request) added the same rows first: the copy has them, which is all this wanted.
            logger.LogDebug(ex, "Project {ProjectId} reached the copy while it was being asked for", projectId);
        }
    }

    Task<JsonElement?> Get(HttpContext http, string path, CancellationToken ct) => projects.Get(CallerToken.Of(http), path, ct);

    static ProjectRole? ParseRole(string? name) =>
        Roles.TryParseProjectRole(name, out var role) ? role : name == "reader" ? ProjectRole.Reader : null;
}
