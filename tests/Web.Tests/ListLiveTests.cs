using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Web.Client;
using TaskFlow.Web.Client.Api;
using TaskFlow.Web.Client.Pages;
using TaskFlow.Web.Client.Realtime;

namespace TaskFlow.Web.Tests;

/// <summary>
/// The list view against an in-memory API that counts requests: someone else's change to a row on the page refreshes
/// that row alone, a deletion removes it, and a new task reloads the page once.
/// </summary>
[Trait("Category", "Components")]
public sealed class ListLiveTests : BunitContext
{
    static readonly Guid ProjectId = Guid.NewGuid();
    static readonly Guid WorkspaceId = Guid.NewGuid();
    static readonly WorkflowStatus Todo = new(Guid.NewGuid(), "Todo", "todo", 1);

    readonly FakeApi api = new();

    public ListLiveTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddTaskFlowClient();
        Services.AddScoped<IApiTransport>(_ => new HttpTransport(new HttpClient(api) { BaseAddress = new Uri("http://api.invalid/") }));
        Renderer.SetRendererInfo(new RendererInfo("WebAssembly", isInteractive: true));
        Render<MudBlazor.MudPopoverProvider>();
    }

    static ListTask Row(int number, string title, int version = 1) =>
        new(Guid.NewGuid(), $"WEB-{number}", ProjectId, title, Todo.Id, "none", [], null, DateTime.UtcNow, DateTime.UtcNow, version, []);

    static string[] Keys(IRenderedComponent<ListView> list) =>
        [.. list.FindAll("[data-testid=task-row]").Select(c => c.GetAttribute("data-key")!)];

    Task Push(string type, Guid taskId) =>
        Services.GetRequiredService<RealtimeClient>().Dispatch(new ProjectEvent(type, ProjectId, taskId, Guid.NewGuid(), DateTime.UtcNow,
            JsonSerializer.SerializeToElement(new { taskId }, TestJson.Web)));

    [Fact]
    public async Task Someone_elses_changes_show_without_a_reload_of_the_page()
    {
        var a = Row(1, "First");
        var b = Row(2, "Second");
        api.Tasks.AddRange([a, b]);
        var list = Render<ListView>(p => p.Add(l => l.ProjectId, ProjectId));
        list.WaitForAssertion(() => Assert.Equal(["WEB-1", "WEB-2"], Keys(list)), TimeSpan.FromSeconds(10));
        Assert.Equal(1, api.Count($"/v1/projects/{ProjectId}/tasks?"));

        // A row on the page changed elsewhere: that one task is read, not the list.
        api.Replace(a with { Title = "Renamed elsewhere", Version = 2 });
        await list.InvokeAsync(() => Push("TaskUpdated", a.Id));
        list.WaitForAssertion(() => Assert.Contains("Renamed elsewhere", list.Find("[data-testid=task-grid]").TextContent, StringComparison.Ordinal));
        Assert.Equal(1, api.Count("/v1/tasks/" + a.Id));
        Assert.Equal(1, api.Count($"/v1/projects/{ProjectId}/tasks?"));

        // Deleted elsewhere: the row goes, without any request.
        var before = api.Total;
        lock (api.Tasks) api.Tasks.Remove(b);
        await list.InvokeAsync(() => Push("TaskDeleted", b.Id));
        list.WaitForAssertion(() => Assert.Equal(["WEB-1"], Keys(list)));
        Assert.Equal(before, api.Total);

        // Created elsewhere: where it belongs depends on filters and sort, so the page is read again (once).
        var c = Row(3, "Third");
        api.Tasks.Add(c);
        await list.InvokeAsync(() => Push("TaskCreated", c.Id));
        list.WaitForAssertion(() => Assert.Equal(["WEB-1", "WEB-3"], Keys(list)), TimeSpan.FromSeconds(5));
        Assert.Equal(2, api.Count($"/v1/projects/{ProjectId}/tasks?"));
    }

    /// <summary>Serves the project, its statuses, labels and views, and the tasks (one page, number order) from memory; counts requests.</summary>
    sealed class FakeApi : HttpMessageHandler
    {
        readonly ConcurrentQueue<string> requests = new();
        public List<ListTask> Tasks { get; } = [];
        public int Total => requests.Count(r => r.StartsWith("/v1/", StringComparison.Ordinal));
        public int Count(string fragment) => requests.Count(r => r.Contains(fragment, StringComparison.Ordinal));

        public void Replace(ListTask task)
        {
            lock (Tasks) Tasks[Tasks.FindIndex(t => t.Id == task.Id)] = task;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.PathAndQuery;
            requests.Enqueue(path);
            object? body = path switch
            {
                "/app/session/refresh" => new SessionToken(Jwt(), 3600),
                _ when path == $"/v1/projects/{ProjectId}" => new Project(ProjectId, WorkspaceId, "WEB", "Web", null, null, null, null, false, null, DateTime.UtcNow, Guid.NewGuid(), "admin"),
                _ when path == $"/v1/projects/{ProjectId}/statuses" => new[] { Todo },
                _ when path == $"/v1/projects/{ProjectId}/labels" => Array.Empty<TaskLabel>(),
                _ when path == $"/v1/projects/{ProjectId}/views" => Array.Empty<SavedView>(),
                _ when path == $"/v1/workspaces/{WorkspaceId}/members" => Array.Empty<Member>(),
                _ when path.StartsWith($"/v1/projects/{ProjectId}/tasks?", StringComparison.Ordinal) => Page(),
                _ when path.StartsWith("/v1/tasks/", StringComparison.Ordinal) => Find(Guid.Parse(path["/v1/tasks/".Length..])),
                _ => null,
            };
            return Task.FromResult(body is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("{\"status\":404}", Encoding.UTF8, "application/problem+json") }
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(body, body.GetType(), options: TestJson.Web) });
        }

        ListTask? Find(Guid id)
        {
            lock (Tasks) return Tasks.Find(t => t.Id == id);
        }

        Page<ListTask> Page()
        {
            lock (Tasks) return new Page<ListTask>([.. Tasks.OrderBy(t => t.Key, StringComparer.Ordinal)], null);
        }

        static string Jwt()
        {
            static string Part(object o) => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(o)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            return $"{Part(new { alg = "none" })}.{Part(new { sub = Guid.NewGuid(), email = "ada@example.com", name = "Ada" })}.x";
        }
    }
}
