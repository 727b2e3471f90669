using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Tasks.Data;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>A signed-in account and a client that sends its access token.</summary>
public sealed record User(Guid Id, string Email, HttpClient Client);

/// <summary>A workspace with a project (key WEB) created through the real APIs, known to the tasks service.</summary>
public sealed record Setup(User Owner, Guid WorkspaceId, Guid ProjectId, Guid[] StatusIds);

/// <summary>
/// Helpers shared by the endpoint tests. Accounts sign in for real; workspaces, projects and members are set up through
/// the real workspaces and projects APIs, and the helpers wait (poll, short timeout) until the tasks service's local copies
/// have caught up through events.
/// </summary>
public abstract partial class TasksTestBase(TaskFlowApp app)
{
    protected TaskFlowApp App { get; } = app;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected HttpClient Anonymous() => App.CreateClient();

    protected async Task<User> NewUser(string? email = null)
    {
        var anonymous = App.CreateClient();
        var registered = await Accounts.Register(anonymous, email);
        var token = await Accounts.SignIn(anonymous, registered.Email, registered.Password);
        return new User(registered.Id, registered.Email, App.Authorized(token));
    }

    protected async Task<Guid> CreateWorkspace(User owner)
    {
        var response = await owner.Client.PostAsJsonAsync("/v1/workspaces", new { name = "Acme" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await Json(response)).GetProperty("id").GetGuid();
        await WaitUntil(db => db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == id && m.UserId == owner.Id && m.Active, Ct), "the workspace owner");
        return id;
    }

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex TokenPattern();

    /// <summary>A new account that joined the workspace through an emailed invitation, once the tasks service knows.</summary>
    protected async Task<User> JoinWorkspace(User owner, Guid workspaceId, string role, string? email = null)
    {
        var user = await NewUser(email);
        var invited = await owner.Client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/invitations", new { email = user.Email, role }, Ct);
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        var mail = await App.WaitForMail(user.Email, m => (m.TextBody ?? m.HtmlBody ?? "").Contains("/invitations/accept", StringComparison.Ordinal));
        var token = TokenPattern().Match(mail.TextBody ?? mail.HtmlBody ?? "").Groups[1].Value;
        var accepted = await user.Client.PostAsJsonAsync("/v1/invitations/accept", new { token }, Ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await WaitUntil(db => db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == workspaceId && m.UserId == user.Id && m.Active, Ct), "a workspace member");
        return user;
    }

    /// <summary>A project created through the projects API, once the tasks service has it, its workflow and its admin.</summary>
    protected async Task<(Guid ProjectId, Guid[] StatusIds)> CreateProject(User owner, Guid workspaceId, string key = "WEB")
    {
        var response = await owner.Client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Website", key }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await Json(response)).GetProperty("id").GetGuid();
        await WaitUntil(async db =>
            await db.Projects.AnyAsync(p => p.Id == id && p.Key == key, Ct)
            && await db.Statuses.CountAsync(s => s.ProjectId == id, Ct) == 5
            && await db.ProjectMembers.AnyAsync(m => m.ProjectId == id && m.UserId == owner.Id && m.Active, Ct), "the project");
        var statuses = await owner.Client.GetFromJsonAsync<JsonElement>($"/v1/projects/{id}/statuses", Ct);
        return (id, [.. statuses.EnumerateArray().Select(s => s.GetProperty("id").GetGuid())]);
    }

    protected async Task<Setup> WorkspaceWithProject()
    {
        var owner = await NewUser();
        var workspaceId = await CreateWorkspace(owner);
        var (projectId, statuses) = await CreateProject(owner, workspaceId);
        return new Setup(owner, workspaceId, projectId, statuses);
    }

    /// <summary>A workspace member added to the project with <paramref name="projectRole"/>, once the tasks service knows.</summary>
    protected async Task<User> ProjectMember(Setup s, string projectRole, string workspaceRole = "member")
    {
        var user = await JoinWorkspace(s.Owner, s.WorkspaceId, workspaceRole);
        var added = await s.Owner.Client.PostAsJsonAsync($"/v1/projects/{s.ProjectId}/members", new { userId = user.Id, role = projectRole }, Ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        await WaitUntil(db => db.ProjectMembers.AnyAsync(m => m.ProjectId == s.ProjectId && m.UserId == user.Id && m.Active, Ct), "a project member");
        return user;
    }

    protected async Task<JsonElement> CreateTask(User user, Guid projectId, object? body = null)
    {
        var response = await user.Client.PostAsJsonAsync($"/v1/projects/{projectId}/tasks", body ?? new { title = "Write the docs" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await Json(response);
    }

    /// <summary>A label created through the projects API, once the tasks service's copy has it.</summary>
    protected async Task<Guid> CreateLabel(User user, Guid projectId, string name, string color = "#1F6FEB")
    {
        var response = await user.Client.PostAsJsonAsync($"/v1/projects/{projectId}/labels", new { name, color }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = Id(await Json(response));
        await WaitUntil(db => db.Labels.AnyAsync(l => l.Id == id, Ct), "the label copy");
        return id;
    }

    /// <summary>A cycle created through the projects API, once the tasks service's copy has it.</summary>
    protected async Task<Guid> CreateCycle(User user, Guid projectId, string name = "Cycle 1")
    {
        var response = await user.Client.PostAsJsonAsync($"/v1/projects/{projectId}/cycles", new { name, startDate = "2026-01-01", endDate = "2026-01-14" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = Id(await Json(response));
        await WaitUntil(db => db.Cycles.AnyAsync(c => c.Id == id, Ct), "the cycle copy");
        return id;
    }

    /// <summary>The ids in a JSON array property, sorted.</summary>
    protected static Guid[] Ids(JsonElement e, string property) => [.. e.GetProperty(property).EnumerateArray().Select(x => x.GetGuid()).Order()];

    /// <summary>A task's activity rows (newest first).</summary>
    protected static async Task<List<JsonElement>> Activity(User user, Guid taskId)
    {
        var page = await user.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{taskId}/activity?limit=100", Ct);
        return [.. page.GetProperty("data").EnumerateArray()];
    }

    protected static async Task<(JsonElement Task, string ETag)> GetTask(User user, Guid taskId)
    {
        var response = await user.Client.GetAsync($"/v1/tasks/{taskId}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await Json(response), response.Headers.ETag!.ToString());
    }

    protected static async Task<HttpResponseMessage> Patch(User user, Guid taskId, object body, string? etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/v1/tasks/{taskId}") { Content = JsonContent.Create(body) };
        if (etag is not null) request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await user.Client.SendAsync(request, Ct);
    }

    private protected async Task WaitUntil(Func<TasksDb, Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await WithDb(condition))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(50, Ct);
        }
    }

    /// <summary>Payloads of the events of one type in the tasks outbox, oldest first.</summary>
    protected Task<List<JsonElement>> Outbox(string type) => WithDb(async db =>
    {
        var payloads = await db.OutboxMessages.AsNoTracking().Where(m => m.Type == type).OrderBy(m => m.OccurredAt).Select(m => m.Payload).ToListAsync(Ct);
        return payloads.Select(p => JsonDocument.Parse(p).RootElement.Clone()).ToList();
    });

    private protected async Task<T> WithDb<T>(Func<TasksDb, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TasksDb>());
    }

    protected static async Task<JsonElement> Json(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

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
