using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>The caller's access, set once per request by <see cref="TaskAccess"/>.</summary>
internal sealed class CurrentAccess
{
    KnownProject? project;

    public Guid UserId { get; private set; }
    public ProjectRole Role { get; private set; }
    public KnownProject Project => project ?? throw new InvalidOperationException("The task access filter did not run for this endpoint.");
    public Guid ProjectId => Project.Id;

    /// <summary>The task at <c>/v1/tasks/{taskId}</c>: tracked by the request's <see cref="TasksDb"/>, except on GET and HEAD (not tracked).</summary>
    public WorkItem? Task { get; private set; }

    /// <summary>
    /// The project's list version as the access check read it with the project (docs/adr/0045); null on the routes that
    /// do not read it (a task's, a comment's).
    /// </summary>
    public long? ListVersion { get; internal set; }

    /// <summary>The comment at <c>/v1/comments/{commentId}</c>, tracked.</summary>
    public Comment? Comment { get; private set; }

    internal void Set(Guid userId, KnownProject value, ProjectRole role, WorkItem? task, Comment? comment)
    {
        (UserId, project, Role, Task, Comment) = (userId, value, role, task, comment);
    }
}

/// <summary>The caller of a workspace-scoped endpoint, set by <see cref="TaskAccess.MapWorkspaceGroup"/>.</summary>
internal sealed class WorkspaceAccess
{
    public Guid UserId { get; private set; }
    public Guid WorkspaceId { get; private set; }

    internal void Set(Guid userId, Guid workspaceId) => (UserId, WorkspaceId) = (userId, workspaceId);
}

/// <summary>Endpoint metadata: the weakest effective project role allowed.</summary>
internal sealed record RequiredProjectRole(ProjectRole Role);

/// <summary>
/// The single place access is decided, for all three route groups (by project, by task, by comment). Membership and
/// projects come from this service's local copies, fed by events:
/// <list type="bullet">
/// <item>An unknown project/task/comment, a caller who is not an active member of the project's workspace, or a private
/// project the caller is not a member of (workspace owners/admins see all): 404.</item>
/// <item>Below the endpoint's required role: 403. Reads need any role; writes need project member unless the endpoint
/// says otherwise. A workspace member without a project role is project member in every workspace-visible project;
/// a workspace viewer reads only (<see cref="Roles.Effective"/>).</item>
/// <item>A write (anything but GET) to an archived project: 409.</item>
/// </list>
/// </summary>
internal static class TaskAccess
{
    static readonly ProducesResponseTypeMetadata NotFound = new(StatusCodes.Status404NotFound, typeof(ProblemDetails), ["application/problem+json"]);
    static readonly ProducesResponseTypeMetadata Forbidden = new(StatusCodes.Status403Forbidden, typeof(ProblemDetails), ["application/problem+json"]);

    public static RouteGroupBuilder MapProjectTasksGroup(this IEndpointRouteBuilder app) =>
        Guarded(app.MapGroup("/v1/projects/{projectId:guid}"), (http, db, ct) =>
            Task.FromResult<(Guid?, WorkItem?, Comment?, ProblemHttpResult, Membership?)>((Guid.Parse(http.Request.RouteValues["projectId"]!.ToString()!), null, null, Problems.ProjectNotFound(), null)));

