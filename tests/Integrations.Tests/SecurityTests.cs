using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace TaskFlow.Integrations.Tests;

/// <summary>
/// Every endpoint of the integrations module in one table: anonymous 401, outsider 404 (nothing of the workspace in the
/// body), plain workspace member 403, a validation error where the endpoint takes input, and success for a workspace
/// admin. The table is compared with the app's routes, so an endpoint added without a row fails the suite.
/// </summary>
public abstract partial class SecurityTests(IntegrationsApp app) : IntegrationsTestBase(app)
{
    protected override bool UsersSignInThroughIdentity => true;

    sealed record Context(Guid WorkspaceId, Guid ProjectId, Guid WebhookId, Guid DoomedWebhookId, Guid DeliveryId, string Url);

    /// <summary>An input the endpoint refuses with 400 naming <paramref name="Fields"/>.</summary>
    sealed record Invalid(Func<Context, string> Path, object? Body, params string[] Fields);

    /// <summary><paramref name="Signed"/>: anonymous endpoint authenticated by a GitHub signature instead of a token.</summary>
    sealed record Row(string Method, string Pattern, Func<Context, string> Path, Func<Context, object?> Body, HttpStatusCode Success, Invalid? Invalid = null, bool Signed = false);

    const string GitHubSecret = "github-secret-1";
    const string Ping = """{"zen":"Keep it logically awesome.","hook_id":1}""";

    static string Hooks(Context c) => $"/v1/workspaces/{c.WorkspaceId}/webhooks";

    static readonly Row[] Table =
    [
        new("POST", "/v1/workspaces/{workspaceId}/webhooks", Hooks, c => new { url = c.Url, eventKinds = new[] { "task.created" }, projectIds = new[] { c.ProjectId } }, HttpStatusCode.Created,
            new(Hooks, new { url = "ftp://example.com/", eventKinds = Array.Empty<string>(), kind = "email", description = new string('x', 501), projectIds = new[] { Guid.NewGuid() } },
                "url", "eventKinds", "kind", "description", "projectIds")),
        new("GET", "/v1/workspaces/{workspaceId}/webhooks", Hooks, _ => null, HttpStatusCode.OK),
        new("GET", "/v1/workspaces/{workspaceId}/webhooks/{webhookId}", c => $"{Hooks(c)}/{c.WebhookId}", _ => null, HttpStatusCode.OK),
        new("PATCH", "/v1/workspaces/{workspaceId}/webhooks/{webhookId}", c => $"{Hooks(c)}/{c.WebhookId}", c => new { description = "Changed", projectIds = new[] { c.ProjectId } }, HttpStatusCode.OK,
            new(c => $"{Hooks(c)}/{c.WebhookId}", new { eventKinds = new[] { "task.exploded" }, url = "not a url", projectIds = new[] { Guid.NewGuid() } }, "eventKinds", "url", "projectIds")),
        new("POST", "/v1/workspaces/{workspaceId}/webhooks/{webhookId}/rotate-secret", c => $"{Hooks(c)}/{c.WebhookId}/rotate-secret", _ => null, HttpStatusCode.OK),
        new("GET", "/v1/workspaces/{workspaceId}/webhooks/{webhookId}/deliveries", c => $"{Hooks(c)}/{c.WebhookId}/deliveries", _ => null, HttpStatusCode.OK,
            new(c => $"{Hooks(c)}/{c.WebhookId}/deliveries?limit=0", null, "limit")),
        new("POST", "/v1/workspaces/{workspaceId}/webhooks/{webhookId}/test", c => $"{Hooks(c)}/{c.WebhookId}/test", _ => null, HttpStatusCode.Accepted),
        new("POST", "/v1/workspaces/{workspaceId}/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver",
            c => $"{Hooks(c)}/{c.WebhookId}/deliveries/{c.DeliveryId}/redeliver", _ => null, HttpStatusCode.Accepted),
        new("DELETE", "/v1/workspaces/{workspaceId}/webhooks/{webhookId}", c => $"{Hooks(c)}/{c.DoomedWebhookId}", _ => null, HttpStatusCode.NoContent),
        new("PUT", "/v1/projects/{projectId}/integrations/github", c => $"/v1/projects/{c.ProjectId}/integrations/github", _ => new { secret = GitHubSecret, enabled = true }, HttpStatusCode.OK,
            new(c => $"/v1/projects/{c.ProjectId}/integrations/github", new { secret = "short", moveToStatusIdOnMerge = Guid.Empty }, "secret", "moveToStatusIdOnMerge")),
        new("GET", "/v1/projects/{projectId}/integrations/github", c => $"/v1/projects/{c.ProjectId}/integrations/github", _ => null, HttpStatusCode.OK),
        new("POST", "/v1/integrations/github/{projectId}", c => $"/v1/integrations/github/{c.ProjectId}", _ => Ping, HttpStatusCode.OK, Signed: true),
        new("DELETE", "/v1/projects/{projectId}/integrations/github", c => $"/v1/projects/{c.ProjectId}/integrations/github", _ => null, HttpStatusCode.NoContent),
    ];

