using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TaskFlow.Identity.Tests;

/// <summary>
/// Every endpoint of the identity service: the allow-listed anonymous ones (signing up and in, refreshing, password
/// reset, email verification by link, the public keys) answer without a token; every other one is 401 without a token
/// and with a token signed by a key identity never issued, and answers a signed-in user about themselves only (another
/// user's address never appears, their account is unchanged). The table is compared with the app's route table, so an
/// endpoint added without a row fails the suite.
/// </summary>
public abstract class AccessTests(TaskFlowApp app) : IdentityTestBase(app)
{
    const string WrongPassword = "wrong-Horse-battery-1";

    /// <summary>
    /// <c>Anonymous</c>: for the allow-list, what a caller without a token gets; null where the endpoint needs a signed-in
    /// caller. <c>SignedIn</c>: what a signed-in user gets (never the account the test protects).
    /// </summary>
    sealed record Row(string Method, string Pattern, Func<Guid, string> Path, object? Body, HttpStatusCode? Anonymous, HttpStatusCode SignedIn);

    static readonly Row[] Table =
    [
        new("POST", "/v1/auth/register", _ => "/v1/auth/register", new { }, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest),
        new("POST", "/v1/auth/login", _ => "/v1/auth/login", new { }, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest),
        new("POST", "/v1/auth/refresh", _ => "/v1/auth/refresh", new { }, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest),
        new("POST", "/v1/auth/logout", _ => "/v1/auth/logout", new { }, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest),
        new("POST", "/v1/auth/password/forgot", _ => "/v1/auth/password/forgot", new { }, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest),
        new("POST", "/v1/auth/password/reset", _ => "/v1/auth/password/reset", new { }, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest),
        new("POST", "/v1/auth/email/verify", _ => "/v1/auth/email/verify", new { }, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest),
        new("GET", "/.well-known/jwks.json", _ => "/.well-known/jwks.json", null, HttpStatusCode.OK, HttpStatusCode.OK),
        new("GET", "/.well-known/openid-configuration", _ => "/.well-known/openid-configuration", null, HttpStatusCode.OK, HttpStatusCode.OK),
        new("POST", "/v1/auth/password/change", _ => "/v1/auth/password/change", new { currentPassword = WrongPassword, newPassword = "another-Horse-battery-9" }, null, HttpStatusCode.BadRequest),
        new("POST", "/v1/auth/email/verification", _ => "/v1/auth/email/verification", null, null, HttpStatusCode.Conflict),
        new("GET", "/v1/users/me", _ => "/v1/users/me", null, null, HttpStatusCode.OK),
        new("PATCH", "/v1/users/me", _ => "/v1/users/me", new { displayName = "Renamed" }, null, HttpStatusCode.OK),
        new("GET", "/v1/users/me/export", _ => "/v1/users/me/export", null, null, HttpStatusCode.OK),
        new("DELETE", "/v1/users/me", _ => "/v1/users/me", new { password = WrongPassword }, null, HttpStatusCode.BadRequest),
        // Another user's public profile: their name, never their address.
        new("GET", "/v1/users/{id}", id => $"/v1/users/{id}", null, null, HttpStatusCode.OK),
    ];

    [Fact]
    public void The_table_covers_every_route_of_the_identity_service_and_only_the_allow_list_is_anonymous()
    {
        var routes = RouteTable.Of<IdentityModule>(App.Services);
        Assert.Equal(Table.Select(r => $"{r.Method} {r.Pattern}").Order(StringComparer.Ordinal), routes.Select(r => r.ToString()));
        Assert.Equal(Table.Where(r => r.Anonymous is not null).Select(r => $"{r.Method} {r.Pattern}").Order(StringComparer.Ordinal),
            routes.Where(r => r.AllowsAnonymous).Select(r => r.ToString()));
    }

    [Fact]
    public async Task Every_endpoint_refuses_callers_without_a_valid_token_and_answers_others_about_themselves_only()
    {
        var ada = await App.SignUp(displayName: "Ada Protected");
        var bob = await App.SignUp(displayName: "Bob Other");
        using var forged = App.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.For(new TestUser(ada.Id, ada.Email, "Ada Protected")));

        foreach (var row in Table)
        {
            var what = $"{row.Method} {row.Pattern}";
            var anonymous = await Send(App.CreateClient(), row, ada.Id);
            Assert.True((row.Anonymous ?? HttpStatusCode.Unauthorized) == anonymous.StatusCode, $"{what} anonymous: {(int)anonymous.StatusCode}");
            if (row.Anonymous is null)
            {
                var withForgedToken = await Send(forged, row, ada.Id);
                Assert.True(HttpStatusCode.Unauthorized == withForgedToken.StatusCode, $"{what} with a forged token: {(int)withForgedToken.StatusCode}");
            }

            var asBob = await Send(bob.Client, row, ada.Id);
            Assert.True(row.SignedIn == asBob.StatusCode, $"{what} by another user: {(int)asBob.StatusCode} {await asBob.Content.ReadAsStringAsync(Ct)}");
            Assert.DoesNotContain(ada.Email, await asBob.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        }

        // Ada's account is as she left it: her name, her password.
        var me = await ada.Client.GetFromJsonAsync<JsonElement>("/v1/users/me", Ct);
        Assert.Equal("Ada Protected", me.GetProperty("displayName").GetString());
        Assert.NotEmpty(await Accounts.SignIn(App.CreateClient(), ada.Email, "correct-Horse-battery-9"));
        var bobNow = await bob.Client.GetFromJsonAsync<JsonElement>("/v1/users/me", Ct);
        Assert.Equal("Renamed", bobNow.GetProperty("displayName").GetString());
    }

    static async Task<HttpResponseMessage> Send(HttpClient client, Row row, Guid other)
    {
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), row.Path(other));
        if (row.Body is not null) request.Content = JsonContent.Create(row.Body);
        return await client.SendAsync(request, Ct);
    }
}

public sealed class SqliteAccessTests(SqliteApp app) : AccessTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresAccessTests(PostgresApp app) : AccessTests(app), IClassFixture<PostgresApp>;
