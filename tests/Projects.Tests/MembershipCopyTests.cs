using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Projects.Tests;

/// <summary>The local copy of workspace membership: fed by the workspaces service's events, robust to redelivery and reordering.</summary>
public abstract class MembershipCopyTests(ProjectsApp app) : ProjectsTestBase(app)
{
    [Fact]
    public async Task Removal_from_the_workspace_ends_project_access_once_MemberRemoved_is_applied()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();
        var member = await ProjectMember(owner, workspaceId, projectId, "admin");
        Assert.Equal(HttpStatusCode.OK, (await Client(member).GetAsync($"/v1/projects/{projectId}", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Client(owner).DeleteAsync($"/v1/workspaces/{workspaceId}/members/{member.Id}", Ct)).StatusCode);
        await WaitForMember(workspaceId, member.Id, null);

        await AssertProblem(await Client(member).GetAsync($"/v1/projects/{projectId}", Ct), HttpStatusCode.NotFound, "project-not-found");
        await AssertProblem(await Client(member).GetAsync($"/v1/workspaces/{workspaceId}/projects", Ct), HttpStatusCode.NotFound, "workspace-not-found");
        var members = await Json(await Client(owner).GetAsync($"/v1/projects/{projectId}/members", Ct));
        Assert.DoesNotContain(members.EnumerateArray(), m => m.GetProperty("userId").GetGuid() == member.Id);
        Assert.Contains(await Outbox("ProjectMemberRemoved"), e => e.GetProperty("projectId").GetGuid() == projectId && e.GetProperty("userId").GetGuid() == member.Id);
    }

    [Fact]
    public async Task A_workspace_role_change_applies_to_project_access()
    {
        var owner = TestUser.New();
        var workspaceId = await CreateWorkspace(owner);
        var user = await JoinWorkspace(owner, workspaceId, "member");
        await CreateProject(user, workspaceId, "ONE");

        Assert.Equal(HttpStatusCode.OK, (await Client(owner).PatchAsJsonAsync($"/v1/workspaces/{workspaceId}/members/{user.Id}", new { role = "viewer" }, Ct)).StatusCode);
        await WaitForMember(workspaceId, user.Id, "viewer");

        await AssertProblem(await Client(user).PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Two", key = "TWO" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
    }

    [Fact]
    public async Task Deleting_the_workspace_deletes_its_projects()
    {
        var (owner, workspaceId, projectId) = await WorkspaceWithProject();

        Assert.Equal(HttpStatusCode.NoContent, (await Client(owner).DeleteAsync($"/v1/workspaces/{workspaceId}", Ct)).StatusCode);
        await WaitUntil(async () => (await Outbox("ProjectDeleted")).Any(e => e.GetProperty("projectId").GetGuid() == projectId), "ProjectDeleted");

        await AssertProblem(await Client(owner).GetAsync($"/v1/projects/{projectId}", Ct), HttpStatusCode.NotFound, "project-not-found");
        Assert.False(await WithDb(db => db.Projects.AnyAsync(p => p.Id == projectId, Ct)));
    }

    [Fact]
    public async Task Handlers_are_idempotent_and_tolerate_out_of_order_delivery()
    {
        var workspaceId = Guid.NewGuid();
        var user = Guid.NewGuid();
        var t0 = DateTime.UtcNow.AddMinutes(-10);

        // A role change for a member not seen yet upserts; the older MemberAdded arriving afterwards does not undo it.
        await Deliver("MemberRoleChanged", new { workspaceId, userId = user, role = "admin", occurredAt = t0.AddMinutes(2) });
        await Deliver("MemberAdded", new { workspaceId, userId = user, role = "viewer", occurredAt = t0.AddMinutes(1) });
        Assert.Equal(("admin", true), await Member(workspaceId, user));

        // The same message twice is applied once (inbox); a removal wins over an older addition delivered late.
        var removed = Envelope("MemberRemoved", new { workspaceId, userId = user, occurredAt = t0.AddMinutes(3) });
        await Transport.Publish(removed, Ct);
        await Transport.Publish(removed, Ct);
        await Deliver("MemberAdded", new { workspaceId, userId = user, role = "member", occurredAt = t0.AddMinutes(1) });
        Assert.Equal(("admin", false), await Member(workspaceId, user));

        // Rejoining later works.
        await Deliver("MemberAdded", new { workspaceId, userId = user, role = "member", occurredAt = t0.AddMinutes(4) });
        Assert.Equal(("member", true), await Member(workspaceId, user));

        // After WorkspaceDeleted nothing brings the workspace's members back.
        await Deliver("WorkspaceDeleted", new { workspaceId, occurredAt = t0.AddMinutes(5) });
        await Deliver("MemberAdded", new { workspaceId, userId = Guid.NewGuid(), role = "owner", occurredAt = t0.AddMinutes(6) });
        await Deliver("MemberRoleChanged", new { workspaceId, userId = user, role = "owner", occurredAt = t0.AddMinutes(7) });
        Assert.Equal(("member", false), await Member(workspaceId, user));
        Assert.Equal(1, await WithDb(db => db.WorkspaceMembers.CountAsync(m => m.WorkspaceId == workspaceId, Ct)));
    }

    [Fact]
    public async Task WorkspaceCreated_adds_the_owner_even_before_MemberAdded_and_does_not_override_it()
    {
        var workspaceId = Guid.NewGuid();
        var owner = Guid.NewGuid();
        var t0 = DateTime.UtcNow.AddMinutes(-10);

        await Deliver("MemberRoleChanged", new { workspaceId, userId = owner, role = "admin", occurredAt = t0.AddMinutes(1) });
        await Deliver("WorkspaceCreated", new { workspaceId, name = "Late", ownerId = owner, occurredAt = t0 });
        Assert.Equal(("admin", true), await Member(workspaceId, owner));

        var other = Guid.NewGuid();
        var otherOwner = Guid.NewGuid();
        await Deliver("WorkspaceCreated", new { workspaceId = other, name = "Early", ownerId = otherOwner, occurredAt = t0 });
        Assert.Equal(("owner", true), await Member(other, otherOwner));
    }

    IEventTransport Transport => App.Services.GetRequiredService<IEventTransport>();

    Task Deliver(string type, object payload) => Transport.Publish(Envelope(type, payload), Ct);

    Task<(string Role, bool Active)> Member(Guid workspaceId, Guid userId) => WithDb(async db =>
    {
        var m = await db.WorkspaceMembers.AsNoTracking().SingleAsync(x => x.WorkspaceId == workspaceId && x.UserId == userId, Ct);
        return (Data.Roles.ToName(m.Role), m.Active);
    });

    static EventEnvelope Envelope(string type, object payload) =>
        new(Guid.NewGuid(), type, JsonSerializer.Serialize(payload, EventEnvelope.Json), DateTime.UtcNow, null);
}

public sealed class SqliteMembershipCopyTests(SqliteProjectsApp app) : MembershipCopyTests(app), IClassFixture<SqliteProjectsApp>;

public sealed class PostgresMembershipCopyTests(PostgresProjectsApp app) : MembershipCopyTests(app), IClassFixture<PostgresProjectsApp>;
