using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using TaskFlow.Web.Client;
using TaskFlow.Web.Client.Api;
using TaskFlow.Web.Client.Board;
using TaskFlow.Web.Client.Pages;
using TaskFlow.Web.Client.Realtime;

namespace TaskFlow.Web.Tests;

/// <summary>
/// The board page against an in-memory API that counts requests: it loads each column once, and a live event changes the
/// one card it concerns without reloading the columns.
/// </summary>
[Trait("Category", "Components")]
public sealed class BoardLiveTests : BunitContext
{
    static readonly Guid ProjectId = Guid.NewGuid();
    static readonly Guid WorkspaceId = Guid.NewGuid();
    static readonly WorkflowStatus Todo = new(Guid.NewGuid(), "Todo", "todo", 1);
    static readonly WorkflowStatus Done = new(Guid.NewGuid(), "Done", "done", 2);

    readonly FakeApi api = new();

    public BoardLiveTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddTaskFlowClient();
        Services.AddScoped<IApiTransport>(_ => new HttpTransport(new HttpClient(api) { BaseAddress = new Uri("http://api.invalid/") }));
        Renderer.SetRendererInfo(new RendererInfo("WebAssembly", isInteractive: true));
        Render<MudBlazor.MudPopoverProvider>();
    }

    static TaskItem Card(int number, WorkflowStatus status, string rank, string title = "") =>
        new(Guid.NewGuid(), $"WEB-{number}", ProjectId, title.Length > 0 ? title : $"Card {number}", null, status.Id, rank, "none", [], null, null, null,
            null, Guid.NewGuid(), DateTime.UtcNow, DateTime.UtcNow, 1);

    static string[] Keys(IRenderedComponent<Board> board, WorkflowStatus status) =>
        [.. board.FindAll($"[data-testid=board-column][data-status={status.Name}] [data-testid=task-card]").Select(c => c.GetAttribute("data-key")!)];

    IRenderedComponent<Board> RenderBoard(params TaskItem[] cards)
    {
        api.Tasks.AddRange(cards);
        var board = Render<Board>(p => p.Add(b => b.ProjectId, ProjectId));
        board.WaitForAssertion(() => Assert.Equal(cards.Length, board.FindAll("[data-testid=task-card]").Count), TimeSpan.FromSeconds(10));
        return board;
    }

    Task Push(string type, Guid taskId, object data) =>
        Services.GetRequiredService<RealtimeClient>().Dispatch(new ProjectEvent(type, ProjectId, taskId, Guid.NewGuid(), DateTime.UtcNow,
            JsonSerializer.SerializeToElement(data, TestJson.Web)));

    [Fact]
    public async Task A_live_move_puts_the_card_in_its_new_column_by_rank_without_any_request()
    {
        var a = Card(1, Todo, "h");
        var b = Card(2, Done, "d");
        var c = Card(3, Done, "p");
        var board = RenderBoard(a, b, c);
        Assert.Equal(1, api.Count("/tasks?status=" + Todo.Id));
        Assert.Equal(1, api.Count("/tasks?status=" + Done.Id));
        var before = api.Total;

        // Someone else moved WEB-1 between WEB-2 and WEB-3.
        await board.InvokeAsync(() => Push("TaskMoved", a.Id, new { taskId = a.Id, projectId = ProjectId, fromStatusId = Todo.Id, toStatusId = Done.Id, rank = "h" }));

        board.WaitForAssertion(() => Assert.Equal(["WEB-2", "WEB-1", "WEB-3"], Keys(board, Done)));
        Assert.Empty(Keys(board, Todo));
        Assert.Equal("3", board.Find("[data-testid=board-column][data-status=Done] [data-testid=column-count]").TextContent.Trim());
        Assert.Equal(before, api.Total);
    }

    [Fact]
    public async Task A_live_update_or_creation_fetches_that_one_task_and_a_deletion_removes_the_card()
    {
        var a = Card(1, Todo, "h");
        var b = Card(2, Todo, "p");
        var board = RenderBoard(a, b);
        var before = api.Total;

        api.Replace(a with { Title = "Renamed elsewhere", Version = 2 });
        await board.InvokeAsync(() => Push("TaskUpdated", a.Id, new { taskId = a.Id, changedFields = new[] { "title" } }));
        board.WaitForAssertion(() => Assert.Contains("Renamed elsewhere", board.Find("[data-key=WEB-1]").TextContent, StringComparison.Ordinal));

        var created = Card(3, Todo, "c");
        api.Tasks.Add(created);
        await board.InvokeAsync(() => Push("TaskCreated", created.Id, new { taskId = created.Id }));
        board.WaitForAssertion(() => Assert.Equal(["WEB-3", "WEB-1", "WEB-2"], Keys(board, Todo)));

        await board.InvokeAsync(() => Push("TaskDeleted", b.Id, new { taskId = b.Id }));
        board.WaitForAssertion(() => Assert.Equal(["WEB-3", "WEB-1"], Keys(board, Todo)));

        // Two single-task reads, no column reloaded.
        Assert.Equal(2, api.Total - before);
        Assert.Equal(1, api.Count("/tasks/" + a.Id));
        Assert.Equal(1, api.Count("/tasks/" + created.Id));
        Assert.Equal(1, api.Count("/tasks?status=" + Todo.Id));
    }

    [Fact]
    public void A_column_longer_than_a_page_shows_the_first_page_and_then_the_rest()
    {
        var cards = Enumerable.Range(1, TasksApi.PageLimit + 30).Select(i => Card(i, Todo, "a" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var board = RenderBoard(cards);
        Assert.Equal(cards.Select(c => c.Key), Keys(board, Todo));
        Assert.Equal(2, api.Count("/tasks?status=" + Todo.Id));
    }

    [Fact]
    public void A_long_board_renders_each_card_once_though_it_is_shown_in_two_steps()
    {
        var cards = Enumerable.Range(1, TasksApi.PageLimit + 30).Select(i => Card(i, Todo, "a" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var board = RenderBoard(cards);
        Assert.All(board.FindComponents<TaskCard>(), card => Assert.Equal(1, card.RenderCount));
    }

    [Fact]
    public async Task A_card_dropped_in_another_column_moves_there_between_its_new_neighbours()
    {
        var a = Card(1, Todo, "h");
        var b = Card(2, Done, "d");
        var c = Card(3, Done, "p");
        var board = RenderBoard(a, b, c);
        var drops = (DotNetObjectReference<BoardDrops>)JSInterop.Invocations["taskflowBoard.register"].Single().Arguments[0]!;

        // Dropped below WEB-2, above WEB-3 (index 1 among the column's other cards), as js/app.js reports it.
        await board.InvokeAsync(() => drops.Value.Drop(a.Id.ToString(), Done.Id.ToString(), 1));

        board.WaitForAssertion(() => Assert.Equal(["WEB-2", "WEB-1", "WEB-3"], Keys(board, Done)));
        Assert.Empty(Keys(board, Todo));
        Assert.Equal((a.Id, new MoveTaskRequest(Done.Id, c.Id, b.Id)), Assert.Single(api.Moves));

        // A drop where it already is sends nothing.
        await board.InvokeAsync(() => drops.Value.Drop(a.Id.ToString(), Done.Id.ToString(), 1));
        Assert.Single(api.Moves);
    }

    [Fact]
    public void The_filters_are_read_from_the_address()
    {
        api.Tasks.AddRange([Card(1, Todo, "a"), Card(2, Todo, "b", "Second card"), Card(3, Done, "c", "Second one")]);
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/projects/{ProjectId}?q=second");
        var board = Render<Board>(p => p.Add(b => b.ProjectId, ProjectId));
        board.WaitForAssertion(() => Assert.Equal(["WEB-2"], Keys(board, Todo)), TimeSpan.FromSeconds(10));
        Assert.Equal(["WEB-3"], Keys(board, Done));
        Assert.Equal("second", board.Find("#board-filter").GetAttribute("value"));
    }

    [Theory]
    [InlineData("h", "WEB-5", new[] { "WEB-2", "WEB-5", "WEB-3" })]
    [InlineData("a", "WEB-5", new[] { "WEB-5", "WEB-2", "WEB-3" })]
    [InlineData("z", "WEB-5", new[] { "WEB-2", "WEB-3", "WEB-5" })]
    [InlineData("d", "WEB-1", new[] { "WEB-1", "WEB-2", "WEB-3" })]
    [InlineData("d", "WEB-9", new[] { "WEB-2", "WEB-9", "WEB-3" })]
    public void Place_by_rank_orders_by_rank_then_task_number_and_keeps_other_columns(string rank, string key, string[] expected)
    {
        var other = Card(7, Todo, "m");
        var column = new[] { Card(2, Done, "d"), other, Card(3, Done, "p") };
        var number = int.Parse(key["WEB-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        var placed = LiveBoard.PlaceByRank(column, Card(number, Done, rank));
        Assert.Equal(expected, placed.Where(t => t.StatusId == Done.Id).Select(t => t.Key));
        Assert.Contains(other, placed);
    }

    [Fact]
    public async Task A_card_whose_live_event_arrives_before_its_quick_add_answer_is_shown_once()
    {
        var board = RenderBoard(Card(1, Todo, "m"));
        api.HoldCreates = new TaskCompletionSource();

        board.Find($"#quick-add-{Todo.Id}").Input("Find funding");
        var submitted = board.Find($"[data-testid=board-column][data-status={Todo.Name}] form").SubmitAsync();
        var created = await api.Created.Task.WaitAsync(TimeSpan.FromSeconds(10), Xunit.TestContext.Current.CancellationToken);
        await board.InvokeAsync(() => Push("TaskCreated", created.Id, new { taskId = created.Id }));
        board.WaitForAssertion(() => Assert.Equal(["WEB-1", created.Key], Keys(board, Todo)));

        api.HoldCreates.SetResult();
        await submitted;
        board.WaitForAssertion(() => Assert.Equal("2", board.Find($"[data-testid=board-column][data-status={Todo.Name}] [data-testid=column-count]").TextContent.Trim()));
        Assert.Equal(["WEB-1", created.Key], Keys(board, Todo));
    }

    /// <summary>Serves project, statuses, members and tasks from memory (rank order, pages of 100 with a cursor) and counts requests.</summary>
    sealed class FakeApi : HttpMessageHandler
    {
        readonly ConcurrentQueue<string> requests = new();
        public List<TaskItem> Tasks { get; } = [];
        public int Total => requests.Count(r => r.StartsWith("/v1/", StringComparison.Ordinal));
        public int Count(string fragment) => requests.Count(r => r.Contains(fragment, StringComparison.Ordinal));

        public void Replace(TaskItem task)
        {
            lock (Tasks) Tasks[Tasks.FindIndex(t => t.Id == task.Id)] = task;
        }

        /// <summary>When set, a created task is stored (and <see cref="Created"/> completes) but the POST waits for it.</summary>
        public TaskCompletionSource? HoldCreates { get; set; }
        public TaskCompletionSource<TaskItem> Created { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ConcurrentQueue<(Guid Task, MoveTaskRequest Request)> Moves { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.PathAndQuery;
            requests.Enqueue(path);
            if (request.Method == HttpMethod.Post && path == $"/v1/projects/{ProjectId}/tasks")
            {
                var create = (await request.Content!.ReadFromJsonAsync<CreateTaskRequest>(TestJson.Web, cancellationToken))!;
                TaskItem task;
                lock (Tasks)
                {
                    task = new TaskItem(Guid.NewGuid(), $"WEB-{Tasks.Count + 1}", ProjectId, create.Title, null, create.StatusId ?? Todo.Id, "z", "none", [], null, null,
                        null, null, Guid.NewGuid(), DateTime.UtcNow, DateTime.UtcNow, 1);
                    Tasks.Add(task);
                }
                Created.TrySetResult(task);
                if (HoldCreates is { } hold) await hold.Task.WaitAsync(cancellationToken);
                return new HttpResponseMessage(HttpStatusCode.Created) { Content = JsonContent.Create(task, options: TestJson.Web) };
            }
            if (request.Method == HttpMethod.Post && path.EndsWith("/move", StringComparison.Ordinal))
            {
                var id = Guid.Parse(path["/v1/tasks/".Length..^"/move".Length]);
                var move = (await request.Content!.ReadFromJsonAsync<MoveTaskRequest>(TestJson.Web, cancellationToken))!;
                Moves.Enqueue((id, move));
                var moved = Find(id)! with { StatusId = move.StatusId, Rank = "e", Version = 2 };
                Replace(moved);
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(moved, options: TestJson.Web) };
            }
            var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query);
            object? body = path switch
            {
                "/app/session/refresh" => new SessionToken(Jwt(), 3600),
                _ when path == $"/v1/projects/{ProjectId}" => new Project(ProjectId, WorkspaceId, "WEB", "Web", null, null, null, null, false, null, DateTime.UtcNow, Guid.NewGuid(), "admin"),
                _ when path == $"/v1/projects/{ProjectId}/statuses" => new[] { Todo, Done },
                _ when path == $"/v1/workspaces/{WorkspaceId}/members" => Array.Empty<Member>(),
                _ when path.StartsWith($"/v1/projects/{ProjectId}/tasks?", StringComparison.Ordinal) => Column(Guid.Parse(query["status"]!), query["cursor"]),
                _ when path.StartsWith("/v1/tasks/", StringComparison.Ordinal) => Find(Guid.Parse(path["/v1/tasks/".Length..])),
                _ => null,
            };
            return body is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("{\"status\":404}", Encoding.UTF8, "application/problem+json") }
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(body, body.GetType(), options: TestJson.Web) };
        }

        TaskItem? Find(Guid id)
        {
            lock (Tasks) return Tasks.Find(t => t.Id == id);
        }

        Page<TaskItem> Column(Guid statusId, string? cursor)
        {
            List<TaskItem> column;
            lock (Tasks) column = [.. Tasks.Where(t => t.StatusId == statusId).Order(Comparer<TaskItem>.Create(LiveBoard.Compare))];
            var skip = cursor is null ? 0 : int.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture);
            var page = column.Skip(skip).Take(TasksApi.PageLimit).ToList();
            var next = skip + page.Count < column.Count ? (skip + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return new Page<TaskItem>(page, next);
        }

        static string Jwt()
        {
            static string Part(object o) => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(o)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            return $"{Part(new { alg = "none" })}.{Part(new { sub = Guid.NewGuid(), email = "ada@example.com", name = "Ada" })}.x";
        }
    }
}
