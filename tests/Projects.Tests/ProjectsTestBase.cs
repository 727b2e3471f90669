using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Projects.Data;

namespace TaskFlow.Projects.Tests;

/// <summary>
/// Helpers shared by the endpoint tests. Workspaces and their members are set up through the real workspaces API;
/// the projects service learns about them from events, so helpers wait until its local copy has caught up.
/// </summary>
public abstract partial class ProjectsTestBase(TaskFlowApp app)
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

    /// <summary>A workspace created by <paramref name="owner"/>, once the projects service knows its owner.</summary>
    protected async Task<Guid> CreateWorkspace(TestUser owner, string name = "Acme")
    {
        var response = await Client(owner).PostAsJsonAsync("/v1/workspaces", new { name }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await Json(response)).GetProperty("id").GetGuid();
        await WaitForMember(id, owner.Id, "owner");
        return id;
    }

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex TokenPattern();

    /// <summary>A new user who joined through an invitation (token from the emailed link), once the projects service knows.</summary>
    protected async Task<TestUser> JoinWorkspace(TestUser owner, Guid workspaceId, string role, string? name = null)
    {
        var user = await NewUser(name);
        var invited = await Client(owner).PostAsJsonAsync($"/v1/workspaces/{workspaceId}/invitations", new { email = user.Email, role }, Ct);
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        var mail = await App.WaitForMail(user.Email, m => (m.TextBody ?? m.HtmlBody ?? "").Contains("/invitations/accept", StringComparison.Ordinal));
        var token = TokenPattern().Match(mail.TextBody ?? mail.HtmlBody ?? "").Groups[1].Value;
        Assert.NotEmpty(token);
        var accepted = await Client(user).PostAsJsonAsync("/v1/invitations/accept", new { token }, Ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await WaitForMember(workspaceId, user.Id, role);
        return user;
    }

    /// <summary>Waits until the local membership copy shows <paramref name="userId"/> with <paramref name="role"/> (null: removed).</summary>
    protected Task WaitForMember(Guid workspaceId, Guid userId, string? role) => WaitUntil(
        () => WithDb(async db =>
        {
            var member = await db.WorkspaceMembers.AsNoTracking().SingleOrDefaultAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId, Ct);
            return role is null ? member is null || !member.Active : member is { Active: true } && member.Role.ToName() == role;
        }),
        $"workspace member {userId} to be {role ?? "removed"}");

    protected static async Task WaitUntil(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(50, Ct);
        }
    }

    protected async Task<Guid> CreateProject(TestUser user, Guid workspaceId, string key = "WEB", string name = "Website")
    {
        var response = await Client(user).PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name, key }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json(response)).GetProperty("id").GetGuid();
    }

    /// <summary>A workspace owned by a new user, with one project (key WEB) the owner created.</summary>
    protected async Task<(TestUser Owner, Guid WorkspaceId, Guid ProjectId)> WorkspaceWithProject()
    {
        var owner = await NewUser("Olivia Owner");
        var workspaceId = await CreateWorkspace(owner);
        var projectId = await CreateProject(owner, workspaceId);
        return (owner, workspaceId, projectId);
    }

    /// <summary>A workspace member (workspace role <paramref name="workspaceRole"/>) added to the project with <paramref name="projectRole"/>.</summary>
    protected async Task<TestUser> ProjectMember(TestUser owner, Guid workspaceId, Guid projectId, string projectRole, string workspaceRole = "member")
    {
        var user = await JoinWorkspace(owner, workspaceId, workspaceRole);
        var added = await Client(owner).PostAsJsonAsync($"/v1/projects/{projectId}/members", new { userId = user.Id, role = projectRole }, Ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        return user;
    }

    protected async Task<List<JsonElement>> Statuses(TestUser user, Guid projectId)
    {
        var response = await Client(user).GetAsync($"/v1/projects/{projectId}/statuses", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await Json(response)).EnumerateArray()];
    }

    /// <summary>Payloads of the events of one type in the projects outbox, oldest first.</summary>
    protected Task<List<JsonElement>> Outbox(string type) => WithDb(async db =>
    {
        var payloads = await db.OutboxMessages.AsNoTracking().Where(m => m.Type == type).OrderBy(m => m.OccurredAt).Select(m => m.Payload).ToListAsync(Ct);
        return payloads.Select(p => JsonDocument.Parse(p).RootElement.Clone()).ToList();
    });

    private protected async Task<T> WithDb<T>(Func<ProjectsDb, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ProjectsDb>());
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

    protected static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await client.SendAsync(request, Ct);
    }
}