    public static RouteGroupBuilder MapTaskGroup(this IEndpointRouteBuilder app) =>
        Guarded(app.MapGroup("/v1/tasks/{taskId:guid}"), async (http, db, ct) =>
        {
            var id = Guid.Parse(http.Request.RouteValues["taskId"]!.ToString()!);
            // Reads change nothing: their task is not tracked (tracking was ~8 % of a read by id, docs/adr/0046-cheaper-read-by-id.md).
            var method = http.Request.Method;
            var found = await LoadTask(db, id, http.User.UserId(), tracked: !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method), ct);
            return (found?.Task.ProjectId, found?.Task, null, Problems.TaskNotFound(), found?.Membership);
        });

    public static RouteGroupBuilder MapCommentGroup(this IEndpointRouteBuilder app) =>
        Guarded(app.MapGroup("/v1/comments/{commentId:guid}"), async (http, db, ct) =>
        {
            var id = Guid.Parse(http.Request.RouteValues["commentId"]!.ToString()!);
            var comment = await db.Comments.SingleOrDefaultAsync(c => c.Id == id, ct);
            return (comment?.ProjectId, null, comment, Problems.CommentNotFound(), null);
        });

    /// <summary>
    /// <c>/v1/workspaces/{workspaceId}</c> (the workspace-wide task list): an unknown or deleted workspace, or a caller
    /// who is not an active member of it, is 404. The member's id is in <see cref="WorkspaceAccess"/>.
    /// </summary>
    public static RouteGroupBuilder MapWorkspaceGroup(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/workspaces/{workspaceId:guid}");
        group.RequireAuthorization().WithMetadata(NotFound, new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized));
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var ct = http.RequestAborted;
            var userId = http.User.UserId();
            var db = http.RequestServices.GetRequiredService<TasksDb>();
            var id = Guid.Parse(http.Request.RouteValues["workspaceId"]!.ToString()!);
            if (!await IsMember(http, db, id, userId, ct) || await SharedRevocations.AccessRevoked(http, id, userId)) return Problems.WorkspaceNotFound();
            http.RequestServices.GetRequiredService<WorkspaceAccess>().Set(userId, id);
            return await next(context);
        });
        return group;
    }

    /// <summary>
    /// An active member of a workspace that is not deleted: from the copy, and on a miss from the workspaces service
    /// (read-your-writes, BuildingBlocks.Membership).
    /// </summary>
    internal static async Task<bool> IsMember(HttpContext http, TasksDb db, Guid workspaceId, Guid userId, CancellationToken ct) =>
        !await db.Workspaces.AsNoTracking().AnyAsync(w => w.Id == workspaceId && w.Deleted, ct)
        && await http.RequestServices.GetRequiredService<WorkspaceMembershipLookup<TasksDb>>().Find(http, workspaceId, userId, ct) is not null;

    /// <summary>
    /// The workspace's live projects the user may read: every workspace-visible one, and private ones they are a project
    /// member of; all of them for workspace owners/admins. Cross-project lists and search filter by it.
    /// </summary>
    internal static IQueryable<KnownProject> VisibleProjects(TasksDb db, Guid workspaceId, Guid userId) =>
        db.Projects.AsNoTracking().Where(p => p.WorkspaceId == workspaceId && !p.Deleted
            && (!p.Private
                || db.ProjectMembers.Any(m => m.ProjectId == p.Id && m.UserId == userId && m.Active)
                || db.WorkspaceMembers.Any(m => m.WorkspaceId == workspaceId && m.UserId == userId && m.Active
                    && (m.Role == WorkspaceRole.Owner || m.Role == WorkspaceRole.Admin))));

    public static TBuilder RequireProjectRole<TBuilder>(this TBuilder builder, ProjectRole role) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredProjectRole(role), Forbidden);

    /// <summary>Finds what the route names; <c>Membership</c> when it read the caller's access along with it (else it is read next).</summary>
    internal delegate Task<(Guid? ProjectId, WorkItem? Task, Comment? Comment, ProblemHttpResult NotFound, Membership? Membership)> Resolve(HttpContext http, TasksDb db, CancellationToken ct);

    internal sealed record Membership(KnownProject Project, WorkspaceRole? WorkspaceRole, ProjectRole? ProjectRole)
    {
        /// <summary>The project's list version, read in the same statement (<see cref="Load"/>; not by <see cref="LoadTask"/>).</summary>
        public long? ListVersion { get; init; }
    }

    /// <summary>
    /// A project's list version read on its own (the rare path where the project was just copied in): the base kept from
    /// before the slots plus the sum of its <see cref="ListVersionSlot"/>s, in one statement.
    /// </summary>
    internal static Task<long> ReadListVersion(TasksDb db, Guid projectId, CancellationToken ct) =>
        db.Projects.AsNoTracking().Where(p => p.Id == projectId)
            .Select(p => p.ListVersionBase + db.ListVersionSlots.Where(s => s.ProjectId == p.Id).Sum(s => s.Version))
            .SingleAsync(ct);

    /// <summary>The project with the caller's workspace role and project role (null: not an active member), in one query.</summary>
    /// <remarks>
    /// Compiled, because it runs on every task request: a LINQ query is re-parameterised and looked up in EF's query cache
    /// each time, which profiles showed as a quarter of a cached board read. A compiled query is bound to one model, and
    /// a process can hold several (both providers in the tests), hence one per model.
    /// </remarks>
    internal static Task<Membership?> Load(TasksDb db, Guid projectId, Guid userId, CancellationToken ct) =>
        CompiledMembership.GetValue(db.Model, _ => EF.CompileAsyncQuery(MembershipSingle))(db, projectId, userId, ct);

    /// <summary>The same query as LINQ, for reading its plan (<c>IndexUseTests</c>).</summary>
    internal static IQueryable<Membership> MembershipQuery(TasksDb db, Guid projectId, Guid userId) => MembershipShape.Compile()(db, projectId, userId);

    static readonly Expression<Func<TasksDb, Guid, Guid, IQueryable<Membership>>> MembershipShape = (db, projectId, userId) =>
        db.Projects.AsNoTracking()
            .Where(p => p.Id == projectId)
            .Select(p => new Membership(
                p,
                db.WorkspaceMembers.Where(m => m.WorkspaceId == p.WorkspaceId && m.UserId == userId && m.Active).Select(m => (WorkspaceRole?)m.Role).FirstOrDefault(),
                db.ProjectMembers.Where(m => m.ProjectId == p.Id && m.UserId == userId && m.Active).Select(m => (ProjectRole?)m.Role).FirstOrDefault())
            {
                // The list version in the same statement as the project: the list cache needs no round trip of its own.
                ListVersion = p.ListVersionBase + db.ListVersionSlots.Where(s => s.ProjectId == p.Id).Sum(s => s.Version),
            });

    /// <summary><see cref="MembershipShape"/> with SingleOrDefault and a cancellation token, for <see cref="EF.CompileAsyncQuery{TContext, TParam1, TParam2, TResult}(Expression{Func{TContext, TParam1, TParam2, CancellationToken, TResult}})"/>.</summary>
    static readonly Expression<Func<TasksDb, Guid, Guid, CancellationToken, Membership?>> MembershipSingle = Expression.Lambda<Func<TasksDb, Guid, Guid, CancellationToken, Membership?>>(
        Expression.Call(typeof(Queryable), nameof(Queryable.SingleOrDefault), [typeof(Membership)], MembershipShape.Body),
        [.. MembershipShape.Parameters, Expression.Parameter(typeof(CancellationToken), "ct")]);

    static readonly ConditionalWeakTable<IModel, Func<TasksDb, Guid, Guid, CancellationToken, Task<Membership?>>> CompiledMembership = [];

    /// <summary>A task (tracked, with everything <see cref="TaskResponse.From"/> reads) and the caller's access to its project.</summary>
    internal sealed record TaskWithAccess(WorkItem Task, Membership Membership);

    /// <summary>
    /// The task at <c>/v1/tasks/{taskId}</c> with its details and the caller's membership of its project: one compiled
    /// query, so every task request starts with one round trip (issue 19: it was five, the split query's four and the
    /// membership) and no LINQ to parameterise and look up in the query cache. On PostgreSQL a single query: its rows are
    /// the product of the task's assignees, labels and watchers (a few each; at most 20 assignees and 20 labels). On SQLite
    /// split, because as a single query SQLite would build the whole labels join before picking this task's rows, and a
    /// round trip there is a function call. The project is built in the projection, so it is not tracked (as before).
    /// </summary>
    /// <remarks><paramref name="tracked"/> false (GET and HEAD): the same query with <c>AsNoTracking</c>, for requests that change nothing.</remarks>
    internal static async Task<TaskWithAccess?> LoadTask(TasksDb db, Guid taskId, Guid userId, bool tracked, CancellationToken ct)
    {
        if (!tracked && !db.IsPostgres)
        {
            // SQLite prepares every statement anew (parse and plan are most of its cost): the task with its cycle and the
            // caller's access in one statement, its assignees, labels and watchers in a second (as list pages load them),
            // instead of the split query's four.
            var row = await CompiledTaskRow.GetValue(db.Model, _ => EF.CompileAsyncQuery(TaskRow))(db, taskId, userId, ct);
            if (row is not null) await TaskFields.LoadDetails(db, row.Task, ct);
            return row;
        }
        var query = (tracked ? CompiledTask : CompiledUntrackedTask).GetValue(db.Model, _ =>
        {
            var shape = db.IsPostgres ? TaskSingle : TaskSplit;
            return EF.CompileAsyncQuery(tracked ? shape : (Expression<Func<TasksDb, Guid, Guid, IQueryable<TaskWithAccess>>>)new Untracked().Visit(shape));
        });
        await foreach (var row in query(db, taskId, userId).WithCancellation(ct)) return row;
        return null;
    }

    static readonly ConditionalWeakTable<IModel, Func<TasksDb, Guid, Guid, IAsyncEnumerable<TaskWithAccess>>> CompiledTask = [];
    static readonly ConditionalWeakTable<IModel, Func<TasksDb, Guid, Guid, IAsyncEnumerable<TaskWithAccess>>> CompiledUntrackedTask = [];

    /// <summary>Adds <c>AsNoTracking</c> after the task query's <c>AsSingleQuery</c>/<c>AsSplitQuery</c>.</summary>
    sealed class Untracked : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node) =>
            node.Method.Name is nameof(RelationalQueryableExtensions.AsSingleQuery) or nameof(RelationalQueryableExtensions.AsSplitQuery)
                ? Expression.Call(typeof(EntityFrameworkQueryableExtensions), nameof(EntityFrameworkQueryableExtensions.AsNoTracking), node.Method.GetGenericArguments(), node)
                : base.VisitMethodCall(node);
    }

    static readonly Expression<Func<TasksDb, Guid, Guid, IQueryable<TaskWithAccess>>> TaskSingle = (db, taskId, userId) =>
        from t in db.Tasks.AsSingleQuery().Include(t => t.Assignees).Include(t => t.Labels).ThenInclude(l => l.Label).Include(t => t.Cycle).Include(t => t.Watchers)
        join p in db.Projects on t.ProjectId equals p.Id
        where t.Id == taskId
        select new TaskWithAccess(t, new Membership(
            new KnownProject
            {
                Id = p.Id, WorkspaceId = p.WorkspaceId, Key = p.Key, Archived = p.Archived, ArchiveChangedAt = p.ArchiveChangedAt,
                Private = p.Private, VisibilityChangedAt = p.VisibilityChangedAt, Deleted = p.Deleted,
            },
            db.WorkspaceMembers.Where(m => m.WorkspaceId == p.WorkspaceId && m.UserId == userId && m.Active).Select(m => (WorkspaceRole?)m.Role).FirstOrDefault(),
            db.ProjectMembers.Where(m => m.ProjectId == p.Id && m.UserId == userId && m.Active).Select(m => (ProjectRole?)m.Role).FirstOrDefault()));

    static readonly ConditionalWeakTable<IModel, Func<TasksDb, Guid, Guid, CancellationToken, Task<TaskWithAccess?>>> CompiledTaskRow = [];

    /// <summary><see cref="TaskSingle"/> without the collections, untracked (SQLite reads; <see cref="TaskFields.LoadDetails(TasksDb, WorkItem, CancellationToken)"/> adds them).</summary>
    static readonly Expression<Func<TasksDb, Guid, Guid, CancellationToken, TaskWithAccess?>> TaskRow = (db, taskId, userId, ct) =>
        (from t in db.Tasks.AsNoTracking().Include(t => t.Cycle)
         join p in db.Projects on t.ProjectId equals p.Id
         where t.Id == taskId
         select new TaskWithAccess(t, new Membership(
             new KnownProject
             {
                 Id = p.Id, WorkspaceId = p.WorkspaceId, Key = p.Key, Archived = p.Archived, ArchiveChangedAt = p.ArchiveChangedAt,
                 Private = p.Private, VisibilityChangedAt = p.VisibilityChangedAt, Deleted = p.Deleted,
             },
             db.WorkspaceMembers.Where(m => m.WorkspaceId == p.WorkspaceId && m.UserId == userId && m.Active).Select(m => (WorkspaceRole?)m.Role).FirstOrDefault(),
             db.ProjectMembers.Where(m => m.ProjectId == p.Id && m.UserId == userId && m.Active).Select(m => (ProjectRole?)m.Role).FirstOrDefault())))
        .SingleOrDefault();

    /// <summary><see cref="TaskSingle"/> as split queries, for SQLite (which would build the whole labels join first).</summary>
    static readonly Expression<Func<TasksDb, Guid, Guid, IQueryable<TaskWithAccess>>> TaskSplit =
        (Expression<Func<TasksDb, Guid, Guid, IQueryable<TaskWithAccess>>>)new SingleToSplitQuery().Visit(TaskSingle);

    sealed class SingleToSplitQuery : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node) =>
            node.Method.Name == nameof(RelationalQueryableExtensions.AsSingleQuery)
                ? Expression.Call(typeof(RelationalQueryableExtensions), nameof(RelationalQueryableExtensions.AsSplitQuery), node.Method.GetGenericArguments(), Visit(node.Arguments[0]))
                : base.VisitMethodCall(node);
    }

    internal static RouteGroupBuilder Guarded(RouteGroupBuilder group, Resolve resolve)
    {
        group.RequireAuthorization().WithMetadata(NotFound, new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized));
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var ct = http.RequestAborted;
            var userId = http.User.UserId();
            var db = http.RequestServices.GetRequiredService<TasksDb>();
            var (projectId, task, comment, notFound, membership) = await resolve(http, db, ct);
            if (projectId is not { } pid) return notFound;
            membership ??= await Load(db, pid, userId, ct);
            if (membership is { Project.Deleted: true }) return notFound;
            var projects = http.RequestServices.GetRequiredService<ProjectOwner>();
            KnownProject project;
            ProjectRole? role;
            if (membership is null)
            {
                // A project the copy has not heard of yet: the projects service answers, and its rows join the copy (docs/adr/0005).
                if (!projects.Configured || await projects.Ask(http, pid, ct) is not { } answer) return notFound;
                await projects.CopyIn(http, pid, answer, ct);
                if (await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == pid, ct) is not { Deleted: false } copied) return notFound;
                (project, role) = (copied, answer.Role);
                membership = new Membership(copied, null, null) { ListVersion = await ReadListVersion(db, pid, ct) };
            }
            else
            {
                project = membership.Project;
                // A membership the copy lacks (an invitation accepted a moment ago) is asked of the workspaces service.
                var workspaceRole = membership.WorkspaceRole
                    ?? (await http.RequestServices.GetRequiredService<WorkspaceMembershipLookup<TasksDb>>().AskOwner(http, project.WorkspaceId, userId, ct))?.Role;
                if (workspaceRole is null) return notFound;
                role = Roles.Effective(workspaceRole.Value, membership.ProjectRole, project.Private);
                // A private project the caller cannot see is as unknown as a missing one, unless projects knows them as a member already.
                if (role is null && projects.Configured && project.Private) role = (await projects.Ask(http, pid, ct))?.Role;
                if (role is null) return notFound;
            }
            // Scaled out, a removal or deletion announced through Redis ends access before the copy hears of it (docs/adr/0005).
            if (await SharedRevocations.AccessRevoked(http, project.WorkspaceId, userId)) return notFound;

            var isRead = HttpMethods.IsGet(http.Request.Method);
            var required = http.GetEndpoint()?.Metadata.GetMetadata<RequiredProjectRole>()?.Role ?? (isRead ? ProjectRole.Reader : ProjectRole.Member);
            if (!role.Value.IsAtLeast(required))
                return Problems.InsufficientRole($"This needs the project role {required.ToName()} or higher; yours is {role.Value.ToName()}.");
            if (project.Archived && !isRead) return Problems.ProjectArchived();

            var current = http.RequestServices.GetRequiredService<CurrentAccess>();
            current.Set(userId, project, role.Value, task, comment);
            current.ListVersion = membership.ListVersion;
            if (projects.Configured)
                db.AskProjectsOnMiss = c => projects.Refresh(http, pid, c);
            return await next(context);
        });
        return group;
    }
}
