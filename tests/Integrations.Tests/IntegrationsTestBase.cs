using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Integrations.Data;

namespace TaskFlow.Integrations.Tests;

/// <summary>A caller and a client that sends their access token.</summary>
public sealed record User(Guid Id, string Email, HttpClient Client);

/// <summary>A workspace (owner) with a project (key WEB) known to the integrations service.</summary>
public sealed record Setup(User Owner, Guid WorkspaceId, Guid ProjectId);

/// <summary>
/// Helpers: workspaces, members and projects are made through the real workspaces and projects APIs, and the helpers
/// wait (poll, short timeout) until the integrations service's local copies have caught up through events.
/// </summary>
public abstract partial class IntegrationsTestBase(IntegrationsApp app)
{
    protected IntegrationsApp App { get; } = app;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected HttpClient Anonymous() => App.CreateClient();

    /// <summary>True in suites that test access: their users sign up and sign in through identity instead of minting tokens.</summary>
    protected virtual bool UsersSignInThroughIdentity => false;

    /// <summary>A new person: signed in through identity where <see cref="UsersSignInThroughIdentity"/>, else with a minted token.</summary>
    protected async Task<User> NewUser()
    {
        if (UsersSignInThroughIdentity)
        {
            var signedIn = await App.SignUp();
            return new User(signedIn.Id, signedIn.Email, signedIn.Client);
        }
        var user = TestUser.New();
        return new User(user.Id, user.Email, App.Client(user));
    }

    protected async Task<Guid> CreateWorkspace(User owner)
    {
        var response = await owner.Client.PostAsJsonAsync("/v1/workspaces", new { name = "Acme" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = Id(await Json(response));
        await WaitUntil(db => db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == id && m.UserId == owner.Id && m.Active, Ct), "the workspace owner");
        return id;
    }

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex TokenPattern();

    /// <summary>A new user who joined through an emailed invitation with <paramref name="role"/>, once this service knows.</summary>
    protected async Task<User> JoinWorkspace(User owner, Guid workspaceId, string role)
    {
        var user = await NewUser();
        var invited = await owner.Client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/invitations", new { email = user.Email, role }, Ct);
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        var mail = await App.WaitForMail(user.Email, m => (m.TextBody ?? m.HtmlBody ?? "").Contains("/invitations/accept", StringComparison.Ordinal));
        var token = TokenPattern().Match(mail.TextBody ?? mail.HtmlBody ?? "").Groups[1].Value;
        var accepted = await user.Client.PostAsJsonAsync("/v1/invitations/accept", new { token }, Ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await WaitUntil(db => db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == workspaceId && m.UserId == user.Id && m.Active, Ct), "a workspace member");
        return user;
    }

    protected async Task<Guid> CreateProject(User owner, Guid workspaceId, string key = "WEB")
    {
        // The projects service learns of the workspace through WorkspaceCreated, independently of this service: 404 until then.
        var response = await owner.Client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Website", key }, Ct);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); response.StatusCode == HttpStatusCode.NotFound && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(50, Ct);
            response = await owner.Client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Website", key }, Ct);
        }
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = Id(await Json(response));
        await WaitUntil(db => db.Projects.AnyAsync(p => p.Id == id && p.Key == key, Ct), "the project");
        return id;
    }

    protected async Task<Setup> WorkspaceWithProject()
    {
        var owner = await NewUser();
        var workspaceId = await CreateWorkspace(owner);
        return new Setup(owner, workspaceId, await CreateProject(owner, workspaceId));
    }

