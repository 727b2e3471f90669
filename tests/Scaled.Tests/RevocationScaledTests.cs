using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Scaled.Tests;

/// <summary>
/// Revocation in the scaled-out shape takes effect on the very next request in another service, with the broker out of
/// the picture: identity and workspaces run in one process, projects and tasks in another. Once the member's access is
/// set up, the projects/tasks process is restarted on the in-process transport, so no integration event
/// (<c>SessionsRevoked</c>, <c>MemberRemoved</c>, <c>WorkspaceDeleted</c>) can reach it any more; only Redis can tell it.
/// </summary>
public sealed class RevocationScaledTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static string Redis => Environment.GetEnvironmentVariable("TASKFLOW_TEST_REDIS") is { Length: > 0 } r ? r : "127.0.0.1:6379";

    [Fact]
    public async Task Logout_refresh_reuse_member_removal_and_workspace_deletion_stop_access_in_another_service_at_once()
    {
        if (HostProcess.StartTimeout < TimeSpan.FromMinutes(4)) HostProcess.StartTimeout = TimeSpan.FromMinutes(4);
        await using var scaled = await ScaledOut.Create();
        var dataDir = Servers.NewDataDir();
        try
        {
            IEnumerable<KeyValuePair<string, string?>> Settings(string name, string transport) =>
            [
                new("DataDir", Path.Combine(dataDir, name)),
                new("Data:Provider", "Postgres"),
                new("Data:Postgres", Servers.Postgres),
                new("Data:DatabasePrefix", scaled.DatabasePrefix),
                new("Messaging:Transport", transport),
                new("Messaging:RabbitMQ", scaled.VirtualHost.Uri.ToString()),
                new("Messaging:OutboxPollInterval", "00:00:00.200"),
                new("Redis:Configuration", Redis),
            ];
            var accounts = await scaled.Processes.Start("accounts", "identity,workspaces", Settings("accounts", "RabbitMQ"));
            IEnumerable<KeyValuePair<string, string?>> Work(string transport) =>
            [
                .. Settings("work", transport),
                new("Auth:JwksUrl", ScaledOut.JwksUrl(accounts)),
                new("Projects:WorkspacesUrl", accounts.BaseAddress.ToString()),
            ];
            var work = await scaled.Processes.Start("work", "projects,tasks", Work("RabbitMQ"));

            using var identity = accounts.CreateClient();
            var ownerEmail = Account.NewEmail();
            var memberEmail = Account.NewEmail();
            await Account.Register(identity, ownerEmail, "Olga Owner");
            await Account.Register(identity, memberEmail, "Mats Member");
            var owner = await Session.Start(identity, ownerEmail);
            var member = await Session.Start(identity, memberEmail);

            var workspaceId = (await Calls.Send(accounts, HttpMethod.Post, "/v1/workspaces", owner.Access, new { name = "Revocable" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
            var projectId = (await Calls.Send(work, HttpMethod.Post, $"/v1/workspaces/{workspaceId}/projects", owner.Access, new { name = "Vault", key = "VLT" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
            var invitation = await Calls.Send(accounts, HttpMethod.Post, $"/v1/workspaces/{workspaceId}/invitations", owner.Access, new { email = memberEmail, role = "member" }, HttpStatusCode.Created);
            await Calls.Send(accounts, HttpMethod.Post, "/v1/invitations/accept", member.Access, new { token = await Calls.InvitationToken(scaled.DatabasePrefix, memberEmail) }, HttpStatusCode.OK);
            _ = invitation;
            // Projects and tasks learn the membership and the project from their events (tasks has no owner lookup).
            await Eventually(work, $"/v1/projects/{projectId}/tasks", member.Access, HttpStatusCode.OK);

            // Cut projects and tasks off from the broker: the same databases, the in-process transport.
            await work.Stop();
            var cut = await scaled.Processes.Start("work-cut", "projects,tasks", Work("InProcess"));
            Assert.Equal(HttpStatusCode.OK, await Calls.Status(cut, $"/v1/projects/{projectId}", member.Access));

            // 1. Logout: the member's access token stops in the other process on the next request.
            Assert.Equal(HttpStatusCode.NoContent, (await identity.PostAsJsonAsync("/v1/auth/logout", new { refreshToken = member.Refresh }, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, await Calls.Status(cut, $"/v1/projects/{projectId}", member.Access));
            Assert.Equal(HttpStatusCode.Unauthorized, await Calls.Status(cut, $"/v1/projects/{projectId}/tasks", member.Access));

            // 2. Refresh-token reuse: the whole family ends, including the access token the rotation just issued.
            var reused = await Session.Start(identity, ownerEmail);
            var rotated = await Session.Rotate(identity, reused.Refresh);
            Assert.Equal(HttpStatusCode.OK, await Calls.Status(cut, $"/v1/projects/{projectId}", rotated.Access));
            Assert.Equal(HttpStatusCode.Unauthorized, (await identity.PostAsJsonAsync("/v1/auth/refresh", new { refreshToken = reused.Refresh }, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, await Calls.Status(cut, $"/v1/projects/{projectId}", rotated.Access));

            // 3. Member removal: a new session of the member still works, until the owner removes them.
            var again = await Session.Start(identity, memberEmail);
            var memberId = (await Calls.Send(accounts, HttpMethod.Get, "/v1/users/me", again.Access, null, HttpStatusCode.OK)).GetProperty("id").GetGuid();
            Assert.Equal(HttpStatusCode.OK, await Calls.Status(cut, $"/v1/projects/{projectId}/tasks", again.Access));
            await Calls.Send(accounts, HttpMethod.Delete, $"/v1/workspaces/{workspaceId}/members/{memberId}", owner.Access, null, HttpStatusCode.NoContent);
            Assert.Equal(HttpStatusCode.NotFound, await Calls.Status(cut, $"/v1/projects/{projectId}", again.Access));
            Assert.Equal(HttpStatusCode.NotFound, await Calls.Status(cut, $"/v1/projects/{projectId}/tasks", again.Access));
            Assert.Equal(HttpStatusCode.NotFound, await Calls.Status(cut, $"/v1/workspaces/{workspaceId}/projects", again.Access));

            // 4. Workspace deletion: the owner's access to its projects ends at once too.
            Assert.Equal(HttpStatusCode.OK, await Calls.Status(cut, $"/v1/projects/{projectId}/tasks", owner.Access));
            await Calls.Send(accounts, HttpMethod.Delete, $"/v1/workspaces/{workspaceId}", owner.Access, null, HttpStatusCode.NoContent);
            Assert.Equal(HttpStatusCode.NotFound, await Calls.Status(cut, $"/v1/projects/{projectId}", owner.Access));
            Assert.Equal(HttpStatusCode.NotFound, await Calls.Status(cut, $"/v1/projects/{projectId}/tasks", owner.Access));
        }
        finally
        {
            ScaledOutTests.DeleteFolder(dataDir);
        }
    }

    sealed record Session(string Access, string Refresh)
    {
        public static async Task<Session> Start(HttpClient identity, string email)
        {
            using var response = await Account.LogIn(identity, email);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return From(await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
        }

        public static async Task<Session> Rotate(HttpClient identity, string refreshToken)
        {
            using var response = await identity.PostAsJsonAsync("/v1/auth/refresh", new { refreshToken }, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return From(await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
        }

        static Session From(JsonElement body) => new(body.GetProperty("accessToken").GetString()!, body.GetProperty("refreshToken").GetString()!);
    }

    static async Task Eventually(HostProcess process, string path, string token, HttpStatusCode expected)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); await Calls.Status(process, path, token) != expected; await Task.Delay(200, Ct))
            Assert.True(DateTime.UtcNow < deadline, $"GET {path} never answered {expected}");
    }
}
