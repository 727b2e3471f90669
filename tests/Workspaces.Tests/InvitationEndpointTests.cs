using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace TaskFlow.Workspaces.Tests;

public abstract partial class InvitationEndpointTests(WorkspacesApp app) : WorkspacesTestBase(app)
{
    [GeneratedRegex("^[A-Za-z0-9_-]{43,}$")]
    private static partial Regex UrlSafeToken();

    [Fact]
    public async Task An_owner_invites_and_InvitationCreated_carries_the_token()
    {
        var owner = TestUser.New("Olivia Owner");
        var id = await CreateWorkspace(owner, "Invite Co");

        var response = await Client(owner).PostAsJsonAsync($"/v1/workspaces/{id}/invitations", new { email = "New.Person@Example.com", role = "member" }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json(response);
        var invitationId = body.GetProperty("id").GetGuid();
        Assert.Equal($"/v1/workspaces/{id}/invitations/{invitationId}", response.Headers.Location?.ToString());
        Assert.Equal("New.Person@Example.com", body.GetProperty("email").GetString());
        Assert.Equal("member", body.GetProperty("role").GetString());
        Assert.Equal("pending", body.GetProperty("status").GetString());
        var expiresAt = body.GetProperty("expiresAt").GetDateTime();
        Assert.InRange(expiresAt, DateTime.UtcNow.AddDays(7).AddMinutes(-5), DateTime.UtcNow.AddDays(7).AddMinutes(5));

        var created = await InvitationCreatedPayload(invitationId);
        Assert.Equal(id, created.GetProperty("workspaceId").GetGuid());
        Assert.Equal("Invite Co", created.GetProperty("workspaceName").GetString());
        Assert.Equal("New.Person@Example.com", created.GetProperty("email").GetString());
        Assert.Equal("member", created.GetProperty("role").GetString());
        Assert.Equal("Olivia Owner", created.GetProperty("invitedByName").GetString());
        Assert.Equal(expiresAt, created.GetProperty("expiresAt").GetDateTime());
        var token = created.GetProperty("token").GetString()!;
        Assert.Matches(UrlSafeToken(), token);

        // Only a hash of the token is stored.
        var stored = await WithDb(db => db.Invitations.AsNoTracking().SingleAsync(i => i.Id == invitationId, Ct));
        Assert.NotEqual(token, stored.TokenHash);
        Assert.DoesNotContain(token, stored.TokenHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_invites_members_and_viewers_but_not_admins_or_owners()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var admin = await AddMember(owner, id, "admin");

        Assert.Equal(HttpStatusCode.Created, (await Client(admin).PostAsJsonAsync($"/v1/workspaces/{id}/invitations", new { email = "v@example.com", role = "viewer" }, Ct)).StatusCode);
        await AssertProblem(await Client(admin).PostAsJsonAsync($"/v1/workspaces/{id}/invitations", new { email = "o@example.com", role = "owner" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
        // Admins cannot promote anyone to admin, so they cannot invite one either.
        await AssertProblem(await Client(admin).PostAsJsonAsync($"/v1/workspaces/{id}/invitations", new { email = "a@example.com", role = "admin" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
        // Nor turn the owner's pending admin invitation into theirs by inviting the same address again.
        await Invite(owner, id, "p@example.com", "admin");
        await AssertProblem(await Client(admin).PostAsJsonAsync($"/v1/workspaces/{id}/invitations", new { email = "p@example.com", role = "member" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");

        var pending = (await Json(await Client(owner).GetAsync($"/v1/workspaces/{id}/invitations", Ct))).EnumerateArray().ToList();
        Assert.Equal(["p@example.com", "v@example.com"], pending.Select(p => p.GetProperty("email").GetString()).Order());
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Members_and_viewers_cannot_invite_list_or_revoke(string role)
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var caller = await AddMember(owner, id, role);
        var (invitationId, _) = await Invite(owner, id, "p@example.com", "viewer");

        await AssertProblem(await Client(caller).PostAsJsonAsync($"/v1/workspaces/{id}/invitations", new { email = "x@example.com", role = "viewer" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
        await AssertProblem(await Client(caller).GetAsync($"/v1/workspaces/{id}/invitations", Ct), HttpStatusCode.Forbidden, "insufficient-role");
        await AssertProblem(await Client(caller).DeleteAsync($"/v1/workspaces/{id}/invitations/{invitationId}", Ct), HttpStatusCode.Forbidden, "insufficient-role");

        var pending = (await Json(await Client(owner).GetAsync($"/v1/workspaces/{id}/invitations", Ct))).EnumerateArray().ToList();
        Assert.Equal([invitationId], pending.Select(p => p.GetProperty("id").GetGuid()));
    }

    [Theory]
    [InlineData("", "member", new[] { "email" })]
    [InlineData("not-an-email", "member", new[] { "email" })]
    [InlineData("a@example.com", "king", new[] { "role" })]
    [InlineData(null, null, new[] { "email", "role" })]
    public async Task An_invalid_invitation_is_a_validation_problem_naming_the_fields(string? email, string? role, string[] fields)
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);

        await AssertValidation(await Client(owner).PostAsJsonAsync($"/v1/workspaces/{id}/invitations", new { email, role }, Ct), fields);
        Assert.Empty((await Json(await Client(owner).GetAsync($"/v1/workspaces/{id}/invitations", Ct))).EnumerateArray());
    }

    [Fact]
    public async Task Inviting_an_existing_member_is_a_conflict_whatever_the_case_and_creates_nothing()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var member = await AddMember(owner, id, "member");
        var before = (await Outbox("InvitationCreated")).Count;

        await AssertProblem(await Client(owner).PostAsJsonAsync($"/v1/workspaces/{id}/invitations", new { email = member.Email.ToUpperInvariant(), role = "admin" }, Ct), HttpStatusCode.Conflict, "already-member");

        Assert.Empty((await Json(await Client(owner).GetAsync($"/v1/workspaces/{id}/invitations", Ct))).EnumerateArray());
        Assert.Equal(before, (await Outbox("InvitationCreated")).Count);
        Assert.Equal("member", await RoleOf(id, member.Id));
    }

    [Fact]
    public async Task Reinviting_a_pending_email_resends_the_same_invitation_with_the_new_role()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var invitee = TestUser.New();
        var (oldId, oldToken) = await Invite(owner, id, invitee.Email, "viewer");
        var before = (await Outbox("InvitationCreated")).Count;

        var again = await Client(owner).PostAsJsonAsync($"/v1/workspaces/{id}/invitations", new { email = invitee.Email.ToUpperInvariant(), role = "admin" }, Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = await Json(again);
        Assert.Equal((oldId, true, "admin"), (body.GetProperty("id").GetGuid(), body.GetProperty("resent").GetBoolean(), body.GetProperty("role").GetString()));
        Assert.Equal(before + 1, (await Outbox("InvitationCreated")).Count);
        var pending = (await Json(await Client(owner).GetAsync($"/v1/workspaces/{id}/invitations", Ct))).EnumerateArray().ToList();
        Assert.Equal([oldId], pending.Select(p => p.GetProperty("id").GetGuid()));

        // The resend endpoint does the same for a listed invitation; an unknown one is 404.
        var resent = await Client(owner).PostAsync($"/v1/workspaces/{id}/invitations/{oldId}/resend", null, Ct);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.True((await Json(resent)).GetProperty("resent").GetBoolean());
        await AssertProblem(await Client(owner).PostAsync($"/v1/workspaces/{id}/invitations/{Guid.NewGuid()}/resend", null, Ct), HttpStatusCode.NotFound);

        // The newest mailed link accepts, with the role of the last invitation.
        var newToken = (await Outbox("InvitationCreated")).Last(e => e.GetProperty("invitationId").GetGuid() == oldId).GetProperty("token").GetString();
        Assert.NotEqual(oldToken, newToken);
        var accepted = await Client(invitee).PostAsJsonAsync("/v1/invitations/accept", new { token = newToken }, Ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("admin", (await Json(accepted)).GetProperty("role").GetString());
    }

    [Fact]
    public async Task The_invited_person_accepts_and_becomes_a_member()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner, "Join Me");
        var invitee = TestUser.New("Ines Invitee");
        var (_, token) = await Invite(owner, id, invitee.Email, "member");

        var response = await Client(invitee).PostAsJsonAsync("/v1/invitations/accept", new { token }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        Assert.Equal(id, body.GetProperty("workspaceId").GetGuid());
        Assert.Equal("member", body.GetProperty("role").GetString());

        var joined = Assert.Single(await Members(invitee, id), m => m.GetProperty("userId").GetGuid() == invitee.Id);
        Assert.Equal(invitee.Email, joined.GetProperty("email").GetString());
        Assert.Equal("Ines Invitee", joined.GetProperty("displayName").GetString());
        Assert.Equal("member", joined.GetProperty("role").GetString());
        var mine = Assert.Single((await Json(await Client(invitee).GetAsync("/v1/workspaces", Ct))).EnumerateArray());
        Assert.Equal("Join Me", mine.GetProperty("name").GetString());
        Assert.Empty((await Json(await Client(owner).GetAsync($"/v1/workspaces/{id}/invitations", Ct))).EnumerateArray());
        Assert.Single(await Outbox("MemberAdded"), e => e.GetProperty("workspaceId").GetGuid() == id && e.GetProperty("userId").GetGuid() == invitee.Id && e.GetProperty("role").GetString() == "member");

        // The token is spent.
        await AssertProblem(await Client(invitee).PostAsJsonAsync("/v1/invitations/accept", new { token }, Ct), HttpStatusCode.Gone, "invitation-used");
    }

    [Fact]
    public async Task The_invited_email_matches_whatever_its_case()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var invitee = TestUser.New();
        var (_, token) = await Invite(owner, id, invitee.Email.ToUpperInvariant(), "viewer");

        Assert.Equal(HttpStatusCode.OK, (await Client(invitee).PostAsJsonAsync("/v1/invitations/accept", new { token }, Ct)).StatusCode);
        Assert.Equal("viewer", await RoleOf(id, invitee.Id));
    }

    [Fact]
    public async Task Someone_with_a_different_email_cannot_accept_and_nothing_changes()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var invitee = TestUser.New();
        var intruder = TestUser.New();
        var (_, token) = await Invite(owner, id, invitee.Email, "admin");

        await AssertProblem(await Client(intruder).PostAsJsonAsync("/v1/invitations/accept", new { token }, Ct), HttpStatusCode.Forbidden, "invitation-email-mismatch");

        Assert.Null(await RoleOf(id, intruder.Id));
        Assert.Single((await Json(await Client(owner).GetAsync($"/v1/workspaces/{id}/invitations", Ct))).EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await Client(invitee).PostAsJsonAsync("/v1/invitations/accept", new { token }, Ct)).StatusCode);
    }

    [Fact]
    public async Task An_expired_invitation_cannot_be_accepted()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var invitee = TestUser.New();
        var (invitationId, token) = await Invite(owner, id, invitee.Email, "member");
        await WithDb(db => db.Invitations.Where(i => i.Id == invitationId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.ExpiresAt, DateTime.UtcNow.AddMinutes(-1)), Ct));

        await AssertProblem(await Client(invitee).PostAsJsonAsync("/v1/invitations/accept", new { token }, Ct), HttpStatusCode.Gone, "invitation-expired");

        Assert.Null(await RoleOf(id, invitee.Id));
        Assert.Empty((await Json(await Client(owner).GetAsync($"/v1/workspaces/{id}/invitations", Ct))).EnumerateArray());
        Assert.Empty((await Json(await Client(invitee).GetAsync("/v1/invitations", Ct))).EnumerateArray());
    }

    [Fact]
    public async Task A_revoked_invitation_cannot_be_accepted()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var admin = await AddMember(owner, id, "admin");
        var invitee = TestUser.New();
        var (invitationId, token) = await Invite(owner, id, invitee.Email, "member");

        Assert.Equal(HttpStatusCode.NoContent, (await Client(admin).DeleteAsync($"/v1/workspaces/{id}/invitations/{invitationId}", Ct)).StatusCode);

        await AssertProblem(await Client(invitee).PostAsJsonAsync("/v1/invitations/accept", new { token }, Ct), HttpStatusCode.Gone, "invitation-revoked");
        Assert.Null(await RoleOf(id, invitee.Id));
        Assert.Empty((await Json(await Client(owner).GetAsync($"/v1/workspaces/{id}/invitations", Ct))).EnumerateArray());
        await AssertProblem(await Client(owner).DeleteAsync($"/v1/workspaces/{id}/invitations/{invitationId}", Ct), HttpStatusCode.NotFound, "invitation-not-found");
    }

    [Fact]
    public async Task Revoking_an_invitation_of_another_workspace_is_404()
    {
        var owner = TestUser.New();
        var mine = await CreateWorkspace(owner);
        var other = TestUser.New();
        var theirs = await CreateWorkspace(other);
        var (invitationId, _) = await Invite(other, theirs, "p@example.com", "member");

        await AssertProblem(await Client(owner).DeleteAsync($"/v1/workspaces/{mine}/invitations/{invitationId}", Ct), HttpStatusCode.NotFound, "invitation-not-found");
        await AssertProblem(await Client(owner).DeleteAsync($"/v1/workspaces/{mine}/invitations/{Guid.NewGuid()}", Ct), HttpStatusCode.NotFound, "invitation-not-found");
        Assert.Single((await Json(await Client(other).GetAsync($"/v1/workspaces/{theirs}/invitations", Ct))).EnumerateArray());
    }

    [Fact]
    public async Task Accepting_an_unknown_or_missing_token()
    {
        var caller = Client(TestUser.New());
        await AssertProblem(await caller.PostAsJsonAsync("/v1/invitations/accept", new { token = "bm90LWEtcmVhbC10b2tlbi1hdC1hbGwtYXQtYWxsLWF0LWFsbA" }, Ct), HttpStatusCode.NotFound, "invitation-not-found");
        await AssertValidation(await caller.PostAsJsonAsync("/v1/invitations/accept", new { token = "" }, Ct), "token");
        await AssertValidation(await caller.PostAsJsonAsync("/v1/invitations/accept", new { }, Ct), "token");
    }

    [Fact]
    public async Task A_member_accepting_another_invitation_to_the_same_workspace_is_a_conflict()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var member = await AddMember(owner, id, "viewer");
        // The invitation was made before the email was known as a member's, e.g. after a profile change.
        await WithDb(db => db.Memberships.Where(m => m.UserId == member.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.NormalizedEmail, "old@example.com"), Ct));
        var (_, token) = await Invite(owner, id, member.Email, "admin");

        await AssertProblem(await Client(member).PostAsJsonAsync("/v1/invitations/accept", new { token }, Ct), HttpStatusCode.Conflict, "already-member");
        Assert.Equal("viewer", await RoleOf(id, member.Id));
    }

    [Fact]
    public async Task I_see_the_pending_invitations_addressed_to_me_only()
    {
        var owner = TestUser.New("Olivia Owner");
        var first = await CreateWorkspace(owner, "First");
        var second = await CreateWorkspace(owner, "Second");
        var me = TestUser.New();
        var (firstInvitation, firstToken) = await Invite(owner, first, me.Email.ToUpperInvariant(), "viewer");
        var (secondInvitation, _) = await Invite(owner, second, me.Email, "admin");
        await Invite(owner, first, "someone-else@example.com", "member");

        var mine = (await Json(await Client(me).GetAsync("/v1/invitations", Ct))).EnumerateArray().ToList();

        Assert.Equal([secondInvitation, firstInvitation], mine.Select(i => i.GetProperty("id").GetGuid()));
        Assert.Equal(["Second", "First"], mine.Select(i => i.GetProperty("workspaceName").GetString()));
        Assert.Equal(["admin", "viewer"], mine.Select(i => i.GetProperty("role").GetString()));
        Assert.All(mine, i => Assert.Equal("Olivia Owner", i.GetProperty("invitedByName").GetString()));
        Assert.All(mine, i => Assert.False(i.TryGetProperty("token", out _)));

        Assert.Equal(HttpStatusCode.OK, (await Client(me).PostAsJsonAsync("/v1/invitations/accept", new { token = firstToken }, Ct)).StatusCode);
        var left = (await Json(await Client(me).GetAsync("/v1/invitations", Ct))).EnumerateArray().ToList();
        Assert.Equal([secondInvitation], left.Select(i => i.GetProperty("id").GetGuid()));
        Assert.Empty((await Json(await Client(TestUser.New()).GetAsync("/v1/invitations", Ct))).EnumerateArray());
    }

    [Fact]
    public async Task Owners_and_admins_list_pending_invitations()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var admin = await AddMember(owner, id, "admin");
        var (invitationId, _) = await Invite(owner, id, "pending@example.com", "viewer");

        foreach (var caller in new[] { owner, admin })
        {
            var list = (await Json(await Client(caller).GetAsync($"/v1/workspaces/{id}/invitations", Ct))).EnumerateArray().ToList();
            var only = Assert.Single(list);
            Assert.Equal(invitationId, only.GetProperty("id").GetGuid());
            Assert.Equal("pending@example.com", only.GetProperty("email").GetString());
            Assert.Equal("viewer", only.GetProperty("role").GetString());
            Assert.Equal("pending", only.GetProperty("status").GetString());
        }
    }
}

public sealed class SqliteInvitationEndpointTests(SqliteWorkspacesApp app) : InvitationEndpointTests(app), IClassFixture<SqliteWorkspacesApp>;

public sealed class PostgresInvitationEndpointTests(PostgresWorkspacesApp app) : InvitationEndpointTests(app), IClassFixture<PostgresWorkspacesApp>;
