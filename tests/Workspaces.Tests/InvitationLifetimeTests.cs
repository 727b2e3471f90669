using System.Net;
using System.Net.Http.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Workspaces.Tests;

/// <summary>The host with <c>Workspaces:InvitationLifetime</c> set to one hour.</summary>
public class OneHourInvitationsApp(Provider provider) : WorkspacesApp(provider)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Workspaces:InvitationLifetime", "01:00:00")];
}

public sealed class SqliteOneHourInvitationsApp() : OneHourInvitationsApp(Provider.Sqlite);

public sealed class PostgresOneHourInvitationsApp() : OneHourInvitationsApp(Provider.Postgres);

public abstract class InvitationLifetimeTests(WorkspacesApp app) : WorkspacesTestBase(app)
{
    [Fact]
    public async Task Invitations_expire_after_the_configured_lifetime()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);

        var response = await Client(owner).PostAsJsonAsync($"/v1/workspaces/{id}/invitations", new { email = "soon@example.com", role = "member" }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var expiresAt = (await Json(response)).GetProperty("expiresAt").GetDateTime();
        Assert.InRange(expiresAt, DateTime.UtcNow.AddMinutes(55), DateTime.UtcNow.AddMinutes(65));
    }
}

public sealed class SqliteInvitationLifetimeTests(SqliteOneHourInvitationsApp app) : InvitationLifetimeTests(app), IClassFixture<SqliteOneHourInvitationsApp>;

public sealed class PostgresInvitationLifetimeTests(PostgresOneHourInvitationsApp app) : InvitationLifetimeTests(app), IClassFixture<PostgresOneHourInvitationsApp>;
