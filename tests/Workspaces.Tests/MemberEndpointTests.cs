using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Workspaces.Tests;

public abstract class MemberEndpointTests(WorkspacesApp app) : WorkspacesTestBase(app)
{
    [Fact]
    public async Task Any_member_including_a_viewer_lists_members_with_emails_names_and_roles()
    {
        var owner = TestUser.New("Olivia Owner");
        var id = await CreateWorkspace(owner);
        var admin = await AddMember(owner, id, "admin", "Adam Admin");
        var viewer = await AddMember(owner, id, "viewer", "Vera Viewer");

        var members = await Members(viewer, id);

        Assert.Equal([owner.Id, admin.Id, viewer.Id], members.Select(m => m.GetProperty("userId").GetGuid()));
        Assert.Equal(["owner", "admin", "viewer"], members.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal([owner.Email, admin.Email, viewer.Email], members.Select(m => m.GetProperty("email").GetString()));
        Assert.Equal(["Olivia Owner", "Adam Admin", "Vera Viewer"], members.Select(m => m.GetProperty("displayName").GetString()));
        Assert.All(members, m => Assert.True(m.GetProperty("joinedAt").GetDateTime() > DateTime.UtcNow.AddMinutes(-5)));
    }

    [Fact]
    public async Task The_owner_changes_anyones_role_and_MemberRoleChanged_is_published()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var member = await AddMember(owner, id, "member");

        var response = await Client(owner).PatchAsJsonAsync($"/v1/workspaces/{id}/members/{member.Id}", new { role = "admin" }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        Assert.Equal(member.Id, body.GetProperty("userId").GetGuid());
        Assert.Equal("admin", body.GetProperty("role").GetString());
        Assert.Equal(member.Email, body.GetProperty("email").GetString());
        Assert.Equal("admin", await RoleOf(id, member.Id));
        var changed = Assert.Single(await Outbox("MemberRoleChanged"), e => e.GetProperty("workspaceId").GetGuid() == id);
        Assert.Equal(member.Id, changed.GetProperty("userId").GetGuid());
        Assert.Equal("admin", changed.GetProperty("role").GetString());

        Assert.Equal(HttpStatusCode.OK, (await Client(owner).PatchAsJsonAsync($"/v1/workspaces/{id}/members/{member.Id}", new { role = "owner" }, Ct)).StatusCode);
        Assert.Equal("owner", await RoleOf(id, member.Id));
    }

    [Fact]
    public async Task An_admin_switches_members_and_viewers()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var admin = await AddMember(owner, id, "admin");
        var member = await AddMember(owner, id, "member");

        var toViewer = await Client(admin).PatchAsJsonAsync($"/v1/workspaces/{id}/members/{member.Id}", new { role = "viewer" }, Ct);
        Assert.Equal(HttpStatusCode.OK, toViewer.StatusCode);
        Assert.Equal("viewer", await RoleOf(id, member.Id));

        var back = await Client(admin).PatchAsJsonAsync($"/v1/workspaces/{id}/members/{member.Id}", new { role = "member" }, Ct);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal("member", await RoleOf(id, member.Id));
    }

    [Theory]
    [InlineData("member", "admin")]
    [InlineData("member", "owner")]
    [InlineData("viewer", "admin")]
    public async Task An_admin_cannot_grant_owner_or_admin(string from, string to)
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var admin = await AddMember(owner, id, "admin");
        var target = await AddMember(owner, id, from);

        var response = await Client(admin).PatchAsJsonAsync($"/v1/workspaces/{id}/members/{target.Id}", new { role = to }, Ct);

