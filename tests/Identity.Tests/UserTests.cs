using System.Net;
using System.Net.Http.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Identity.Tests;

/// <summary>GET and PATCH /v1/users/me, and public profiles.</summary>
public abstract class UserTests(TaskFlowApp app) : IdentityTestBase(app)
{
    async Task<(RegisteredUser User, HttpClient Client)> SignedIn()
    {
        var user = await NewUser();
        return (user, App.Authorized(await Accounts.SignIn(Client, user.Email, user.Password)));
    }

    Task<HttpResponseMessage> Patch(HttpClient client, object body) => client.PatchAsJsonAsync("/v1/users/me", body, Ct);

    [Fact]
    public async Task Me_returns_the_profile()
    {
        var (user, client) = await SignedIn();
        var response = await client.GetAsync("/v1/users/me", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var me = await Json(response);
        Assert.Equal(user.Id, me.GetProperty("id").GetGuid());
        Assert.Equal(user.Email, me.GetProperty("email").GetString());
        Assert.Equal("Test User", me.GetProperty("displayName").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, me.GetProperty("avatarUrl").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, me.GetProperty("timeZone").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, me.GetProperty("locale").ValueKind);
        Assert.False(me.GetProperty("emailVerified").GetBoolean());
        Assert.InRange(me.GetProperty("createdAt").GetDateTime(), DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Me_needs_a_valid_access_token()
    {
        var anonymous = await Client.GetAsync("/v1/users/me", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Authorized("bad.token.here").GetAsync("/v1/users/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.PatchAsJsonAsync("/v1/users/me", new { displayName = "x" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Authorized("bad.token.here").PatchAsJsonAsync("/v1/users/me", new { displayName = "x" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Patch_updates_the_given_fields_and_publishes_UserProfileUpdated()
    {
        var (user, client) = await SignedIn();
        var response = await Patch(client, new { displayName = "Alice Martin", avatarUrl = "https://cdn.example.test/a.png", timeZone = "Europe/Paris", locale = "fr-FR" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var me = await Json(response);
        Assert.Equal("Alice Martin", me.GetProperty("displayName").GetString());
        Assert.Equal("https://cdn.example.test/a.png", me.GetProperty("avatarUrl").GetString());
        Assert.Equal("Europe/Paris", me.GetProperty("timeZone").GetString());
        Assert.Equal("fr-FR", me.GetProperty("locale").GetString());

        // Absent fields stay; an empty string clears.
        me = await Json(await Patch(client, new { avatarUrl = "", locale = "zh-Hant-TW" }));
        Assert.Equal("Alice Martin", me.GetProperty("displayName").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, me.GetProperty("avatarUrl").ValueKind);
        Assert.Equal("Europe/Paris", me.GetProperty("timeZone").GetString());
        Assert.Equal("zh-Hant-TW", me.GetProperty("locale").GetString());

        var stored = await Json(await client.GetAsync("/v1/users/me", Ct));
        Assert.Equal("zh-Hant-TW", stored.GetProperty("locale").GetString());
        var updated = await LatestEvent("UserProfileUpdated", user.Email);
        Assert.NotNull(updated);
        Assert.Equal("Alice Martin", updated.Value.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Patch_with_invalid_fields_names_each_and_changes_nothing()
    {
        var (user, client) = await SignedIn();
        await Patch(client, new { timeZone = "Europe/Paris", locale = "en-US" });

        var response = await Patch(client, new { displayName = "", avatarUrl = "/relative.png", timeZone = "Mars/Olympus", locale = "english" });
        await AssertValidation(response, "displayName", "avatarUrl", "timeZone", "locale");
        await AssertValidation(await Patch(client, new { displayName = new string('x', 101), avatarUrl = "ftp://example.test/a.png" }), "displayName", "avatarUrl");
        await AssertValidation(await Patch(client, new { timeZone = "../../etc/passwd", locale = "en-us" }), "timeZone", "locale");

        var me = await Json(await client.GetAsync("/v1/users/me", Ct));
        Assert.Equal("Test User", me.GetProperty("displayName").GetString());
        Assert.Equal("Europe/Paris", me.GetProperty("timeZone").GetString());
        Assert.Equal("en-US", me.GetProperty("locale").GetString());
        Assert.Single(await Events.All(App, "UserProfileUpdated"), e => e.GetProperty("userId").GetGuid() == user.Id);
    }

    [Fact]
    public async Task Another_users_public_profile_is_visible_to_signed_in_users()
    {
        var (_, client) = await SignedIn();
        var other = await NewUser();
        var profile = await Json(await client.GetAsync($"/v1/users/{other.Id}", Ct));
        Assert.Equal("Test User", profile.GetProperty("displayName").GetString());
        Assert.False(profile.TryGetProperty("email", out _));
        await AssertProblem(await client.GetAsync($"/v1/users/{Guid.NewGuid()}", Ct), HttpStatusCode.NotFound, "user-not-found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.GetAsync($"/v1/users/{other.Id}", Ct)).StatusCode);
    }
}

public sealed class SqliteUserTests(SqliteApp app) : UserTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresUserTests(PostgresApp app) : UserTests(app), IClassFixture<PostgresApp>;
