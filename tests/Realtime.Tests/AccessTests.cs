using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace TaskFlow.Realtime.Tests;

/// <summary>
/// The HTTP routes of the realtime service (the hub's negotiate and connection endpoints), callers signed in through
/// identity: 401 without a token and with a token identity never issued, in the header or in <c>?access_token=</c>; a
/// signed-in user cannot join a project of a workspace they are not in. The table is compared with the app's route
/// table, so a new endpoint without a row fails the suite.
/// </summary>
public abstract class AccessTests(TaskFlowApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    const string Hub = "/v1/realtime/hub";

    sealed record Callers(SignedInUser Ada, SignedInUser Bob, string ForgedToken);

    sealed record Row(string Route, Func<AccessTests, Callers, Task> Check);

    static readonly Row[] Table =
    [
        // Mapped for any method; clients POST.
        new($"* {Hub}/negotiate", (t, c) => t.Negotiate(c)),
        // The connection endpoint takes any method (GET polls, POST sends, DELETE closes; WebSockets upgrade a GET).
        new($"* {Hub}", (t, c) => t.Connection(c)),
    ];

    [Fact]
    public void The_table_covers_every_route_of_the_realtime_service_and_none_is_anonymous()
    {
        var routes = RouteTable.Of<RealtimeModule>(app.Services);
        Assert.Equal(Table.Select(r => r.Route).Order(StringComparer.Ordinal), routes.Select(r => r.ToString()));
        Assert.Empty(routes.Where(r => r.AllowsAnonymous).Select(r => r.ToString()));
    }

    [Fact]
    public async Task Every_route_refuses_anonymous_and_forged_callers_and_the_hub_refuses_outsiders()
    {
        var callers = new Callers(await app.SignUp(displayName: "Ada Owner"), await app.SignUp(displayName: "Bob Outsider"), TestTokens.For(TestUser.New()));
        foreach (var row in Table) await row.Check(this, callers);
    }

    async Task Negotiate(Callers c)
    {
        const string path = Hub + "/negotiate?negotiateVersion=1";
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
        {
            Assert.True(HttpStatusCode.Unauthorized == (await Send(app.CreateClient(), method, path)).StatusCode, $"{method} negotiate anonymous");
            Assert.True(HttpStatusCode.Unauthorized == (await Send(Bearer(c.ForgedToken), method, path)).StatusCode, $"{method} negotiate forged");
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(app.CreateClient(), $"{path}&access_token={c.ForgedToken}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(app.CreateClient(), $"{path}&access_token=not-a-token")).StatusCode);
        foreach (var negotiated in new[] { await Post(c.Ada.Client, path), await Post(app.CreateClient(), $"{path}&access_token={c.Ada.AccessToken}") })
        {
            Assert.Equal(HttpStatusCode.OK, negotiated.StatusCode);
            Assert.NotEmpty((await negotiated.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("connectionToken").GetString()!);
        }
    }

    async Task Connection(Callers c)
    {
        var negotiated = await Post(c.Ada.Client, Hub + "/negotiate?negotiateVersion=1");
        var path = $"{Hub}?id={(await negotiated.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("connectionToken").GetString()}";
        var methods = new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Delete };
        foreach (var method in methods)
        {
            Assert.True(HttpStatusCode.Unauthorized == (await Send(app.CreateClient(), method, path)).StatusCode, $"{method} anonymous");
            Assert.True(HttpStatusCode.Unauthorized == (await Send(Bearer(c.ForgedToken), method, path)).StatusCode, $"{method} forged");
        }
        // Another signed-in user holding Ada's connection token (it travels in query strings, so in logs) can neither poll,
        // send on nor close her connection.
        foreach (var method in methods)
            Assert.True(HttpStatusCode.Forbidden == (await Send(c.Bob.Client, method, path)).StatusCode, $"{method} by another user");
        // Its owner is let in; what a connection may do is then the hub's to decide (below).
        Assert.Equal(HttpStatusCode.OK, (await Send(c.Ada.Client, HttpMethod.Get, path)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Send(c.Ada.Client, HttpMethod.Delete, path)).StatusCode);

        // Through the hub: Ada joins her own project, Bob (signed in, of no workspace of hers) is refused.
        var projectId = await WorkspaceWithProject(c.Ada);
        await using var ada = HubClient.LongPolling(app.Server, c.Ada.AccessToken);
        await ada.Start();
        await ada.JoinWhenAllowed(projectId);
        await using var bob = HubClient.LongPolling(app.Server, c.Bob.AccessToken);
        await bob.Start();
        await Assert.ThrowsAsync<HubException>(() => bob.Connection.InvokeAsync("JoinProject", projectId, Ct));
    }

    async Task<Guid> WorkspaceWithProject(SignedInUser owner)
    {
        var workspace = await owner.Client.PostAsJsonAsync("/v1/workspaces", new { name = "Acme" }, Ct);
        Assert.Equal(HttpStatusCode.Created, workspace.StatusCode);
        var workspaceId = (await workspace.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        // The projects service learns about the workspace through an event: 404 until then.
        while (true)
        {
            var created = await owner.Client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Website", key = "WEB" }, Ct);
            if (created.StatusCode == HttpStatusCode.Created) return (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
            Assert.True(created.StatusCode == HttpStatusCode.NotFound && DateTime.UtcNow < deadline, $"create project: {(int)created.StatusCode}");
            await Task.Delay(100, Ct);
        }
    }

    HttpClient Bearer(string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    static Task<HttpResponseMessage> Post(HttpClient client, string path) => Send(client, HttpMethod.Post, path);

    static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        return await client.SendAsync(request, Ct);
    }
}

public sealed class SqliteAccessTests(SqliteApp app) : AccessTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresAccessTests(PostgresApp app) : AccessTests(app), IClassFixture<PostgresApp>;
