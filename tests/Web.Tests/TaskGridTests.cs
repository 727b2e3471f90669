using Bunit;
using MudBlazor;
using MudBlazor.Extensions;
using TaskFlow.Web.Client.Api;
using TaskFlow.Web.Client.List;

namespace TaskFlow.Web.Tests;

[Trait("Category", "Components")]
public sealed class TaskGridTests : ComponentContext
{
    static readonly WorkflowStatus Todo = new(Guid.NewGuid(), "Todo", "todo", 1);
    static readonly WorkflowStatus Done = new(Guid.NewGuid(), "Done", "done", 2);
    static readonly Member Ada = new(Guid.NewGuid(), "ada@example.com", "Ada Lovelace", "member", DateTime.UtcNow);
    static readonly Dictionary<Guid, Member> Members = new() { [Ada.UserId] = Ada };

    static ListTask Row(string key, string priority = "none", Guid[]? assignees = null, DateOnly? due = null, int version = 1, TaskLabel[]? labels = null) =>
        new(Guid.NewGuid(), key, Guid.NewGuid(), "Title of " + key, Todo.Id, priority, assignees ?? [], due, DateTime.UtcNow, DateTime.UtcNow, version, labels);

    IRenderedComponent<TaskGrid> RenderGrid(IReadOnlyList<ListTask> tasks, bool canWrite, List<FieldEdit>? edits = null, List<StatusEdit>? moves = null,
        Func<BulkChange, Task<bool>>? bulk = null, IReadOnlyList<string>? bulkErrors = null) =>
        Render<TaskGrid>(p => p
            .Add(x => x.Tasks, tasks)
            .Add(x => x.Statuses, [Todo, Done])
            .Add(x => x.Members, Members)
            .Add(x => x.CanWrite, canWrite)
            .Add(x => x.OnEdit, e => edits?.Add(e))
            .Add(x => x.OnStatus, m => moves?.Add(m))
            .Add(x => x.OnBulk, bulk)
            .Add(x => x.BulkErrors, bulkErrors));

    [Fact]
    public void Rows_show_key_title_status_assignees_priority_due_and_labels_and_inline_edits_send_a_patch_for_the_row()
    {
        var bug = new TaskLabel(Guid.NewGuid(), "bug", "#d32f2f");
        var first = Row("WEB-1", "high", [Ada.UserId], new DateOnly(2030, 1, 2), version: 4, labels: [bug]);
        var edits = new List<FieldEdit>();
        var moves = new List<StatusEdit>();
        var cut = RenderGrid([first, Row("WEB-2")], canWrite: true, edits, moves);

        var rows = cut.FindAll("[data-testid=task-row]");
        Assert.Equal(["WEB-1", "WEB-2"], rows.Select(r => r.GetAttribute("data-key")));
        Assert.Equal("Title of WEB-1", cut.FindAll("[data-testid=row-title]")[0].TextContent.Trim());
        Assert.Equal("bug", cut.Find("[data-testid=row-label]").TextContent.Trim());
        Assert.Equal("/tasks/" + first.Id, cut.Find("[data-testid=row-key]").GetAttribute("href"));

        // Priority editors are the grid's string selects, one a row.
        var priority = cut.FindComponents<MudSelect<string>>()[0];
        Assert.Equal("high", priority.Instance.GetState(x => x.Value));
        cut.InvokeAsync(() => priority.Instance.ValueChanged.InvokeAsync("urgent"));
        var edit = Assert.Single(edits);
        Assert.Equal(first.Id, edit.Task.Id);
        Assert.Equal("\"4\"", edit.Task.ETag);
        Assert.Equal("urgent", edit.Patch["priority"]);

        // Choosing the value a row already has sends nothing.
        cut.InvokeAsync(() => priority.Instance.ValueChanged.InvokeAsync("high"));
        Assert.Single(edits);

        var status = cut.FindComponents<MudSelect<Guid>>().First(s => !s.Instance.MultiSelection);
        cut.InvokeAsync(() => status.Instance.ValueChanged.InvokeAsync(Done.Id));
        Assert.Equal([(first.Id, Done.Id)], moves.Select(m => (m.Task.Id, m.StatusId)));

        var due = cut.FindComponents<MudDatePicker>()[0];
        cut.InvokeAsync(() => due.Instance.DateChanged.InvokeAsync(null));
        Assert.Equal(2, edits.Count);
        Assert.Null(edits[1].Patch["dueDate"]);
    }

    [Fact]
    public void Viewers_see_plain_values_without_editors_or_row_selection()
    {
        var cut = RenderGrid([Row("WEB-1", "low", [Ada.UserId], new DateOnly(2030, 1, 2))], canWrite: false);

        Assert.Empty(cut.FindComponents<MudSelect<string>>());
        Assert.Empty(cut.FindComponents<MudSelect<Guid>>());
        Assert.Empty(cut.FindComponents<MudDatePicker>());
        Assert.Empty(cut.FindAll("input[type=checkbox]"));
        Assert.Equal("low", cut.Find("[data-testid=row-priority]").TextContent.Trim());
        Assert.Equal("Todo", cut.Find("[data-testid=row-status]").TextContent.Trim());
        Assert.Equal("Ada Lovelace", cut.Find("[data-testid=row-assignees]").TextContent.Trim());
        Assert.Equal("2030-01-02", cut.Find("[data-testid=row-due]").TextContent.Trim());
    }