        await AssertProblem(response, HttpStatusCode.Forbidden, "insufficient-role");
        Assert.Equal(from, await RoleOf(id, target.Id));
    }

    [Fact]
    public async Task An_admin_cannot_change_an_owner_or_another_admin_or_themselves()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var admin = await AddMember(owner, id, "admin");
        var otherAdmin = await AddMember(owner, id, "admin");

        await AssertProblem(await Client(admin).PatchAsJsonAsync($"/v1/workspaces/{id}/members/{owner.Id}", new { role = "viewer" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
        await AssertProblem(await Client(admin).PatchAsJsonAsync($"/v1/workspaces/{id}/members/{otherAdmin.Id}", new { role = "member" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
        await AssertProblem(await Client(admin).PatchAsJsonAsync($"/v1/workspaces/{id}/members/{admin.Id}", new { role = "member" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");

        Assert.Equal("owner", await RoleOf(id, owner.Id));
        Assert.Equal("admin", await RoleOf(id, otherAdmin.Id));
        Assert.Equal("admin", await RoleOf(id, admin.Id));
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Members_and_viewers_cannot_change_roles(string role)
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var caller = await AddMember(owner, id, role);
        var target = await AddMember(owner, id, "viewer");

        await AssertProblem(await Client(caller).PatchAsJsonAsync($"/v1/workspaces/{id}/members/{target.Id}", new { role = "member" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
        Assert.Equal("viewer", await RoleOf(id, target.Id));
    }

    [Theory]
    [InlineData("superuser")]
    [InlineData("Owner")]
    [InlineData("")]
    [InlineData(null)]
    public async Task An_unknown_role_is_a_validation_problem_naming_role(string? role)
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var member = await AddMember(owner, id, "member");

        await AssertValidation(await Client(owner).PatchAsJsonAsync($"/v1/workspaces/{id}/members/{member.Id}", new { role }, Ct), "role");
        Assert.Equal("member", await RoleOf(id, member.Id));
    }

    [Fact]
    public async Task Changing_or_removing_someone_who_is_not_a_member_is_404()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var stranger = TestUser.New();
        await CreateWorkspace(stranger);

        await AssertProblem(await Client(owner).PatchAsJsonAsync($"/v1/workspaces/{id}/members/{stranger.Id}", new { role = "viewer" }, Ct), HttpStatusCode.NotFound, "member-not-found");
        await AssertProblem(await Client(owner).DeleteAsync($"/v1/workspaces/{id}/members/{stranger.Id}", Ct), HttpStatusCode.NotFound, "member-not-found");
    }

    [Fact]
    public async Task The_last_owner_cannot_be_demoted_leave_or_be_removed()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);

        await AssertProblem(await Client(owner).PatchAsJsonAsync($"/v1/workspaces/{id}/members/{owner.Id}", new { role = "admin" }, Ct), HttpStatusCode.Conflict, "last-owner");
        await AssertProblem(await Client(owner).DeleteAsync($"/v1/workspaces/{id}/members/{owner.Id}", Ct), HttpStatusCode.Conflict, "last-owner");

        Assert.Equal("owner", await RoleOf(id, owner.Id));
        Assert.DoesNotContain(await Outbox("MemberRemoved"), e => e.GetProperty("workspaceId").GetGuid() == id);
        Assert.DoesNotContain(await Outbox("MemberRoleChanged"), e => e.GetProperty("workspaceId").GetGuid() == id);
    }

    [Fact]
    public async Task With_two_owners_one_may_demote_the_other_but_then_not_themselves()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var second = await AddMember(owner, id, "owner");

        Assert.Equal(HttpStatusCode.OK, (await Client(second).PatchAsJsonAsync($"/v1/workspaces/{id}/members/{owner.Id}", new { role = "member" }, Ct)).StatusCode);
        Assert.Equal("member", await RoleOf(id, owner.Id));

        await AssertProblem(await Client(second).PatchAsJsonAsync($"/v1/workspaces/{id}/members/{second.Id}", new { role = "admin" }, Ct), HttpStatusCode.Conflict, "last-owner");
        Assert.Equal("owner", await RoleOf(id, second.Id));
    }

    [Fact]
    public async Task With_two_owners_one_may_leave_and_the_other_may_not()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var second = await AddMember(owner, id, "owner");

        Assert.Equal(HttpStatusCode.NoContent, (await Client(owner).DeleteAsync($"/v1/workspaces/{id}/members/{owner.Id}", Ct)).StatusCode);
        await AssertProblem(await Client(second).DeleteAsync($"/v1/workspaces/{id}/members/{second.Id}", Ct), HttpStatusCode.Conflict, "last-owner");
        Assert.Equal([second.Id], (await Members(second, id)).Select(m => m.GetProperty("userId").GetGuid()));
    }

    [Fact]
    public async Task An_owner_removes_another_owner_and_an_admin()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var second = await AddMember(owner, id, "owner");
        var admin = await AddMember(owner, id, "admin");

        Assert.Equal(HttpStatusCode.NoContent, (await Client(owner).DeleteAsync($"/v1/workspaces/{id}/members/{second.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Client(owner).DeleteAsync($"/v1/workspaces/{id}/members/{admin.Id}", Ct)).StatusCode);

        Assert.Equal([owner.Id], (await Members(owner, id)).Select(m => m.GetProperty("userId").GetGuid()));
        await AssertProblem(await Client(admin).GetAsync($"/v1/workspaces/{id}", Ct), HttpStatusCode.NotFound, "workspace-not-found");
        var removed = (await Outbox("MemberRemoved")).Where(e => e.GetProperty("workspaceId").GetGuid() == id).Select(e => e.GetProperty("userId").GetGuid());
        Assert.Equal([second.Id, admin.Id], removed);
    }

    [Fact]
    public async Task An_admin_removes_members_and_viewers_but_not_admins_or_owners()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var admin = await AddMember(owner, id, "admin");
        var otherAdmin = await AddMember(owner, id, "admin");
        var member = await AddMember(owner, id, "member");
        var viewer = await AddMember(owner, id, "viewer");

        Assert.Equal(HttpStatusCode.NoContent, (await Client(admin).DeleteAsync($"/v1/workspaces/{id}/members/{member.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Client(admin).DeleteAsync($"/v1/workspaces/{id}/members/{viewer.Id}", Ct)).StatusCode);
        await AssertProblem(await Client(admin).DeleteAsync($"/v1/workspaces/{id}/members/{otherAdmin.Id}", Ct), HttpStatusCode.Forbidden, "insufficient-role");
        await AssertProblem(await Client(admin).DeleteAsync($"/v1/workspaces/{id}/members/{owner.Id}", Ct), HttpStatusCode.Forbidden, "insufficient-role");

        Assert.Equal([owner.Id, admin.Id, otherAdmin.Id], (await Members(owner, id)).Select(m => m.GetProperty("userId").GetGuid()));
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Members_and_viewers_cannot_remove_others_but_may_leave(string role)
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var caller = await AddMember(owner, id, role);
        var other = await AddMember(owner, id, "viewer");

        await AssertProblem(await Client(caller).DeleteAsync($"/v1/workspaces/{id}/members/{other.Id}", Ct), HttpStatusCode.Forbidden, "insufficient-role");
        Assert.Equal(3, (await Members(owner, id)).Count);

        Assert.Equal(HttpStatusCode.NoContent, (await Client(caller).DeleteAsync($"/v1/workspaces/{id}/members/{caller.Id}", Ct)).StatusCode);
        Assert.Null(await RoleOf(id, caller.Id));
        await AssertProblem(await Client(caller).GetAsync($"/v1/workspaces/{id}", Ct), HttpStatusCode.NotFound, "workspace-not-found");
        Assert.Single(await Outbox("MemberRemoved"), e => e.GetProperty("workspaceId").GetGuid() == id && e.GetProperty("userId").GetGuid() == caller.Id);
    }

    [Fact]
    public async Task UserProfileUpdated_keeps_member_names_and_emails_current_and_is_applied_once()
    {
        var owner = TestUser.New();
        var first = await CreateWorkspace(owner);
        var second = await CreateWorkspace(owner);
        var transport = App.Services.GetRequiredService<IEventTransport>();
        var rename = Envelope(new { userId = owner.Id, email = "renamed@example.com", displayName = "Renamed" });
        var later = Envelope(new { userId = owner.Id, email = "later@example.com", displayName = "Later" });

        await transport.Publish(rename, Ct);
        await transport.Publish(later, Ct);
        await transport.Publish(rename, Ct);  // a redelivery must not undo the later change

        foreach (var id in new[] { first, second })
        {
            var me = Assert.Single(await Members(owner, id));
            Assert.Equal("later@example.com", me.GetProperty("email").GetString());
            Assert.Equal("Later", me.GetProperty("displayName").GetString());
        }
    }

    static EventEnvelope Envelope(object payload) =>
        new(Guid.NewGuid(), "UserProfileUpdated", JsonSerializer.Serialize(payload, EventEnvelope.Json), DateTime.UtcNow, null);
}

public sealed class SqliteMemberEndpointTests(SqliteWorkspacesApp app) : MemberEndpointTests(app), IClassFixture<SqliteWorkspacesApp>;

public sealed class PostgresMemberEndpointTests(PostgresWorkspacesApp app) : MemberEndpointTests(app), IClassFixture<PostgresWorkspacesApp>;
