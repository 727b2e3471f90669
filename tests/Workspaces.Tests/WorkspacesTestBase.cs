using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Workspaces.Data;

namespace TaskFlow.Workspaces.Tests;

/// <summary>Helpers shared by the endpoint tests: users, workspaces, invitations, problem assertions and database peeks.</summary>
public abstract class WorkspacesTestBase(TaskFlowApp app)
{
    readonly Dictionary<Guid, HttpClient> signedIn = [];

    protected TaskFlowApp App { get; } = app;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>True in suites that test access: their users sign up and sign in through identity instead of minting tokens.</summary>
    protected virtual bool UsersSignInThroughIdentity => false;

    protected HttpClient Client(TestUser user) => signedIn.TryGetValue(user.Id, out var client) ? client : App.Client(user);

    /// <summary>A new person: signed in through identity where <see cref="UsersSignInThroughIdentity"/>, else with a minted token.</summary>
    protected async Task<TestUser> NewUser(string? name = null)
    {
        if (!UsersSignInThroughIdentity) return TestUser.New(name);
        var user = await App.SignUp(displayName: name ?? "Test User");
        signedIn[user.Id] = user.Client;
        return new TestUser(user.Id, user.Email, user.DisplayName);
    }

    protected HttpClient Anonymous() => App.CreateClient();

    protected async Task<Guid> CreateWorkspace(TestUser owner, string name = "Acme")
    {
        var response = await Client(owner).PostAsJsonAsync("/v1/workspaces", new { name }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json(response)).GetProperty("id").GetGuid();
    }

    /// <summary>Invites and returns the invitation id with the raw token read from the InvitationCreated event in the outbox.</summary>
    protected async Task<(Guid Id, string Token)> Invite(TestUser inviter, Guid workspaceId, string email, string role)
    {
        var response = await Client(inviter).PostAsJsonAsync($"/v1/workspaces/{workspaceId}/invitations", new { email, role }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await Json(response)).GetProperty("id").GetGuid();
        var payload = await InvitationCreatedPayload(id);
        return (id, payload.GetProperty("token").GetString()!);
    }

    protected async Task<JsonElement> InvitationCreatedPayload(Guid invitationId)
    {
        var events = await Outbox("InvitationCreated");
        return Assert.Single(events, e => e.GetProperty("invitationId").GetGuid() == invitationId);
    }

    /// <summary>A new user who joined <paramref name="workspaceId"/> with <paramref name="role"/> through an invitation.</summary>
    protected async Task<TestUser> AddMember(TestUser owner, Guid workspaceId, string role, string? name = null)
    {
        var user = await NewUser(name);
        var (_, token) = await Invite(owner, workspaceId, user.Email, role);
        var accepted = await Client(user).PostAsJsonAsync("/v1/invitations/accept", new { token }, Ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        return user;
    }

    protected async Task<List<JsonElement>> Members(TestUser caller, Guid workspaceId)
    {
        var response = await Client(caller).GetAsync($"/v1/workspaces/{workspaceId}/members", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await Json(response)).EnumerateArray()];
    }

    protected async Task<string?> RoleOf(Guid workspaceId, Guid userId) =>
        await WithDb(async db => (await db.Memberships.AsNoTracking().SingleOrDefaultAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId, Ct))?.Role.ToName());

    /// <summary>Payloads of the events of one type in the workspaces outbox, oldest first.</summary>
    protected Task<List<JsonElement>> Outbox(string type) => WithDb(async db =>
    {
        var payloads = await db.OutboxMessages.AsNoTracking().Where(m => m.Type == type).OrderBy(m => m.OccurredAt).Select(m => m.Payload).ToListAsync(Ct);
        return payloads.Select(p => JsonDocument.Parse(p).RootElement.Clone()).ToList();
    });

    private protected async Task<T> WithDb<T>(Func<WorkspacesDb, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<WorkspacesDb>());
    }

    protected static async Task<JsonElement> Json(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    /// <summary>Asserts an RFC 9457 problem with <paramref name="status"/> and, if given, the type <c>https://taskflow.dev/problems/{slug}</c>.</summary>
    protected static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status, string? slug = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Json(response);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (slug is not null) Assert.Equal("https://taskflow.dev/problems/" + slug, problem.GetProperty("type").GetString());
        return problem;
    }

    /// <summary>Asserts a 400 validation problem naming exactly <paramref name="fields"/>.</summary>
    protected static async Task AssertValidation(HttpResponseMessage response, params string[] fields)
    {
        var problem = await AssertProblem(response, HttpStatusCode.BadRequest);
        var names = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(fields.Order().ToArray(), names);
    }
}