    [Fact]
    public void Selected_rows_get_a_bulk_bar_whose_change_goes_to_the_selected_tasks_and_refused_changes_list_per_task_errors()
    {
        var rows = new[] { Row("WEB-1"), Row("WEB-2"), Row("WEB-3") };
        var changes = new List<BulkChange>();
        var cut = RenderGrid(rows, canWrite: true, bulk: c =>
        {
            changes.Add(c);
            return Task.FromResult(true);
        });
        Assert.Empty(cut.FindAll("[data-testid=bulk-bar]"));

        var boxes = cut.FindAll("tbody input[type=checkbox]");
        Assert.Equal(3, boxes.Count);
        boxes[0].Change(true);
        cut.FindAll("tbody input[type=checkbox]")[2].Change(true);
        Assert.Equal("2 selected", cut.Find("[data-testid=selected-count]").TextContent.Trim());

        var bulkPriority = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.GetState(x => x.InputId) == "bulk-priority");
        cut.InvokeAsync(() => bulkPriority.Instance.ValueChanged.InvokeAsync("high"));
        var change = Assert.Single(changes);
        Assert.Equal(["WEB-1", "WEB-3"], change.Tasks.Select(t => t.Key).Order());
        Assert.Equal("high", change.Priority);
        Assert.Null(change.StatusId);
        // Applied: the selection stays for the next change, until cleared.
        Assert.Equal("2 selected", cut.Find("[data-testid=selected-count]").TextContent.Trim());
        var bulkStatus = cut.FindComponents<MudSelect<Guid?>>().Single(s => s.Instance.GetState(x => x.InputId) == "bulk-status");
        var done = Guid.NewGuid();
        cut.InvokeAsync(() => bulkStatus.Instance.ValueChanged.InvokeAsync(done));
        Assert.Equal(2, changes.Count);
        Assert.Equal(["WEB-1", "WEB-3"], changes[1].Tasks.Select(t => t.Key).Order());
        Assert.Equal(done, changes[1].StatusId);
        cut.Find("[data-testid=bulk-clear]").Click();
        Assert.Empty(cut.FindAll("[data-testid=bulk-bar]"));

        // The header checkbox selects every row.
        cut.Find("thead input[type=checkbox]").Change(true);
        Assert.Equal("3 selected", cut.Find("[data-testid=selected-count]").TextContent.Trim());

        var problem = new ApiProblem(400, null, "One or more validation errors occurred.", null, new Dictionary<string, string[]>
        {
            [$"tasks[{rows[1].Id}].assigneeIds"] = ["WEB-2 would have more than 20 assignees."],
        });
        var lines = TaskListApi.BulkErrors(problem, rows.ToDictionary(r => r.Id, r => r.Key));
        var refused = RenderGrid(rows, canWrite: true, bulkErrors: lines);
        Assert.Contains("WEB-2: WEB-2 would have more than 20 assignees.", refused.Find("[data-testid=bulk-errors]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_filter_bar_hands_the_page_a_new_query_and_the_query_becomes_the_list_request_and_view_filters()
    {
        TaskQuery? changed = null;
        var cut = Render<TaskFilterBar>(p => p
            .Add(x => x.Query, new TaskQuery(Sort: "key"))
            .Add(x => x.Statuses, [Todo, Done])
            .Add(x => x.Members, Members)
            .Add(x => x.QueryChanged, q => changed = q));
        Assert.Empty(cut.FindAll("#filter-label"));

        var priority = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.GetState(x => x.InputId) == "filter-priority");
        cut.InvokeAsync(() => priority.Instance.ValueChanged.InvokeAsync("urgent"));
        Assert.Equal(new TaskQuery(Priority: "urgent", Sort: "key"), changed);

        // The search applies as you type, after a short pause (no Enter needed).
        cut.Find("#filter-q").Input("gears");
        cut.WaitForAssertion(() => Assert.Equal(new TaskQuery(Q: "gears", Sort: "key"), changed), TimeSpan.FromSeconds(5));

        var query = new TaskQuery("two words", Todo.Id, "me", "high", Guid.Empty, "dueDate");
        Assert.Equal($"q=two%20words&status={Todo.Id}&assignee=me&priority=high&label={Guid.Empty}&sort=dueDate", query.ToQueryString());
        var filters = query.ViewFilters();
        Assert.Equal(["assignee", "label", "priority", "q", "status"], filters.Keys.Order());
        var view = new SavedView(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Mine", filters, "dueDate", "list", false, DateTime.UtcNow, DateTime.UtcNow);
        Assert.Equal(query, TaskQuery.FromView(view));
    }
}
