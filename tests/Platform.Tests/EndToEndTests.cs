using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using TaskFlow.TestKit;

namespace TaskFlow.Platform.Tests;

/// <summary>Journeys across identity, workspaces and notifications in one all-in-one host, with mail read from the sink.</summary>
public abstract partial class EndToEndTests(TaskFlowApp app)
{
    readonly CancellationToken ct = TestContext.Current.CancellationToken;

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex TokenInLink();

    static string Token(MimeKit.MimeMessage mail) => TokenInLink().Match(mail.TextBody ?? "").Groups[1].Value;

    [Fact]
    public async Task Sign_up_verify_create_a_workspace_invite_by_email_and_accept()
    {
        var anonymous = app.CreateClient();
        var owner = await Accounts.Register(anonymous, displayName: "Olivia Owner");
        var invitee = await Accounts.Register(anonymous, displayName: "Ivan Invitee");

        var welcome = await app.WaitForMail(owner.Email, m => (m.Subject ?? "").Contains("Welcome", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Olivia Owner", welcome.TextBody, StringComparison.Ordinal);

        var verification = await app.WaitForMail(owner.Email, m => (m.Subject ?? "").Contains("Verify", StringComparison.OrdinalIgnoreCase));
        var verified = await anonymous.PostAsJsonAsync("/v1/auth/email/verify", new { token = Token(verification) }, ct);
        Assert.Equal(HttpStatusCode.NoContent, verified.StatusCode);

        var ownerClient = app.Authorized(await Accounts.SignIn(anonymous, owner.Email, owner.Password));
        var me = await ownerClient.GetFromJsonAsync<JsonElement>("/v1/users/me", ct);
        Assert.True(me.GetProperty("emailVerified").GetBoolean());

        var created = await ownerClient.PostAsJsonAsync("/v1/workspaces", new { name = "Acme" }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var workspaceId = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();

        var invited = await ownerClient.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/invitations", new { email = invitee.Email, role = "member" }, ct);
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);

        var invitation = await app.WaitForMail(invitee.Email, m => (m.TextBody ?? "").Contains("Acme", StringComparison.Ordinal));
        // Names chosen by the sender stay in the body, never in the subject.
        Assert.Contains("Olivia Owner", invitation.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Olivia", invitation.Subject, StringComparison.Ordinal);
        Assert.Contains("/invitations/accept?token=", invitation.TextBody, StringComparison.Ordinal);

        var inviteeClient = app.Authorized(await Accounts.SignIn(anonymous, invitee.Email, invitee.Password));
        Assert.Equal(HttpStatusCode.NotFound, (await inviteeClient.GetAsync(new Uri($"/v1/workspaces/{workspaceId}", UriKind.Relative), ct)).StatusCode);

        var accepted = await inviteeClient.PostAsJsonAsync("/v1/invitations/accept", new { token = Token(invitation) }, ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        var members = await ownerClient.GetFromJsonAsync<JsonElement>($"/v1/workspaces/{workspaceId}/members", ct);
        var invitedMember = members.EnumerateArray().Single(m => m.GetProperty("email").GetString() == invitee.Email);
        Assert.Equal("member", invitedMember.GetProperty("role").GetString());
        Assert.Equal("Ivan Invitee", invitedMember.GetProperty("displayName").GetString());

        var workspaces = await inviteeClient.GetFromJsonAsync<JsonElement>("/v1/workspaces", ct);
        Assert.Contains(Items(workspaces), w => w.GetProperty("id").GetGuid() == workspaceId);
    }

    [Fact]
    public async Task Forgotten_password_is_reset_from_the_emailed_link_and_old_sessions_end()
    {
        var anonymous = app.CreateClient();
        var user = await Accounts.Register(anonymous);
        var login = await anonymous.PostAsJsonAsync("/v1/auth/login", new { email = user.Email, password = user.Password }, ct);
        var refreshToken = (await login.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("refreshToken").GetString();

        Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/v1/auth/password/forgot", new { email = user.Email }, ct)).StatusCode);
        var mail = await app.WaitForMail(user.Email, m => (m.Subject ?? "").Contains("password", StringComparison.OrdinalIgnoreCase));

        var reset = await anonymous.PostAsJsonAsync("/v1/auth/password/reset", new { token = Token(mail), newPassword = "a-Brand-new-secret-42" }, ct);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/v1/auth/login", new { email = user.Email, password = user.Password }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/v1/auth/login", new { email = user.Email, password = "a-Brand-new-secret-42" }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/v1/auth/refresh", new { refreshToken }, ct)).StatusCode);
    }

    static IEnumerable<JsonElement> Items(JsonElement list) =>
        list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : list.GetProperty("data").EnumerateArray();
}

public sealed class SqliteEndToEndTests(SqliteApp app) : EndToEndTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresEndToEndTests(PostgresApp app) : EndToEndTests(app), IClassFixture<PostgresApp>;
