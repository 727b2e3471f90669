using System.Net;
using System.Net.Http.Json;

namespace TaskFlow.Workspaces.Tests;

public abstract class WorkspaceEndpointTests(WorkspacesApp app) : WorkspacesTestBase(app)
{
    [Fact]
    public async Task Create_returns_the_workspace_with_the_creator_as_owner()
    {
        var owner = TestUser.New();
        var response = await Client(owner).PostAsJsonAsync("/v1/workspaces", new { name = "  Acme Café Team " }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json(response);
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/v1/workspaces/{id}", response.Headers.Location?.ToString());
        Assert.Equal("Acme Café Team", body.GetProperty("name").GetString());
        Assert.StartsWith("acme-cafe-team", body.GetProperty("slug").GetString(), StringComparison.Ordinal);
        Assert.Equal("owner", body.GetProperty("role").GetString());
        Assert.True(body.GetProperty("createdAt").GetDateTime() > DateTime.UtcNow.AddMinutes(-5));

        var member = Assert.Single(await Members(owner, id));
        Assert.Equal(owner.Id, member.GetProperty("userId").GetGuid());
        Assert.Equal(owner.Email, member.GetProperty("email").GetString());
        Assert.Equal(owner.DisplayName, member.GetProperty("displayName").GetString());
        Assert.Equal("owner", member.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Create_publishes_WorkspaceCreated_and_MemberAdded()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner, "Events");

        var created = Assert.Single(await Outbox("WorkspaceCreated"), e => e.GetProperty("workspaceId").GetGuid() == id);
        Assert.Equal("Events", created.GetProperty("name").GetString());
        Assert.Equal(owner.Id, created.GetProperty("ownerId").GetGuid());
        var added = Assert.Single(await Outbox("MemberAdded"), e => e.GetProperty("workspaceId").GetGuid() == id);
        Assert.Equal(owner.Id, added.GetProperty("userId").GetGuid());
        Assert.Equal("owner", added.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Workspaces_with_the_same_name_get_different_slugs()
    {
        var owner = TestUser.New();
        var name = "Same " + Guid.NewGuid().ToString("N")[..8];
        var first = await Json(await Client(owner).PostAsJsonAsync("/v1/workspaces", new { name }, Ct));
        var second = await Json(await Client(owner).PostAsJsonAsync("/v1/workspaces", new { name }, Ct));
        Assert.NotEqual(first.GetProperty("slug").GetString(), second.GetProperty("slug").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task Create_without_a_name_is_a_validation_problem_naming_name(string? name)
    {
        var owner = TestUser.New();
        var response = await Client(owner).PostAsJsonAsync("/v1/workspaces", new { name }, Ct);
        await AssertValidation(response, "name");
        Assert.Empty((await Json(await Client(owner).GetAsync("/v1/workspaces", Ct))).EnumerateArray());
    }

    [Fact]
    public async Task Create_with_a_name_over_100_characters_is_a_validation_problem()
    {
        var response = await Client(TestUser.New()).PostAsJsonAsync("/v1/workspaces", new { name = new string('a', 101) }, Ct);
        await AssertValidation(response, "name");
        var ok = await Client(TestUser.New()).PostAsJsonAsync("/v1/workspaces", new { name = new string('a', 100) }, Ct);
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
    }

    [Fact]
    public async Task Every_endpoint_refuses_anonymous_callers_with_401()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        var other = Guid.NewGuid();
        (HttpMethod Method, string Path)[] endpoints =
        [
            (HttpMethod.Post, "/v1/workspaces"),
            (HttpMethod.Get, "/v1/workspaces"),
            (HttpMethod.Get, $"/v1/workspaces/{id}"),
            (HttpMethod.Patch, $"/v1/workspaces/{id}"),
            (HttpMethod.Delete, $"/v1/workspaces/{id}"),
            (HttpMethod.Get, $"/v1/workspaces/{id}/members"),
            (HttpMethod.Patch, $"/v1/workspaces/{id}/members/{owner.Id}"),
            (HttpMethod.Delete, $"/v1/workspaces/{id}/members/{owner.Id}"),
            (HttpMethod.Post, $"/v1/workspaces/{id}/invitations"),
            (HttpMethod.Get, $"/v1/workspaces/{id}/invitations"),
            (HttpMethod.Delete, $"/v1/workspaces/{id}/invitations/{other}"),
            (HttpMethod.Get, "/v1/invitations"),
            (HttpMethod.Post, "/v1/invitations/accept"),
        ];
        var anonymous = Anonymous();
        foreach (var (method, path) in endpoints)
        {
            using var request = new HttpRequestMessage(method, path);
            if (method != HttpMethod.Get && method != HttpMethod.Delete) request.Content = JsonContent.Create(new { name = "x", role = "viewer", email = "a@b.c", token = "t" });
            var response = await anonymous.SendAsync(request, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} gave {response.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.OK, (await Client(owner).GetAsync($"/v1/workspaces/{id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_token_with_a_forged_signature_is_401()
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.For(TestUser.New())[..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/workspaces", Ct)).StatusCode);
    }

    [Fact]
    public async Task List_shows_only_the_callers_workspaces_with_their_role()
    {
        var alice = TestUser.New();
        var bob = TestUser.New();
        var mine = await CreateWorkspace(alice, "Alice's");
        var bobs = await CreateWorkspace(bob, "Bob's");
        var viewer = await AddMember(bob, bobs, "viewer");
        await CreateWorkspace(TestUser.New(), "Someone else's");

        var list = (await Json(await Client(alice).GetAsync("/v1/workspaces", Ct))).EnumerateArray().ToList();
        var only = Assert.Single(list);
        Assert.Equal(mine, only.GetProperty("id").GetGuid());
        Assert.Equal("owner", only.GetProperty("role").GetString());

        var viewersList = (await Json(await Client(viewer).GetAsync("/v1/workspaces", Ct))).EnumerateArray().ToList();
        var shared = Assert.Single(viewersList);
        Assert.Equal(bobs, shared.GetProperty("id").GetGuid());
        Assert.Equal("Bob's", shared.GetProperty("name").GetString());
        Assert.Equal("viewer", shared.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Get_returns_details_to_any_member()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner, "Details");
        var viewer = await AddMember(owner, id, "viewer");

        var response = await Client(viewer).GetAsync($"/v1/workspaces/{id}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        Assert.Equal(id, body.GetProperty("id").GetGuid());
        Assert.Equal("Details", body.GetProperty("name").GetString());
        Assert.Equal("details", body.GetProperty("slug").GetString()![..7]);
        Assert.Equal("viewer", body.GetProperty("role").GetString());
        Assert.Equal(2, body.GetProperty("memberCount").GetInt32());
    }

    [Fact]
    public async Task An_outsider_gets_404_for_everything_under_a_workspace()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner, "Secret");
        var (invitationId, _) = await Invite(owner, id, "someone@example.com", "member");
        var outsider = Client(TestUser.New());

        var responses = new[]
        {
            await outsider.GetAsync($"/v1/workspaces/{id}", Ct),
            await outsider.PatchAsJsonAsync($"/v1/workspaces/{id}", new { name = "Mine now" }, Ct),
            await outsider.DeleteAsync($"/v1/workspaces/{id}", Ct),
            await outsider.GetAsync($"/v1/workspaces/{id}/members", Ct),
            await outsider.PatchAsJsonAsync($"/v1/workspaces/{id}/members/{owner.Id}", new { role = "viewer" }, Ct),
            await outsider.DeleteAsync($"/v1/workspaces/{id}/members/{owner.Id}", Ct),
            await outsider.PostAsJsonAsync($"/v1/workspaces/{id}/invitations", new { email = "x@example.com", role = "member" }, Ct),
            await outsider.GetAsync($"/v1/workspaces/{id}/invitations", Ct),
            await outsider.DeleteAsync($"/v1/workspaces/{id}/invitations/{invitationId}", Ct),
        };
        foreach (var response in responses)
        {
            var problem = await AssertProblem(response, HttpStatusCode.NotFound, "workspace-not-found");
            Assert.DoesNotContain("Secret", problem.GetRawText(), StringComparison.Ordinal);
        }

        // An unknown workspace looks exactly the same.
        await AssertProblem(await outsider.GetAsync($"/v1/workspaces/{Guid.NewGuid()}", Ct), HttpStatusCode.NotFound, "workspace-not-found");

        var details = await Json(await Client(owner).GetAsync($"/v1/workspaces/{id}", Ct));
        Assert.Equal("Secret", details.GetProperty("name").GetString());
        Assert.Single(await Members(owner, id));
        Assert.Single((await Json(await Client(owner).GetAsync($"/v1/workspaces/{id}/invitations", Ct))).EnumerateArray());
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("admin")]
    public async Task Owners_and_admins_rename(string role)
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner, "Old");
        var caller = role == "owner" ? owner : await AddMember(owner, id, role);
        var slug = (await Json(await Client(owner).GetAsync($"/v1/workspaces/{id}", Ct))).GetProperty("slug").GetString();

        var response = await Client(caller).PatchAsJsonAsync($"/v1/workspaces/{id}", new { name = "New name" }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        Assert.Equal("New name", body.GetProperty("name").GetString());
        Assert.Equal(slug, body.GetProperty("slug").GetString());
        Assert.Equal("New name", (await Json(await Client(owner).GetAsync($"/v1/workspaces/{id}", Ct))).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Members_and_viewers_cannot_rename(string role)
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner, "Old");
        var caller = await AddMember(owner, id, role);

        var response = await Client(caller).PatchAsJsonAsync($"/v1/workspaces/{id}", new { name = "New" }, Ct);

        await AssertProblem(response, HttpStatusCode.Forbidden, "insufficient-role");
        Assert.Equal("Old", (await Json(await Client(owner).GetAsync($"/v1/workspaces/{id}", Ct))).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Rename_with_an_invalid_name_is_a_validation_problem_and_changes_nothing()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner, "Old");

        await AssertValidation(await Client(owner).PatchAsJsonAsync($"/v1/workspaces/{id}", new { name = "" }, Ct), "name");
        await AssertValidation(await Client(owner).PatchAsJsonAsync($"/v1/workspaces/{id}", new { name = new string('x', 101) }, Ct), "name");

        Assert.Equal("Old", (await Json(await Client(owner).GetAsync($"/v1/workspaces/{id}", Ct))).GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_owner_deletes_a_workspace_and_it_is_gone_for_everyone()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner, "Doomed");
        var member = await AddMember(owner, id, "member");
        await Invite(owner, id, "pending@example.com", "viewer");

        var response = await Client(owner).DeleteAsync($"/v1/workspaces/{id}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await AssertProblem(await Client(owner).GetAsync($"/v1/workspaces/{id}", Ct), HttpStatusCode.NotFound, "workspace-not-found");
        await AssertProblem(await Client(member).GetAsync($"/v1/workspaces/{id}/members", Ct), HttpStatusCode.NotFound, "workspace-not-found");
        Assert.Empty((await Json(await Client(member).GetAsync("/v1/workspaces", Ct))).EnumerateArray());
        Assert.Single(await Outbox("WorkspaceDeleted"), e => e.GetProperty("workspaceId").GetGuid() == id);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Only_owners_delete_a_workspace(string role)
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner, "Kept");
        var caller = await AddMember(owner, id, role);

        await AssertProblem(await Client(caller).DeleteAsync($"/v1/workspaces/{id}", Ct), HttpStatusCode.Forbidden, "insufficient-role");

        Assert.Equal(HttpStatusCode.OK, (await Client(owner).GetAsync($"/v1/workspaces/{id}", Ct)).StatusCode);
        Assert.Equal(2, (await Members(owner, id)).Count);
    }
}

public sealed class SqliteWorkspaceEndpointTests(SqliteWorkspacesApp app) : WorkspaceEndpointTests(app), IClassFixture<SqliteWorkspacesApp>;

public sealed class PostgresWorkspaceEndpointTests(PostgresWorkspacesApp app) : WorkspaceEndpointTests(app), IClassFixture<PostgresWorkspacesApp>;
