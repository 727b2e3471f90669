using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Notifications.Contracts;
using TaskFlow.Tasks.Contracts;
using TaskFlow.TestKit;

namespace TaskFlow.Realtime.Tests;

/// <summary>A signed-in account: its id, email, access token and a client that sends the token.</summary>
public sealed record User(Guid Id, string Email, string Token, HttpClient Client);

/// <summary>
/// The hub through the in-memory all-in-one host: real accounts, workspaces, projects and tasks through the APIs;
/// the realtime service learns about them through events like any other consumer.
/// </summary>
public abstract partial class RealtimeTests(TaskFlowApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_member_receives_the_tasks_another_member_creates_and_moves()
    {
        var owner = await NewUser();
        var workspaceId = await CreateWorkspace(owner);
        var member = await JoinWorkspace(owner, workspaceId, "member");
        var projectId = await CreateProject(owner, workspaceId);
        await using var client = HubClient.WebSocket(app.Server, member.Token);
        await client.Start();
        await client.JoinWhenAllowed(projectId);

        var taskId = await CreateTask(owner, projectId);
        var created = await client.WaitForEvent("TaskCreated", taskId);
        Assert.Equal(projectId, created.GetProperty("projectId").GetGuid());
        Assert.Equal(owner.Id, created.GetProperty("actorId").GetGuid());
        Assert.True(created.GetProperty("occurredAt").GetDateTime() > DateTime.MinValue);
        Assert.Equal(taskId, created.GetProperty("data").GetProperty("taskId").GetGuid());
        Assert.Equal("Write the docs", created.GetProperty("data").GetProperty("title").GetString());

        var done = await MoveTask(owner, projectId, taskId);
        var moved = await client.WaitForEvent("TaskMoved", taskId);
        Assert.Equal(done, moved.GetProperty("data").GetProperty("toStatusId").GetGuid());
        Assert.Equal(owner.Id, moved.GetProperty("actorId").GetGuid());
    }

    [Fact]
    public async Task A_user_of_another_workspace_cannot_join_and_receives_nothing()
    {
        var owner = await NewUser();
        var workspaceId = await CreateWorkspace(owner);
        var projectId = await CreateProject(owner, workspaceId);
        var outsider = await NewUser();
        await CreateWorkspace(outsider);
        await using var ownerClient = HubClient.LongPolling(app.Server, owner.Token);
        await using var outsiderClient = HubClient.WebSocket(app.Server, outsider.Token);
        await ownerClient.Start();
        await outsiderClient.Start();
        // Once the owner may join, the realtime service knows the project: the outsider's refusal is about access.
        await ownerClient.JoinWhenAllowed(projectId);

        var refused = await Assert.ThrowsAsync<HubException>(() => outsiderClient.Connection.InvokeAsync("JoinProject", projectId, Ct));
        Assert.Contains("not found", refused.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<HubException>(() => outsiderClient.Connection.InvokeAsync("JoinProject", Guid.NewGuid(), Ct));
        Assert.Contains("not found", unknown.Message, StringComparison.Ordinal);

        var taskId = await CreateTask(owner, projectId);
        await ownerClient.WaitForEvent("TaskCreated", taskId);
        // Both connections are served by the same group send: the outsider would have it by now.
        await outsiderClient.Connection.InvokeAsync("LeaveProject", projectId, Ct);
        Assert.Empty(outsiderClient.Received("event"));
    }

    [Fact]
    public async Task A_removed_member_cannot_join_again_and_stops_receiving()
    {
        var owner = await NewUser();
        var workspaceId = await CreateWorkspace(owner);
        var member = await JoinWorkspace(owner, workspaceId, "viewer");
        var projectId = await CreateProject(owner, workspaceId);
        await using var ownerClient = HubClient.LongPolling(app.Server, owner.Token);
        await using var memberClient = HubClient.LongPolling(app.Server, member.Token);
        await ownerClient.Start();
        await memberClient.Start();
        await ownerClient.JoinWhenAllowed(projectId);
        await memberClient.JoinWhenAllowed(projectId);

        using var removed = await owner.Client.DeleteAsync(new Uri($"/v1/workspaces/{workspaceId}/members/{member.Id}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await WaitUntilRefused(memberClient, projectId);

        var taskId = await CreateTask(owner, projectId);
        await ownerClient.WaitForEvent("TaskCreated", taskId);
        Assert.False(memberClient.HasEventAbout(taskId));
    }

    [Fact]
    public async Task A_workspace_member_cannot_join_a_private_project_and_receives_nothing_from_it()
    {
        var owner = await NewUser();
        var workspaceId = await CreateWorkspace(owner);
        var member = await JoinWorkspace(owner, workspaceId, "member");
        var admin = await JoinWorkspace(owner, workspaceId, "admin");
        var openProjectId = await CreateProject(owner, workspaceId);
        var privateProjectId = await CreateProject(owner, workspaceId, key: "SEC", visibility: "private");
        await using var ownerClient = HubClient.LongPolling(app.Server, owner.Token);
        await using var adminClient = HubClient.WebSocket(app.Server, admin.Token);
        await using var memberClient = HubClient.WebSocket(app.Server, member.Token);
        await ownerClient.Start();
        await adminClient.Start();
        await memberClient.Start();
        // The copy knows the member (a workspace project lets them in) and the private project (its owner gets in):
        // the refusal below is about the project being private.
        await memberClient.JoinWhenAllowed(openProjectId);
        await ownerClient.JoinWhenAllowed(privateProjectId);
        // A workspace admin reads every private project without being its member.
        await adminClient.JoinWhenAllowed(privateProjectId);

        var refused = await Assert.ThrowsAsync<HubException>(() => memberClient.Connection.InvokeAsync("JoinProject", privateProjectId, Ct));
        Assert.Contains("not found", refused.Message, StringComparison.Ordinal);

        var taskId = await CreateTask(owner, privateProjectId);
        await ownerClient.WaitForEvent("TaskCreated", taskId);
        await adminClient.WaitForEvent("TaskCreated", taskId);
        Assert.False(memberClient.HasEventAbout(taskId));
    }

    [Fact]
    public async Task An_explicit_project_member_joins_a_private_project_until_removed_from_it()
    {
        var owner = await NewUser();
        var workspaceId = await CreateWorkspace(owner);
        var member = await JoinWorkspace(owner, workspaceId, "member");
        var projectId = await CreateProject(owner, workspaceId, visibility: "private");
        await AddProjectMember(owner, projectId, member, "viewer");
        await using var ownerClient = HubClient.LongPolling(app.Server, owner.Token);
        await using var memberClient = HubClient.WebSocket(app.Server, member.Token);
        await using var memberProbe = HubClient.LongPolling(app.Server, member.Token);
        await ownerClient.Start();
        await memberClient.Start();
        await memberProbe.Start();
        await ownerClient.JoinWhenAllowed(projectId);
        await memberClient.JoinWhenAllowed(projectId);

        var taskId = await CreateTask(owner, projectId);
        await memberClient.WaitForEvent("TaskCreated", taskId);

        using var removed = await owner.Client.DeleteAsync(new Uri($"/v1/projects/{projectId}/members/{member.Id}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        // A second connection is refused once the removal is applied; the joined one left the group with it (a refusal
        // on the joined connection itself would take it out too, and prove nothing).
        await WaitUntilRefused(memberProbe, projectId);

        var afterId = await CreateTask(owner, projectId);
        await ownerClient.WaitForEvent("TaskCreated", afterId);
        Assert.False(memberClient.HasEventAbout(afterId));
    }

    [Fact]
    public async Task Making_a_project_private_drops_a_joined_non_member_at_once()
    {
        var owner = await NewUser();
        var workspaceId = await CreateWorkspace(owner);
        var member = await JoinWorkspace(owner, workspaceId, "member");
        var projectMember = await JoinWorkspace(owner, workspaceId, "member");
        var projectId = await CreateProject(owner, workspaceId);
        await AddProjectMember(owner, projectId, projectMember, "member");
        await using var ownerClient = HubClient.LongPolling(app.Server, owner.Token);
        await using var memberClient = HubClient.WebSocket(app.Server, member.Token);
        await using var memberProbe = HubClient.LongPolling(app.Server, member.Token);
        await using var projectMemberClient = HubClient.WebSocket(app.Server, projectMember.Token);
        await ownerClient.Start();
        await memberClient.Start();
        await memberProbe.Start();
        await projectMemberClient.Start();
        await ownerClient.JoinWhenAllowed(projectId);
        await memberClient.JoinWhenAllowed(projectId);
        await projectMemberClient.JoinWhenAllowed(projectId);
        // The explicit membership has reached the copy too (ProjectMemberAdded is consumed before this task's events).
        var beforeId = await CreateTask(owner, projectId);
        await memberClient.WaitForEvent("TaskCreated", beforeId);
        await projectMemberClient.WaitForEvent("TaskCreated", beforeId);

        using var updated = await owner.Client.PatchAsJsonAsync($"/v1/projects/{projectId}", new { visibility = "private" }, Ct);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        await WaitUntilRefused(memberProbe, projectId);

        var afterId = await CreateTask(owner, projectId);
        await ownerClient.WaitForEvent("TaskCreated", afterId);
        await projectMemberClient.WaitForEvent("TaskCreated", afterId);
        Assert.False(memberClient.HasEventAbout(afterId));
    }

    [Fact]
    public async Task A_workspace_admin_made_member_leaves_the_private_projects_they_are_no_member_of()
    {
        var owner = await NewUser();
        var workspaceId = await CreateWorkspace(owner);
        var admin = await JoinWorkspace(owner, workspaceId, "admin");
        var projectId = await CreateProject(owner, workspaceId, visibility: "private");
        await using var ownerClient = HubClient.LongPolling(app.Server, owner.Token);
        await using var adminClient = HubClient.WebSocket(app.Server, admin.Token);
        await using var adminProbe = HubClient.LongPolling(app.Server, admin.Token);
        await ownerClient.Start();
        await adminClient.Start();
        await adminProbe.Start();
        await ownerClient.JoinWhenAllowed(projectId);
        await adminClient.JoinWhenAllowed(projectId);

        using var demoted = await owner.Client.PatchAsJsonAsync($"/v1/workspaces/{workspaceId}/members/{admin.Id}", new { role = "member" }, Ct);
        Assert.Equal(HttpStatusCode.OK, demoted.StatusCode);
        await WaitUntilRefused(adminProbe, projectId);

        var taskId = await CreateTask(owner, projectId);
        await ownerClient.WaitForEvent("TaskCreated", taskId);
        Assert.False(adminClient.HasEventAbout(taskId));
    }

    [Fact]
    public async Task Anonymous_and_forged_connections_are_refused()
    {
        await using var anonymous = HubClient.LongPolling(app.Server, accessToken: null);
        var noToken = await Assert.ThrowsAsync<HttpRequestException>(anonymous.Start);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);

        await using var forged = HubClient.LongPolling(app.Server, TestTokens.For(TestUser.New()));
        var badToken = await Assert.ThrowsAsync<HttpRequestException>(forged.Start);
        Assert.Equal(HttpStatusCode.Unauthorized, badToken.StatusCode);

        await using var anonymousSocket = HubClient.WebSocket(app.Server, accessToken: null);
        await Assert.ThrowsAnyAsync<Exception>(anonymousSocket.Start);
    }

    [Fact]
    public async Task A_notification_and_unread_count_reach_their_recipient_only()
    {
        var recipient = await NewUser();
        var other = await NewUser();
        await using var recipientClient = HubClient.WebSocket(app.Server, recipient.Token);
        await using var recipientSecondTab = HubClient.LongPolling(app.Server, recipient.Token);
        await using var otherClient = HubClient.WebSocket(app.Server, other.Token);
        await recipientClient.Start();
        await recipientSecondTab.Start();
        await otherClient.Start();

        var notificationId = Guid.NewGuid();
        await Publish(new NotificationCreated(notificationId, recipient.Id, "task_assigned", "WEB-1 was assigned to you", null, "/tasks/WEB-1", DateTime.UtcNow, 3));
        await Publish(new UnreadCountChanged(recipient.Id, 2));
        await Publish(new UnreadCountChanged(other.Id, 7));

        foreach (var client in new[] { recipientClient, recipientSecondTab })
        {
            var notification = await client.WaitFor("notification", n => n.GetProperty("notificationId").GetGuid() == notificationId);
            Assert.Equal("WEB-1 was assigned to you", notification.GetProperty("title").GetString());
            Assert.Equal(3, notification.GetProperty("unreadCount").GetInt32());
            await client.WaitFor("unreadCount", u => u.GetProperty("unreadCount").GetInt32() == 2);
        }
        // The other user's count was published last: once it is here, anything meant for the recipient would be too.
        await otherClient.WaitFor("unreadCount", u => u.GetProperty("unreadCount").GetInt32() == 7);
        Assert.Empty(otherClient.Received("notification"));
        Assert.Single(otherClient.Received("unreadCount"));
    }

    [Fact]
    public async Task Events_of_a_project_nobody_watches_are_consumed_without_error()
    {
        var owner = await NewUser();
        var workspaceId = await CreateWorkspace(owner);
        var projectId = await CreateProject(owner, workspaceId);
        await using var client = HubClient.WebSocket(app.Server, owner.Token);
        await client.Start();
        await client.JoinWhenAllowed(projectId);

        // The in-process transport throws when a consumer fails: these complete only if their pushes did.
        var unwatched = new TaskDeleted(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "WEB-9", Guid.NewGuid());
        await Publish(unwatched);
        await Publish(new NotificationCreated(Guid.NewGuid(), Guid.NewGuid(), "x", "t", null, null, DateTime.UtcNow, 1));
        // The queue goes on: a later event of the watched project reaches its group, and nothing else reached the client.
        var watched = new TaskDeleted(Guid.NewGuid(), projectId, workspaceId, "WEB-10", owner.Id);
        await Publish(watched);

        var deleted = await client.WaitForEvent("TaskDeleted", watched.TaskId);
        Assert.Equal(projectId, deleted.GetProperty("projectId").GetGuid());
        Assert.Equal(owner.Id, deleted.GetProperty("actorId").GetGuid());
        Assert.False(client.HasEventAbout(unwatched.TaskId));
        Assert.Empty(client.Received("notification"));
    }

    /// <summary>Publishes the producer's own record, as its outbox would (wire name = type name).</summary>
    Task Publish(IntegrationEvent e) =>
        app.Services.GetRequiredService<IEventTransport>().Publish(OutboxMessage.From(e, correlationId: null).ToEnvelope(), Ct);

    static async Task WaitUntilRefused(HubClient client, Guid projectId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                await client.Connection.InvokeAsync("JoinProject", projectId, Ct);
            }
            catch (HubException)
            {
                return;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("JoinProject kept succeeding after access was taken away.");
            await Task.Delay(100, Ct);
        }
    }

    // --- set-up through the real APIs ---

    async Task<User> NewUser()
    {
        var anonymous = app.CreateClient();
        var registered = await Accounts.Register(anonymous);
        var token = await Accounts.SignIn(anonymous, registered.Email, registered.Password);
        return new User(registered.Id, registered.Email, token, app.Authorized(token));
    }

    static async Task<Guid> CreateWorkspace(User owner)
    {
        using var response = await owner.Client.PostAsJsonAsync("/v1/workspaces", new { name = "Acme" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex TokenPattern();

    async Task<User> JoinWorkspace(User owner, Guid workspaceId, string role)
    {
        var user = await NewUser();
        using var invited = await owner.Client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/invitations", new { email = user.Email, role }, Ct);
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        var mail = await app.WaitForMail(user.Email, m => (m.TextBody ?? m.HtmlBody ?? "").Contains("/invitations/accept", StringComparison.Ordinal));
        var token = TokenPattern().Match(mail.TextBody ?? mail.HtmlBody ?? "").Groups[1].Value;
        using var accepted = await user.Client.PostAsJsonAsync("/v1/invitations/accept", new { token }, Ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        return user;
    }

    /// <summary>A project created through the projects API (<paramref name="visibility"/> workspace or private).</summary>
    static async Task<Guid> CreateProject(User owner, Guid workspaceId, string key = "WEB", string visibility = "workspace")
    {
        var id = Guid.Empty;
        // The projects service learns about the workspace through an event: 404 until then.
        await Eventually(async () =>
        {
            using var response = await owner.Client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Website", key, visibility }, Ct);
            if (response.StatusCode != HttpStatusCode.Created) return false;
            id = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
            return true;
        }, "the projects service to know the workspace");
        return id;
    }

    /// <summary>Makes a workspace member an explicit project member (400 until the projects service knows the workspace member).</summary>
    static Task AddProjectMember(User admin, Guid projectId, User user, string role) =>
        Eventually(async () =>
        {
            using var response = await admin.Client.PostAsJsonAsync($"/v1/projects/{projectId}/members", new { userId = user.Id, role }, Ct);
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest, $"add project member: {response.StatusCode}");
            return response.StatusCode == HttpStatusCode.Created;
        }, "the projects service to know the workspace member");

    static async Task<Guid> CreateTask(User user, Guid projectId)
    {
        var id = Guid.Empty;
        // The tasks service takes tasks once it has applied ProjectCreated (404 or 409 until then).
        await Eventually(async () =>
        {
            using var response = await user.Client.PostAsJsonAsync($"/v1/projects/{projectId}/tasks", new { title = "Write the docs" }, Ct);
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.NotFound or HttpStatusCode.Conflict, $"create task: {response.StatusCode}");
            if (response.StatusCode != HttpStatusCode.Created) return false;
            id = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
            return true;
        }, "the tasks service to take tasks");
        return id;
    }

    /// <summary>Moves the task to the project's third status (in progress); returns that status.</summary>
    static async Task<Guid> MoveTask(User user, Guid projectId, Guid taskId)
    {
        var statuses = await user.Client.GetFromJsonAsync<JsonElement>($"/v1/projects/{projectId}/statuses", Ct);
        var target = statuses.EnumerateArray().ElementAt(2).GetProperty("id").GetGuid();
        await Eventually(async () =>
        {
            using var moved = await user.Client.PostAsJsonAsync($"/v1/tasks/{taskId}/move", new { statusId = target }, Ct);
            return moved.StatusCode == HttpStatusCode.OK;
        }, "the move to be accepted");
        return target;
    }

    static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(100, Ct);
        }
    }
}

public sealed class SqliteRealtimeTests(SqliteApp app) : RealtimeTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresRealtimeTests(PostgresApp app) : RealtimeTests(app), IClassFixture<PostgresApp>;

/// <summary>
/// All-in-one with the Redis backplane configured: pushes cross Redis, and every revocation (member removed, project made
/// private, project member removed, admin demoted) travels the <c>realtime:revoke</c> channel before it is applied.
/// </summary>
public sealed class RedisRealtimeTests(RedisRealtimeTests.SqliteRedisApp app) : RealtimeTests(app), IClassFixture<RedisRealtimeTests.SqliteRedisApp>
{
    public sealed class SqliteRedisApp() : TaskFlowApp(Provider.Sqlite)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("Redis:Configuration", Environment.GetEnvironmentVariable("TASKFLOW_TEST_REDIS") is { Length: > 0 } r ? r : "127.0.0.1:6379"),
            new("Realtime:ChannelPrefix", "tf-rt-" + Guid.NewGuid().ToString("N")[..8]),
        ];
    }
}
