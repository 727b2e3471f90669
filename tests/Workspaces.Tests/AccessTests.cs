using System.Net;
using System.Net.Http.Json;

namespace TaskFlow.Workspaces.Tests;

/// <summary>
/// Every endpoint of the workspaces service against every kind of caller, all signed in through identity: anonymous 401;
/// a user of another workspace 404 on the workspace's routes and nothing of it on their own lists; a member 403 where
/// admins are needed, an admin 403 where only owners are. The table is compared with the app's route table, so an
/// endpoint added without a row fails the suite.
/// </summary>
public abstract class AccessTests(TaskFlowApp app) : WorkspacesTestBase(app)
{
    protected override bool UsersSignInThroughIdentity => true;

    const string Secret = "Secret launch workspace";

    /// <summary>
    /// <see cref="Needs.Anyone"/>: a route about the caller's own account (their workspaces, their invitations), where an
    /// outsider is answered about themselves; the others are a workspace's routes and need the workspace role named.
    /// </summary>
    enum Needs { Anyone, Member, Admin, Owner }

    sealed record Context(Guid WorkspaceId, Guid OwnerId, Guid InvitationId, Guid DoomedInvitationId, string Token);

    sealed record Row(string Method, string Pattern, Func<Context, string> Path, Func<Context, object?> Body, Needs Needs);

    static string NewAddress() => $"invitee-{Guid.NewGuid():N}@example.test";

    static string W(Context c) => $"/v1/workspaces/{c.WorkspaceId}";

    static readonly Row[] Table =
    [
        new("POST", "/v1/workspaces", _ => "/v1/workspaces", _ => new { name = "Mine" }, Needs.Anyone),
        new("GET", "/v1/workspaces", _ => "/v1/workspaces", _ => null, Needs.Anyone),
        new("GET", "/v1/workspaces/sole-ownerships", _ => "/v1/workspaces/sole-ownerships", _ => null, Needs.Anyone),
        new("GET", "/v1/invitations", _ => "/v1/invitations", _ => null, Needs.Anyone),
        // An invitation is accepted only by the address it was sent to: everyone else is refused (403), whatever their role.
        new("POST", "/v1/invitations/accept", _ => "/v1/invitations/accept", c => new { token = c.Token }, Needs.Anyone),
        new("GET", "/v1/workspaces/{workspaceId}", W, _ => null, Needs.Member),
        new("PATCH", "/v1/workspaces/{workspaceId}", W, _ => new { name = "Renamed" }, Needs.Admin),
        new("DELETE", "/v1/workspaces/{workspaceId}", W, _ => null, Needs.Owner),
        new("GET", "/v1/workspaces/{workspaceId}/members", c => $"{W(c)}/members", _ => null, Needs.Member),
        new("PATCH", "/v1/workspaces/{workspaceId}/members/{userId}", c => $"{W(c)}/members/{c.OwnerId}", _ => new { role = "member" }, Needs.Owner),
        new("DELETE", "/v1/workspaces/{workspaceId}/members/{userId}", c => $"{W(c)}/members/{c.OwnerId}", _ => null, Needs.Owner),
        new("POST", "/v1/workspaces/{workspaceId}/invitations", c => $"{W(c)}/invitations", _ => new { email = NewAddress(), role = "member" }, Needs.Admin),
        new("GET", "/v1/workspaces/{workspaceId}/invitations", c => $"{W(c)}/invitations", _ => null, Needs.Admin),
        new("POST", "/v1/workspaces/{workspaceId}/invitations/{invitationId}/resend", c => $"{W(c)}/invitations/{c.InvitationId}/resend", _ => null, Needs.Admin),
        new("DELETE", "/v1/workspaces/{workspaceId}/invitations/{invitationId}", c => $"{W(c)}/invitations/{c.DoomedInvitationId}", _ => null, Needs.Admin),
    ];

    [Fact]
    public void The_table_covers_every_route_of_the_workspaces_service_and_none_is_anonymous()
    {
        var routes = RouteTable.Of<WorkspacesModule>(App.Services);
        Assert.Equal(Table.Select(r => $"{r.Method} {r.Pattern}").Order(StringComparer.Ordinal), routes.Select(r => r.ToString()));
        Assert.Empty(routes.Where(r => r.AllowsAnonymous).Select(r => r.ToString()));
    }

    [Fact]
    public async Task Every_endpoint_refuses_anonymous_outsiders_and_callers_without_the_role()
    {
        var owner = await NewUser("Olivia Owner");
        var workspaceId = await CreateWorkspace(owner, Secret);
        var admin = await AddMember(owner, workspaceId, "admin");
        var member = await AddMember(owner, workspaceId, "member");
        var outsider = await NewUser("Oscar Outsider");
        var (invitationId, token) = await Invite(owner, workspaceId, NewAddress(), "member");
        var (doomedId, _) = await Invite(owner, workspaceId, NewAddress(), "viewer");
        var c = new Context(workspaceId, owner.Id, invitationId, doomedId, token);

        foreach (var row in Table)
        {
            var what = $"{row.Method} {row.Pattern}";
            Assert.True(HttpStatusCode.Unauthorized == (await Send(Anonymous(), row, c)).StatusCode, $"{what} anonymous");

            var asOutsider = await Send(Client(outsider), row, c);
            Assert.DoesNotContain(Secret, await asOutsider.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            if (row.Pattern == "/v1/invitations/accept")
            {
                foreach (var caller in new[] { outsider, member, admin })
                    await AssertProblem(caller == outsider ? asOutsider : await Send(Client(caller), row, c), HttpStatusCode.Forbidden, "invitation-email-mismatch");
                continue;
            }
            if (row.Needs == Needs.Anyone)
            {
                Assert.True(asOutsider.IsSuccessStatusCode, $"{what} outsider: {(int)asOutsider.StatusCode}");
                continue;
            }
            Assert.True(HttpStatusCode.NotFound == asOutsider.StatusCode, $"{what} outsider: {(int)asOutsider.StatusCode}");
            await AssertProblem(asOutsider, HttpStatusCode.NotFound, "workspace-not-found");

            foreach (var (name, caller, role) in new[] { ("member", member, Needs.Member), ("admin", admin, Needs.Admin) })
            {
                var response = await Send(Client(caller), row, c);
                if (role >= row.Needs)
                {
                    Assert.True(response.IsSuccessStatusCode, $"{what} by {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
                }
                else
                {
                    Assert.True(HttpStatusCode.Forbidden == response.StatusCode, $"{what} by {name}: {(int)response.StatusCode}");
                    await AssertProblem(response, HttpStatusCode.Forbidden, "insufficient-role");
                }
            }
        }

        // The owner is still the owner of the workspace the admin renamed; nobody joined through the invitation.
        Assert.Equal("owner", await RoleOf(workspaceId, owner.Id));
        var workspace = await Json(await Client(owner).GetAsync($"/v1/workspaces/{workspaceId}", Ct));
        Assert.Equal("Renamed", workspace.GetProperty("name").GetString());
        Assert.Equal(3, (await Members(owner, workspaceId)).Count);
    }

    static async Task<HttpResponseMessage> Send(HttpClient client, Row row, Context c)
    {
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), row.Path(c));
        if (row.Body(c) is { } body) request.Content = JsonContent.Create(body);
        return await client.SendAsync(request, Ct);
    }
}

public sealed class SqliteAccessTests(SqliteApp app) : AccessTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresAccessTests(PostgresApp app) : AccessTests(app), IClassFixture<PostgresApp>;