    /// <summary>Creates a webhook; returns its id and secret.</summary>
    protected static async Task<(Guid Id, string Secret)> CreateWebhook(User owner, Guid workspaceId, string url, string[] kinds, string kind = "webhook")
    {
        var response = await owner.Client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/webhooks", new { url, eventKinds = kinds, kind }, Ct);
        Assert.True(HttpStatusCode.Created == response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        var body = await Json(response);
        return (Id(body.GetProperty("webhook")), body.GetProperty("secret").GetString()!);
    }

    protected static async Task<List<JsonElement>> Deliveries(User owner, Guid workspaceId, Guid webhookId) =>
        [.. (await owner.Client.GetFromJsonAsync<JsonElement>($"/v1/workspaces/{workspaceId}/webhooks/{webhookId}/deliveries", Ct)).EnumerateArray()];

    /// <summary>Polls the delivery log until <paramref name="done"/> holds for it.</summary>
    protected static async Task<List<JsonElement>> WaitForDeliveries(User owner, Guid workspaceId, Guid webhookId, Func<List<JsonElement>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var log = await Deliveries(owner, workspaceId, webhookId);
            if (done(log)) return log;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The delivery log did not reach the expected state: " + JsonSerializer.Serialize(log));
            await Task.Delay(50, Ct);
        }
    }

    /// <summary>
    /// Hands an event to this service's consumers exactly as the transport does (inbox included), with
    /// <paramref name="eventId"/> so a test can deliver the same message twice.
    /// </summary>
    protected async Task Deliver(string type, object payload, Guid? eventId = null, DateTime? occurredAt = null)
    {
        var id = eventId ?? Guid.CreateVersion7();
        var at = occurredAt ?? DateTime.UtcNow;
        var json = JsonSerializer.SerializeToNode(payload, EventEnvelope.Json)!.AsObject();
        json["eventId"] = id;
        json["occurredAt"] = at;
        var envelope = new EventEnvelope(id, type, json.ToJsonString(), at, null);
        foreach (var subscription in App.Services.GetServices<EventSubscription>().Where(s => s.Service == "integrations" && s.EventType == type))
        {
            await using var scope = App.Services.CreateAsyncScope();
            await subscription.Handle(scope.ServiceProvider, envelope, Ct);
        }
    }

    /// <summary>Checks <c>TaskFlow-Signature: t=..,v1=..</c> against the body as a receiver would.</summary>
    internal static void AssertSigned(Received request, string secret)
    {
        var parts = request.Headers["TaskFlow-Signature"].Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var t = long.Parse(parts["t"], CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - t, -300, 300);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{parts["t"]}.{request.Body}")));
        Assert.Equal(expected, parts["v1"]);
    }

    private protected async Task WaitUntil(Func<IntegrationsDb, Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await WithDb(condition))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(50, Ct);
        }
    }

    private protected async Task<T> WithDb<T>(Func<IntegrationsDb, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<IntegrationsDb>());
    }

    /// <summary>Payloads of the events of one type in this service's outbox, oldest first.</summary>
    protected Task<List<JsonElement>> Outbox(string type) => WithDb(async db =>
    {
        var payloads = await db.OutboxMessages.AsNoTracking().Where(m => m.Type == type).OrderBy(m => m.OccurredAt).Select(m => m.Payload).ToListAsync(Ct);
        return payloads.Select(p => JsonDocument.Parse(p).RootElement.Clone()).ToList();
    });

    protected static async Task<JsonElement> Json(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    protected static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status, string? slug = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Json(response);
        if (slug is not null) Assert.Equal("https://taskflow.dev/problems/" + slug, problem.GetProperty("type").GetString());
        return problem;
    }

    protected static async Task AssertValidation(HttpResponseMessage response, params string[] fields)
    {
        var problem = await AssertProblem(response, HttpStatusCode.BadRequest);
        var names = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(fields.Order().ToArray(), names);
    }

    protected static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await client.SendAsync(request, Ct);
    }

    protected static Guid Id(JsonElement e) => e.GetProperty("id").GetGuid();
}

public abstract partial class IntegrationsTestBase
{
    /// <summary>POSTs a GitHub payload to the receiver, signed with <paramref name="secret"/> (null: no signature header).</summary>
    protected async Task<HttpResponseMessage> SendGitHub(Guid projectId, string eventName, string payload, string? secret, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/integrations/github/{projectId}")
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        if (secret is not null)
            request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload))));
        return await (client ?? Anonymous()).SendAsync(request, Ct);
    }
}
