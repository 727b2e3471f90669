using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Scaled.Tests;

/// <summary>
/// Workspaces and projects as separate processes on PostgreSQL and RabbitMQ behind the gateway: the projects route
/// pattern <c>/v1/workspaces/{workspaceId}/projects</c> (and the tasks pattern <c>/v1/workspaces/{workspaceId}/tasks</c>)
/// win over the workspaces prefix, and the membership copy arrives over the broker.
/// </summary>
public sealed class ProjectsGatewayTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Workspace_projects_route_to_the_projects_service_and_the_rest_of_the_workspace_to_workspaces()
    {
        using var jwks = new TestJwks();
        await using var virtualHost = await RabbitVirtualHost.Create();
        var prefix = Servers.NewDatabasePrefix();
        var dataDir = Servers.NewDataDir();
        try
        {
            await using var processes = new ProcessGroup();
            IEnumerable<KeyValuePair<string, string?>> Service(string name) =>
            [
                new("DataDir", Path.Combine(dataDir, name)),
                new("Data:Provider", "Postgres"),
                new("Data:Postgres", Servers.Postgres),
                new("Data:DatabasePrefix", prefix),
                new("Messaging:Transport", "RabbitMQ"),
                new("Messaging:RabbitMQ", virtualHost.Uri.ToString()),
                new("Messaging:OutboxPollInterval", "00:00:00.200"),
                new("Auth:JwksUrl", jwks.Url),
            ];
            var workspaces = await processes.Start("workspaces", "workspaces", Service("workspaces"));
            var projects = await processes.Start("projects", "projects", Service("projects"));
            var tasks = await processes.Start("tasks", "tasks", Service("tasks"));
            var gateway = await processes.Start("gateway", "gateway",
            [
                new("Gateway:Services:workspaces", workspaces.BaseAddress.ToString()),
                new("Gateway:Services:projects", projects.BaseAddress.ToString()),
                new("Gateway:Services:tasks", tasks.BaseAddress.ToString()),
                new("Auth:JwksUrl", jwks.Url),
                new("RateLimits:Enabled", "false"),
            ]);
            using var client = gateway.CreateClient();
            client.DefaultRequestHeaders.Authorization = Account.Bearer(jwks.Token(Guid.NewGuid(), Account.NewEmail()));

            var created = await client.PostAsJsonAsync("/v1/workspaces", new { name = "Scaled" }, Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var workspaceId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

            // 404 from projects until MemberAdded has crossed the broker; then the project is created there.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            HttpResponseMessage project;
            while ((project = await client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Website", key = "WEB" }, Ct)).StatusCode == HttpStatusCode.NotFound)
            {
                Assert.Equal("https://taskflow.dev/problems/workspace-not-found", (await project.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("type").GetString());
                Assert.True(DateTime.UtcNow < deadline, "The membership copy did not reach the projects service.");
                await Task.Delay(100, Ct);
            }
            Assert.Equal(HttpStatusCode.Created, project.StatusCode);
            var projectId = (await project.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

            var list = await client.GetFromJsonAsync<JsonElement>($"/v1/workspaces/{workspaceId}/projects", Ct);
            Assert.Equal(projectId, Assert.Single(list.EnumerateArray()).GetProperty("id").GetGuid());
            var byId = await client.GetFromJsonAsync<JsonElement>($"/v1/projects/{projectId}", Ct);
            Assert.Equal("WEB", byId.GetProperty("key").GetString());

            // The workspace itself and its members still go to the workspaces service.
            var workspace = await client.GetFromJsonAsync<JsonElement>($"/v1/workspaces/{workspaceId}", Ct);
            Assert.Equal("scaled", workspace.GetProperty("slug").GetString());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/workspaces/{workspaceId}/members", Ct)).StatusCode);

            // The workspace's task list (My tasks) is a tasks route inside the workspaces prefix: only the tasks service
            // answers it with a page (the workspaces service has no such route and would answer 404).
            deadline = DateTime.UtcNow.AddSeconds(30);
            HttpResponseMessage myTasks;
            while ((myTasks = await client.GetAsync($"/v1/workspaces/{workspaceId}/tasks?assignee=me", Ct)).StatusCode == HttpStatusCode.NotFound)
            {
                Assert.True(DateTime.UtcNow < deadline, "The membership copy did not reach the tasks service.");
                await Task.Delay(100, Ct);
            }
            Assert.Equal(HttpStatusCode.OK, myTasks.StatusCode);
            Assert.Equal(JsonValueKind.Array, (await myTasks.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("data").ValueKind);
        }
        finally
        {
            await TaskFlowApp.DropDatabases(prefix);
            ScaledOutTests.DeleteFolder(dataDir);
        }
    }
}
