using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.BuildingBlocks.Membership;

/// <summary>
/// What a service does beyond the copy when the workspaces service's events are applied, in the same transaction (e.g.
/// the projects service deletes a deleted workspace's projects). Registered per DbContext, as the all-in-one host runs
/// every service's consumers in one container.
/// </summary>
public interface IWorkspaceMembershipHooks<TDb> where TDb : ServiceDb, IWorkspaceMembershipDb
{
    /// <summary>A WorkspaceCreated for a workspace that is not deleted (its owner is applied too, if not seen yet).</summary>
    Task WorkspaceCreated(KnownWorkspace workspace, WorkspaceCreated e, CancellationToken ct) => Task.CompletedTask;

    /// <summary>A membership change was applied: added or role changed (<paramref name="role"/>), or removed (null).</summary>
    Task MemberChanged(Guid workspaceId, Guid userId, WorkspaceRole? role, CancellationToken ct) => Task.CompletedTask;

    /// <summary>The workspace was tombstoned and its members deactivated.</summary>
    Task WorkspaceDeleted(WorkspaceDeleted e, CancellationToken ct) => Task.CompletedTask;
}

public static class WorkspaceMembershipRegistration
{
    /// <summary>
    /// Keeps <typeparamref name="TDb"/>'s membership copy from the workspaces service's events (consumers
    /// <c>{service}.WorkspaceCreatedHandler</c>, <c>…MemberAddedHandler</c>, <c>…MemberRoleChangedHandler</c>,
    /// <c>…MemberRemovedHandler</c>, <c>…WorkspaceDeletedHandler</c>), and offers
    /// <see cref="WorkspaceMembershipLookup{TDb}"/> for access checks. <typeparamref name="THooks"/>: the service's own
    /// reactions, if any.
    /// </summary>
    public static IServiceCollection AddWorkspaceMembershipCopy<TDb, THooks>(this IServiceCollection services, string service)
        where TDb : ServiceDb, IWorkspaceMembershipDb
        where THooks : class, IWorkspaceMembershipHooks<TDb>
    {
        services.AddScoped<IWorkspaceMembershipHooks<TDb>, THooks>();
        services.AddScoped<WorkspaceMembershipCopy<TDb>>();
        services.AddScoped<WorkspaceMembershipLookup<TDb>>();
        services.AddWorkspacesLookup<TDb>(service);
        services.AddEventHandler<TDb, WorkspaceCreated, WorkspaceCreatedHandler<TDb>>(service, "WorkspaceCreatedHandler");
        services.AddEventHandler<TDb, MemberAdded, MemberAddedHandler<TDb>>(service, "MemberAddedHandler");
        services.AddEventHandler<TDb, MemberRoleChanged, MemberRoleChangedHandler<TDb>>(service, "MemberRoleChangedHandler");
        services.AddEventHandler<TDb, MemberRemoved, MemberRemovedHandler<TDb>>(service, "MemberRemovedHandler");
        services.AddEventHandler<TDb, WorkspaceDeleted, WorkspaceDeletedHandler<TDb>>(service, "WorkspaceDeletedHandler");
        return services;
    }

    /// <summary>The copy alone, for a service that does nothing more on these events.</summary>
    public static IServiceCollection AddWorkspaceMembershipCopy<TDb>(this IServiceCollection services, string service)
        where TDb : ServiceDb, IWorkspaceMembershipDb =>
        services.AddWorkspaceMembershipCopy<TDb, NoHooks<TDb>>(service);

    sealed class NoHooks<TDb> : IWorkspaceMembershipHooks<TDb> where TDb : ServiceDb, IWorkspaceMembershipDb;
}

/// <summary>MemberAdded for the owner follows; this only covers it arriving late or not at all.</summary>
sealed class WorkspaceCreatedHandler<TDb>(WorkspaceMembershipCopy<TDb> copy, IWorkspaceMembershipHooks<TDb> hooks) : IIntegrationEventHandler<WorkspaceCreated>
    where TDb : ServiceDb, IWorkspaceMembershipDb
{
    public async Task Handle(WorkspaceCreated e, CancellationToken ct)
    {
        var workspace = await copy.Workspace(e.WorkspaceId, ct);
        if (workspace.Deleted) return;
        workspace.Name = e.Name;
        await hooks.WorkspaceCreated(workspace, e, ct);
        if (await copy.Apply(e.WorkspaceId, e.OwnerId, WorkspaceRole.Owner, e.OccurredAt, onlyIfAbsent: true, ct))
            await hooks.MemberChanged(e.WorkspaceId, e.OwnerId, WorkspaceRole.Owner, ct);
    }
}

sealed class MemberAddedHandler<TDb>(WorkspaceMembershipCopy<TDb> copy, IWorkspaceMembershipHooks<TDb> hooks) : IIntegrationEventHandler<MemberAdded>
    where TDb : ServiceDb, IWorkspaceMembershipDb
{
    public async Task Handle(MemberAdded e, CancellationToken ct)
    {
        var role = WorkspaceRoles.Parse(e.Role);
        if (await copy.Apply(e.WorkspaceId, e.UserId, role, e.OccurredAt, onlyIfAbsent: false, ct))
            await hooks.MemberChanged(e.WorkspaceId, e.UserId, role, ct);
    }
}

/// <summary>A role change for a member not seen yet (MemberAdded still on its way) adds the member.</summary>
sealed class MemberRoleChangedHandler<TDb>(WorkspaceMembershipCopy<TDb> copy, IWorkspaceMembershipHooks<TDb> hooks) : IIntegrationEventHandler<MemberRoleChanged>
    where TDb : ServiceDb, IWorkspaceMembershipDb
{
    public async Task Handle(MemberRoleChanged e, CancellationToken ct)
    {
        var role = WorkspaceRoles.Parse(e.Role);
        if (await copy.Apply(e.WorkspaceId, e.UserId, role, e.OccurredAt, onlyIfAbsent: false, ct))
            await hooks.MemberChanged(e.WorkspaceId, e.UserId, role, ct);
    }
}

sealed class MemberRemovedHandler<TDb>(WorkspaceMembershipCopy<TDb> copy, IWorkspaceMembershipHooks<TDb> hooks) : IIntegrationEventHandler<MemberRemoved>
    where TDb : ServiceDb, IWorkspaceMembershipDb
{
    public async Task Handle(MemberRemoved e, CancellationToken ct)
    {
        if (await copy.Apply(e.WorkspaceId, e.UserId, null, e.OccurredAt, onlyIfAbsent: false, ct))
            await hooks.MemberChanged(e.WorkspaceId, e.UserId, null, ct);
    }
}

sealed class WorkspaceDeletedHandler<TDb>(WorkspaceMembershipCopy<TDb> copy, IWorkspaceMembershipHooks<TDb> hooks) : IIntegrationEventHandler<WorkspaceDeleted>
    where TDb : ServiceDb, IWorkspaceMembershipDb
{
    public async Task Handle(WorkspaceDeleted e, CancellationToken ct)
    {
        await copy.Delete(e.WorkspaceId, e.OccurredAt, ct);
        await hooks.WorkspaceDeleted(e, ct);
    }
}
