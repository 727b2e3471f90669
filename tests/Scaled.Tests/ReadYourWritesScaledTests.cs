using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using TaskFlow.TestKit;

namespace TaskFlow.Scaled.Tests;

/// <summary>
/// Read-your-writes across processes (docs/adr/0005): identity, workspaces and projects run in one process on RabbitMQ,
/// tasks, realtime and reporting in another on the in-process transport, so no event ever reaches the tasks copy. Every change the first process
/// answered 2xx for must still work in tasks on the very next request: tasks asks the workspaces and projects services
/// on a miss, with the caller's token, and keeps what it needs of the project.
/// </summary>
public sealed class ReadYourWritesScaledTests
{
    [Fact]
    public async Task A_project_its_labels_and_cycles_and_a_new_member_work_in_tasks_at_once_without_any_event()
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
            ];
            var core = await scaled.Processes.Start("core", "identity,workspaces,projects", Settings("core", "RabbitMQ"));
            var tasks = await scaled.Processes.Start("tasks", "tasks,realtime,reporting",
            [
                .. Settings("tasks", "InProcess"),
                new("Auth:JwksUrl", ScaledOut.JwksUrl(core)),
                new("Tasks:WorkspacesUrl", core.BaseAddress.ToString()),
                new("Tasks:ProjectsUrl", core.BaseAddress.ToString()),
                new("Realtime:WorkspacesUrl", core.BaseAddress.ToString()),
                new("Realtime:ProjectsUrl", core.BaseAddress.ToString()),
                new("Reporting:WorkspacesUrl", core.BaseAddress.ToString()),
                new("Reporting:ProjectsUrl", core.BaseAddress.ToString()),
            ]);

            using var identity = core.CreateClient();
            var ownerEmail = Account.NewEmail();
            var memberEmail = Account.NewEmail();
            var strangerEmail = Account.NewEmail();
            foreach (var email in new[] { ownerEmail, memberEmail, strangerEmail }) await Account.Register(identity, email);
            var owner = await Account.AccessToken(identity, ownerEmail);
            var member = await Account.AccessToken(identity, memberEmail);
            var stranger = await Account.AccessToken(identity, strangerEmail);

            var workspaceId = (await Calls.Send(core, HttpMethod.Post, "/v1/workspaces", owner, new { name = "Fresh" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
            var projectId = (await Calls.Send(core, HttpMethod.Post, $"/v1/workspaces/{workspaceId}/projects", owner, new { name = "Launch", key = "LCH" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
            var labelId = (await Calls.Send(core, HttpMethod.Post, $"/v1/projects/{projectId}/labels", owner, new { name = "urgent", color = "#cc0000" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();

            // Its reports at once: reporting (beside tasks, hearing no event from projects) asks the projects service.
            var empty = await Calls.Send(tasks, HttpMethod.Get, $"/v1/projects/{projectId}/reports/summary", owner, null, HttpStatusCode.OK);
            Assert.Equal(0, empty.GetProperty("total").GetInt32());

            // The project, its workflow and its label: unknown to tasks until this request asks.
            var task = await Calls.Send(tasks, HttpMethod.Post, $"/v1/projects/{projectId}/tasks", owner, new { title = "First", labelIds = new[] { labelId } }, HttpStatusCode.Created);
            Assert.Equal("LCH-1", task.GetProperty("key").GetString());
            Assert.Equal(labelId, Assert.Single(task.GetProperty("labelIds").EnumerateArray()).GetGuid());
            var taskId = task.GetProperty("id").GetGuid();

            // A label and a cycle created after tasks copied the project.
            var laterLabel = (await Calls.Send(core, HttpMethod.Post, $"/v1/projects/{projectId}/labels", owner, new { name = "later", color = "#00aa00" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
            var cycleId = (await Calls.Send(core, HttpMethod.Post, $"/v1/projects/{projectId}/cycles", owner,
                new { name = "Sprint 1", startDate = "2026-12-07", endDate = "2026-12-18" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
            var second = await Calls.Send(tasks, HttpMethod.Post, $"/v1/projects/{projectId}/tasks", owner, new { title = "Second", labelIds = new[] { laterLabel }, cycleId }, HttpStatusCode.Created);
            Assert.Equal(laterLabel, Assert.Single(second.GetProperty("labelIds").EnumerateArray()).GetGuid());
            Assert.Equal(cycleId, second.GetProperty("cycleId").GetGuid());

            // A label that does not exist anywhere is still a 400.
            await Calls.Send(tasks, HttpMethod.Post, $"/v1/projects/{projectId}/tasks", owner, new { title = "Bad", labelIds = new[] { Guid.NewGuid() } }, HttpStatusCode.BadRequest);

            // A member who accepted a moment ago reads and writes at once; someone else still gets 404.
            await Calls.Send(core, HttpMethod.Post, $"/v1/workspaces/{workspaceId}/invitations", owner, new { email = memberEmail, role = "member" }, HttpStatusCode.Created);
            await Calls.Send(core, HttpMethod.Post, "/v1/invitations/accept", member, new { token = await Calls.InvitationToken(scaled.DatabasePrefix, memberEmail) }, HttpStatusCode.OK);
            Assert.Equal(HttpStatusCode.OK, await Calls.Status(tasks, $"/v1/projects/{projectId}/tasks", member));
            await Calls.Send(tasks, HttpMethod.Post, $"/v1/projects/{projectId}/tasks", member, new { title = "Mine" }, HttpStatusCode.Created);
            Assert.Equal(HttpStatusCode.OK, await Calls.Status(tasks, $"/v1/projects/{projectId}/reports/summary", member));
            Assert.Equal(HttpStatusCode.OK, await Calls.Status(tasks, $"/v1/workspaces/{workspaceId}/reports/overview", member));
            Assert.Equal(HttpStatusCode.NotFound, await Calls.Status(tasks, $"/v1/projects/{projectId}/reports/summary", stranger));
            Assert.Equal(HttpStatusCode.NotFound, await Calls.Status(tasks, $"/v1/workspaces/{workspaceId}/reports/overview", stranger));
            Assert.Equal(HttpStatusCode.NotFound, await Calls.Status(tasks, $"/v1/projects/{projectId}/tasks", stranger));
            Assert.Equal(HttpStatusCode.NotFound, await Calls.Status(tasks, $"/v1/tasks/{taskId}", stranger));
            Assert.Equal(HttpStatusCode.NotFound, await Calls.Status(tasks, $"/v1/projects/{Guid.NewGuid()}/tasks", owner));

            // Live updates of the new project: realtime (beside tasks, hearing no event either) lets the member join at once.
            await using (var hub = HubRecorder.For(tasks.BaseAddress, member))
            {
                await hub.Start(TestContext.Current.CancellationToken);
                await hub.Connection.InvokeAsync("JoinProject", projectId, TestContext.Current.CancellationToken);
            }
            await using (var hub = HubRecorder.For(tasks.BaseAddress, stranger))
            {
                await hub.Start(TestContext.Current.CancellationToken);
                await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.Connection.InvokeAsync("JoinProject", projectId, TestContext.Current.CancellationToken));
            }

            // A private project created now: its owner works in it at once, a plain member cannot see it.
            var privateId = (await Calls.Send(core, HttpMethod.Post, $"/v1/workspaces/{workspaceId}/projects", owner, new { name = "Secret", key = "SEC", visibility = "private" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
            Assert.Equal(HttpStatusCode.NotFound, await Calls.Status(tasks, $"/v1/projects/{privateId}/tasks", member));
            await Calls.Send(tasks, HttpMethod.Post, $"/v1/projects/{privateId}/tasks", owner, new { title = "Hidden" }, HttpStatusCode.Created);
            Assert.Equal(HttpStatusCode.NotFound, await Calls.Status(tasks, $"/v1/projects/{privateId}/tasks", member));
        }
        finally
        {
            ScaledOutTests.DeleteFolder(dataDir);
        }
    }
}
