using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TaskFlow.Notifications.Tests;

/// <summary>The all-in-one host with one platform admin address, for <see cref="AccessTests"/>.</summary>
public class NotificationsAccessApp(Provider provider) : TaskFlowApp(provider)
{
    public const string AdminEmail = "admin@taskflow.test";
    public const string UnverifiedAdminEmail = "unverified-admin@taskflow.test";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Platform:AdminEmails", $"{AdminEmail}, {UnverifiedAdminEmail}")];
}

public sealed class SqliteNotificationsAccessApp() : NotificationsAccessApp(Provider.Sqlite);

public sealed class PostgresNotificationsAccessApp() : NotificationsAccessApp(Provider.Postgres);

/// <summary>
/// Every endpoint of the notifications service, all callers signed in through identity: anonymous 401 except the
/// allow-listed ones (unsubscribe links carry their own token; the development mail listing), another user 404 on
/// someone's notification and nothing of it in their own lists, and 403 on the admin routes for everyone but a platform
/// admin with a verified address. The table is compared with the app's route table, so a new endpoint without a row fails.
/// </summary>
public abstract class AccessTests(NotificationsAccessApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// <see cref="Kind.Own"/>: about the caller's own notifications or settings; <see cref="Kind.Item"/>: one notification,
    /// 404 to anyone but its recipient; <see cref="Kind.Admin"/>: platform admins only; <see cref="Kind.Anonymous"/>:
    /// allowed without a token, answering <see cref="Row.Anonymous"/>.
    /// </summary>
    enum Kind { Own, Item, Admin, Anonymous }

    sealed record Context(Guid NotificationId, Guid DeadLetterId);

    sealed record Row(string Method, string Pattern, Func<Context, string> Path, object? Body, Kind Kind, HttpStatusCode Anonymous = HttpStatusCode.Unauthorized);

    static readonly Row[] Table =
    [
        new("GET", "/v1/notifications", _ => "/v1/notifications", null, Kind.Own),
        new("POST", "/v1/notifications/read-all", _ => "/v1/notifications/read-all", null, Kind.Own),
        new("POST", "/v1/notifications/{id}/read", c => $"/v1/notifications/{c.NotificationId}/read", null, Kind.Item),
        new("POST", "/v1/notifications/{id}/unread", c => $"/v1/notifications/{c.NotificationId}/unread", null, Kind.Item),
        new("DELETE", "/v1/notifications/{id}", c => $"/v1/notifications/{c.NotificationId}", null, Kind.Item),
        new("GET", "/v1/notifications/preferences", _ => "/v1/notifications/preferences", null, Kind.Own),
        new("PUT", "/v1/notifications/preferences", _ => "/v1/notifications/preferences", new { mentioned = new { email = false } }, Kind.Own),
        new("GET", "/v1/notifications/preferences/delivery", _ => "/v1/notifications/preferences/delivery", null, Kind.Own),
        new("PUT", "/v1/notifications/preferences/delivery", _ => "/v1/notifications/preferences/delivery", new { sms = false }, Kind.Own),
        new("GET", "/v1/notifications/admin/dead-letters", _ => "/v1/notifications/admin/dead-letters", null, Kind.Admin),
        new("POST", "/v1/notifications/admin/dead-letters/{id}/retry", c => $"/v1/notifications/admin/dead-letters/{c.DeadLetterId}/retry", null, Kind.Admin),
        // The token of the emailed link is the credential: without one, a bad request.
        new("GET", "/v1/notifications/unsubscribe", _ => "/v1/notifications/unsubscribe", null, Kind.Anonymous, HttpStatusCode.BadRequest),
        new("POST", "/v1/notifications/unsubscribe", _ => "/v1/notifications/unsubscribe", null, Kind.Anonymous, HttpStatusCode.BadRequest),
        // Mapped only in Development and Testing, with the file mail sink.
        new("GET", "/v1/notifications/dev/mail", _ => "/v1/notifications/dev/mail", null, Kind.Anonymous, HttpStatusCode.OK),
    ];

    [Fact]
    public void The_table_covers_every_route_of_the_notifications_service_and_only_the_allow_list_is_anonymous()
    {
        var routes = RouteTable.Of<NotificationsModule>(app.Services);
        Assert.Equal(Table.Select(r => $"{r.Method} {r.Pattern}").Order(StringComparer.Ordinal), routes.Select(r => r.ToString()));
        Assert.Equal(Table.Where(r => r.Kind == Kind.Anonymous).Select(r => $"{r.Method} {r.Pattern}").Order(StringComparer.Ordinal),
            routes.Where(r => r.AllowsAnonymous).Select(r => r.ToString()));
    }

    [Fact]
    public async Task Every_endpoint_refuses_anonymous_callers_other_users_and_non_admins()
    {
        var ada = await app.SignUp(displayName: "Ada Recipient");
        var owner = await app.SignUp(displayName: "Olivia Owner");
        var other = await app.SignUp(displayName: "Oscar Other");
        var admin = await app.SignUp(NotificationsAccessApp.AdminEmail, "Platform Admin");
        var unverifiedAdmin = await app.SignUp(NotificationsAccessApp.UnverifiedAdminEmail, "Not Yet Admin", verifyEmail: false);

        // Ada's notification, through the real path: a workspace owner invites her address.
        const string secret = "Secret launch workspace";
        var workspace = await owner.Client.PostAsJsonAsync("/v1/workspaces", new { name = secret }, Ct);
        Assert.Equal(HttpStatusCode.Created, workspace.StatusCode);
        var workspaceId = (await workspace.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Created, (await owner.Client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/invitations", new { email = ada.Email, role = "member" }, Ct)).StatusCode);
        var notification = Assert.Single(await Events.Eventually(() => Items(ada.Client), items => items.Count > 0, "Ada's notification"));
        var c = new Context(notification.GetProperty("id").GetGuid(), Guid.NewGuid());

        foreach (var row in Table)
        {
            var what = $"{row.Method} {row.Pattern}";
            var anonymous = await Send(app.CreateClient(), row, c);
            Assert.True(row.Anonymous == anonymous.StatusCode, $"{what} anonymous: {(int)anonymous.StatusCode}");
            if (row.Kind == Kind.Anonymous) continue;

            var asOther = await Send(other.Client, row, c);
            Assert.DoesNotContain(secret, await asOther.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            switch (row.Kind)
            {
                case Kind.Own:
                    Assert.True(asOther.IsSuccessStatusCode, $"{what} by another user: {(int)asOther.StatusCode}");
                    break;
                case Kind.Item:
                    Assert.True(HttpStatusCode.NotFound == asOther.StatusCode, $"{what} by another user: {(int)asOther.StatusCode}");
                    break;
                case Kind.Admin:
                    foreach (var (name, refused) in new[] { ("another user", asOther), ("an admin address not verified", await Send(unverifiedAdmin.Client, row, c)), ("the recipient", await Send(ada.Client, row, c)) })
                    {
                        Assert.True(HttpStatusCode.Forbidden == refused.StatusCode, $"{what} by {name}: {(int)refused.StatusCode}");
                        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                    }
                    var asAdmin = await Send(admin.Client, row, c);
                    // An unknown dead letter is 404 once the caller is let in.
                    Assert.True(asAdmin.IsSuccessStatusCode || (asAdmin.StatusCode == HttpStatusCode.NotFound && row.Method == "POST"), $"{what} by the admin: {(int)asAdmin.StatusCode}");
                    break;
            }
        }

        // Nothing another user sent touched Ada's notification: still there, still unread.
        var after = Assert.Single(await Items(ada.Client));
        Assert.Equal(c.NotificationId, after.GetProperty("id").GetGuid());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("readAt").ValueKind);
    }

    static async Task<List<JsonElement>> Items(HttpClient client)
    {
        var page = await client.GetFromJsonAsync<JsonElement>(new Uri("/v1/notifications", UriKind.Relative), Ct);
        return [.. page.GetProperty("data").EnumerateArray()];
    }

    static async Task<HttpResponseMessage> Send(HttpClient client, Row row, Context c)
    {
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), new Uri(row.Path(c), UriKind.Relative));
        if (row.Body is not null) request.Content = JsonContent.Create(row.Body);
        return await client.SendAsync(request, Ct);
    }
}

public sealed class SqliteAccessTests(SqliteNotificationsAccessApp app) : AccessTests(app), IClassFixture<SqliteNotificationsAccessApp>;

public sealed class PostgresAccessTests(PostgresNotificationsAccessApp app) : AccessTests(app), IClassFixture<PostgresNotificationsAccessApp>;
