using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Membership;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.Platform.Tests.Membership;

/// <summary>A service database that keeps the membership copy, as Projects, Tasks, Integrations and Realtime do.</summary>
public sealed class CopyDb(DbContextOptions<CopyDb> options) : ServiceDb(options), IWorkspaceMembershipDb
{
    public DbSet<KnownWorkspace> Workspaces => Set<KnownWorkspace>();
    public DbSet<WorkspaceMember> WorkspaceMembers => Set<WorkspaceMember>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.AddWorkspaceMembership(withNames: true);
    }
}

/// <summary>What a service's hooks heard.</summary>
public sealed class RecordingHooks : IWorkspaceMembershipHooks<CopyDb>
{
    public static readonly List<string> Heard = [];

    public Task MemberChanged(Guid workspaceId, Guid userId, WorkspaceRole? role, CancellationToken ct)
    {
        lock (Heard) Heard.Add($"{userId}:{role?.ToString() ?? "removed"}");
        return Task.CompletedTask;
    }

    public Task WorkspaceDeleted(WorkspaceDeleted e, CancellationToken ct)
    {
        lock (Heard) Heard.Add($"deleted:{e.WorkspaceId}");
        return Task.CompletedTask;
    }
}

/// <summary>
/// The membership copy building block through its real consumers (inbox included), on SQLite: out-of-order and repeated
/// events end in the newest state, removals and deleted workspaces stay, and the service's hooks hear only what was applied.
/// </summary>
public sealed class WorkspaceMembershipCopyTests : IAsyncDisposable
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    readonly string file = Path.Combine(Path.GetTempPath(), $"taskflow-membership-{Guid.NewGuid():N}.db");
    readonly ServiceProvider services;
    readonly Guid workspaceId = Guid.NewGuid();
    readonly Guid user = Guid.NewGuid();
    readonly DateTime t0 = DateTime.UtcNow.AddMinutes(-10);

    public WorkspaceMembershipCopyTests()
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddDbContext<CopyDb>(o => o.UseSqlite($"Data Source={file};Pooling=False"));
        collection.AddWorkspaceMembershipCopy<CopyDb, RecordingHooks>("copytest");
        services = collection.BuildServiceProvider();
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CopyDb>().Database.EnsureCreated();
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        File.Delete(file);
    }

    /// <summary>Delivers the producer's record as the transport would: serialized, to the subscription of its wire name.</summary>
    async Task Deliver(IntegrationEvent e, DateTime occurredAt)
    {
        var envelope = OutboxMessage.From(e with { OccurredAt = occurredAt }, null).ToEnvelope();
        var subscription = services.GetServices<EventSubscription>().Single(s => s.EventType == envelope.Type);
        await using var scope = services.CreateAsyncScope();
        await subscription.Handle(scope.ServiceProvider, envelope, Ct);
    }

    async Task<(WorkspaceRole Role, bool Active)?> Member(Guid userId)
    {
        await using var scope = services.CreateAsyncScope();
        var member = await scope.ServiceProvider.GetRequiredService<CopyDb>().WorkspaceMembers.AsNoTracking()
            .SingleOrDefaultAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId, Ct);
        return member is null ? null : (member.Role, member.Active);
    }

    List<string> Heard(Guid userId)
    {
        lock (RecordingHooks.Heard) return RecordingHooks.Heard.Where(h => h.StartsWith(userId.ToString(), StringComparison.Ordinal)).ToList();
    }

    [Fact]
    public async Task Out_of_order_and_repeated_events_end_in_the_newest_membership()
    {
        // A role change can overtake the MemberAdded it follows; the older MemberAdded then changes nothing.
        await Deliver(new MemberRoleChanged(workspaceId, user, "admin"), t0.AddMinutes(2));
        await Deliver(new MemberAdded(workspaceId, user, "viewer"), t0.AddMinutes(1));
        Assert.Equal((WorkspaceRole.Admin, true), await Member(user));

        // A removal stays: the same message again, or an older MemberAdded, cannot bring the member back.
        var removed = new MemberRemoved(workspaceId, user);
        await Deliver(removed, t0.AddMinutes(3));
        await Deliver(removed, t0.AddMinutes(3));
        await Deliver(new MemberAdded(workspaceId, user, "member"), t0.AddMinutes(1));
        Assert.Equal((WorkspaceRole.Admin, false), await Member(user));

        // A newer MemberAdded does (re-invited).
        await Deliver(new MemberAdded(workspaceId, user, "member"), t0.AddMinutes(4));
        Assert.Equal((WorkspaceRole.Member, true), await Member(user));

        // The hooks heard each applied change once: not the stale MemberAdded twice, not the redelivered removal.
        Assert.Equal([$"{user}:Admin", $"{user}:removed", $"{user}:Member"], Heard(user));
    }

    [Fact]
    public async Task WorkspaceCreated_keeps_the_name_and_adds_the_owner_only_if_not_seen_yet()
    {
        var owner = Guid.NewGuid();
        await Deliver(new MemberRoleChanged(workspaceId, owner, "member"), t0.AddMinutes(2));
        await Deliver(new WorkspaceCreated(workspaceId, "Acme", owner), t0.AddMinutes(1));
        Assert.Equal((WorkspaceRole.Member, true), await Member(owner));

        var other = Guid.NewGuid();
        var otherWorkspace = new WorkspaceCreated(Guid.NewGuid(), "Apollo", other);
        await Deliver(otherWorkspace, t0);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CopyDb>();
        Assert.Equal("Apollo", (await db.Workspaces.SingleAsync(w => w.Id == otherWorkspace.WorkspaceId, Ct)).Name);
        Assert.True((await db.WorkspaceMembers.SingleAsync(m => m.WorkspaceId == otherWorkspace.WorkspaceId, Ct)) is { Role: WorkspaceRole.Owner, Active: true });
    }

    [Fact]
    public async Task A_deleted_workspace_stays_deleted_and_its_members_inactive()
    {
        await Deliver(new MemberAdded(workspaceId, user, "member"), t0.AddMinutes(1));
        await Deliver(new WorkspaceDeleted(workspaceId), t0.AddMinutes(5));
        // Late events about it change nothing and add nobody.
        await Deliver(new MemberAdded(workspaceId, Guid.NewGuid(), "owner"), t0.AddMinutes(6));
        await Deliver(new MemberRoleChanged(workspaceId, user, "owner"), t0.AddMinutes(7));
        await Deliver(new WorkspaceCreated(workspaceId, "Again", user), t0.AddMinutes(8));

        Assert.Equal((WorkspaceRole.Member, false), await Member(user));
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CopyDb>();
        Assert.Equal(1, await db.WorkspaceMembers.CountAsync(m => m.WorkspaceId == workspaceId, Ct));
        Assert.True((await db.Workspaces.SingleAsync(w => w.Id == workspaceId, Ct)).Deleted);
        lock (RecordingHooks.Heard) Assert.Contains($"deleted:{workspaceId}", RecordingHooks.Heard);
        Assert.Equal([$"{user}:Member"], Heard(user));
    }

    [Fact]
    public async Task An_unknown_role_fails_the_event_instead_of_granting_one()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => Deliver(new MemberAdded(workspaceId, user, "superuser"), t0));
        Assert.Contains("superuser", failure.Message, StringComparison.Ordinal);
        Assert.Null(await Member(user));
    }

    [Fact]
    public void The_consumers_keep_the_names_the_services_had()
    {
        var consumers = services.GetServices<EventSubscription>().Select(s => s.Consumer).Order().ToList();
        Assert.Equal(
            ["copytest.MemberAddedHandler", "copytest.MemberRemovedHandler", "copytest.MemberRoleChangedHandler", "copytest.WorkspaceCreatedHandler", "copytest.WorkspaceDeletedHandler"],
            consumers);
    }
}