    [GeneratedRegex(":[^}]+")]
    private static partial Regex Constraint();

    [Fact]
    public void The_table_covers_every_route_of_the_integrations_module()
    {
        var prefixes = new IntegrationsModule().RoutePrefixes;
        var routes = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: Constraint().Replace(e.RoutePattern.RawText ?? "", "").TrimEnd('/'), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []))
            .Where(r => prefixes.Any(p => r.Pattern.StartsWith(p, StringComparison.Ordinal)))
            .SelectMany(r => r.Methods.Select(m => $"{m} {r.Pattern}"))
            .Order()
            .ToArray();
        Assert.NotEmpty(routes);
        Assert.Equal(Table.Select(r => $"{r.Method} {r.Pattern}").Order().ToArray(), routes);
    }

    [Fact]
    public async Task Every_endpoint_refuses_anonymous_outsiders_and_members_checks_input_and_works_for_an_admin()
    {
        await using var receiver = await Receiver.Start();
        var s = await WorkspaceWithProject();
        var admin = await JoinWorkspace(s.Owner, s.WorkspaceId, "admin");
        var member = await JoinWorkspace(s.Owner, s.WorkspaceId, "member");
        var outsider = await NewUser();
        var (webhookId, _) = await CreateWebhook(s.Owner, s.WorkspaceId, receiver.Url, ["task.created"]);
        var (doomedId, _) = await CreateWebhook(s.Owner, s.WorkspaceId, receiver.Url, ["task.moved"]);
        var test = await s.Owner.Client.PostAsync($"/v1/workspaces/{s.WorkspaceId}/webhooks/{webhookId}/test", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, test.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Owner.Client.PutAsJsonAsync($"/v1/projects/{s.ProjectId}/integrations/github", new { secret = GitHubSecret }, Ct)).StatusCode);
        var c = new Context(s.WorkspaceId, s.ProjectId, webhookId, doomedId, Id(await Json(test)), receiver.Url);

        foreach (var row in Table)
        {
            var path = row.Path(c);
            var method = new HttpMethod(row.Method);
            var label = $"{row.Method} {row.Pattern}";
            if (row.Signed)
            {
                var payload = (string)row.Body(c)!;
                await AssertProblem(await SendGitHub(c.ProjectId, "ping", payload, secret: null), HttpStatusCode.Unauthorized, "invalid-signature");
                await AssertProblem(await SendGitHub(c.ProjectId, "ping", payload, secret: null, outsider.Client), HttpStatusCode.Unauthorized, "invalid-signature");
                await AssertProblem(await SendGitHub(c.ProjectId, "ping", payload, secret: "wrong-secret"), HttpStatusCode.Unauthorized, "invalid-signature");
                Assert.Equal(row.Success, (await SendGitHub(c.ProjectId, "ping", payload, GitHubSecret)).StatusCode);
                continue;
            }

            Assert.True(HttpStatusCode.Unauthorized == (await Send(Anonymous(), method, path, row.Body(c))).StatusCode, $"{label} anonymous");

            var hidden = await Send(outsider.Client, method, path, row.Body(c));
            Assert.True(HttpStatusCode.NotFound == hidden.StatusCode, $"{label} outsider: {(int)hidden.StatusCode}");
            await AssertProblem(hidden, HttpStatusCode.NotFound);
            var text = await hidden.Content.ReadAsStringAsync(Ct);
            Assert.DoesNotContain(receiver.Url, text, StringComparison.Ordinal);

            var forbidden = await Send(member.Client, method, path, row.Body(c));
            Assert.True(HttpStatusCode.Forbidden == forbidden.StatusCode, $"{label} member: {(int)forbidden.StatusCode}");
            await AssertProblem(forbidden, HttpStatusCode.Forbidden, "insufficient-role");

            if (row.Invalid is { } invalid)
                await AssertValidation(await Send(admin.Client, method, invalid.Path(c), invalid.Body), invalid.Fields);

            var ok = await Send(admin.Client, method, path, row.Body(c));
            Assert.True(row.Success == ok.StatusCode, $"{label} admin: {(int)ok.StatusCode} {await ok.Content.ReadAsStringAsync(Ct)}");
        }

        // Nothing the outsider or the member sent changed the webhook; the admin's changes did.
        var hook = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/workspaces/{s.WorkspaceId}/webhooks/{webhookId}", Ct);
        Assert.Equal("Changed", hook.GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await s.Owner.Client.GetAsync($"/v1/workspaces/{s.WorkspaceId}/webhooks/{doomedId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await s.Owner.Client.GetAsync($"/v1/projects/{s.ProjectId}/integrations/github", Ct)).StatusCode);
    }
}

public sealed class SqliteSecurityTests(SqliteSignInApp app) : SecurityTests(app), IClassFixture<SqliteSignInApp>;

public sealed class PostgresSecurityTests(PostgresSignInApp app) : SecurityTests(app), IClassFixture<PostgresSignInApp>;
