using Bunit;
using Bunit.Rendering;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using TaskFlow.Web.Client.Api;
using TaskFlow.Web.Client.Board;

namespace TaskFlow.Web.Tests;

[Trait("Category", "Components")]
public sealed class BoardColumnTests : ComponentContext
{
    static readonly WorkflowStatus Todo = new(Guid.NewGuid(), "Todo", "todo", 1);
    static readonly WorkflowStatus Done = new(Guid.NewGuid(), "Done", "done", 2);
    static readonly Member Ada = new(Guid.NewGuid(), "ada@example.com", "Ada Lovelace", "member", DateTime.UtcNow);

    static TaskItem Task(string key, WorkflowStatus status, string priority = "none", Guid[]? assignees = null, DateOnly? due = null) =>
        new(Guid.NewGuid(), key, Guid.NewGuid(), "Title of " + key, null, status.Id, "m", priority, assignees ?? [], due, null, null, null, Guid.NewGuid(), DateTime.UtcNow, DateTime.UtcNow, 1);

    IRenderedComponent<ContainerFragment> RenderBoard(IReadOnlyList<TaskItem> tasks, bool canWrite, Func<WorkflowStatus, string, Task<bool>>? quickAdd = null)
    {
        var members = new Dictionary<Guid, Member> { [Ada.UserId] = Ada };
        RenderFragment board = columns =>
        {
            columns.OpenElement(0, "div");
            foreach (var status in new[] { Todo, Done })
            {
                columns.OpenComponent<BoardColumn>(0);
                columns.SetKey(status.Id);
                columns.AddAttribute(1, "Status", status);
                columns.AddAttribute(2, "Count", tasks.Count(t => t.StatusId == status.Id));
                columns.AddAttribute(3, "CanWrite", canWrite);
                columns.AddAttribute(4, "OnQuickAdd", quickAdd);
                columns.AddAttribute(5, "Cards", tasks.Where(t => t.StatusId == status.Id).ToList());
                columns.AddAttribute(6, "Members", members);
                columns.CloseComponent();
            }
            columns.CloseElement();
        };
        return Render(board);
    }

    [Fact]
    public void A_column_shows_its_own_cards_with_key_priority_assignee_initials_and_count()
    {
        var cut = RenderBoard([Task("WEB-1", Todo, "urgent", [Ada.UserId], new DateOnly(2030, 1, 2)), Task("WEB-2", Todo), Task("WEB-3", Done)], canWrite: true);

        var todo = cut.Find("[data-testid=board-column][data-status=Todo]");
        Assert.Equal("2", todo.QuerySelector("[data-testid=column-count]")!.TextContent.Trim());
        var cards = todo.QuerySelectorAll("[data-testid=task-card]");
        Assert.Equal(["WEB-1", "WEB-2"], cards.Select(c => c.GetAttribute("data-key")));
        // The chips, avatars and due date sit beside the focusable card, on the same paper.
        var first = todo.QuerySelector("[data-testid=task-card-shell][data-card-key=WEB-1]")!;
        Assert.Equal("urgent", first.QuerySelector("[data-testid=task-priority]")!.TextContent.Trim());
        Assert.Contains("AL", first.QuerySelector(".mud-avatar")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Jan 2", first.QuerySelector("[data-testid=task-due]")!.TextContent, StringComparison.Ordinal);
        Assert.Single(cut.Find("[data-testid=board-column][data-status=Done]").QuerySelectorAll("[data-testid=task-card]"));
    }

    [Fact]
    public void Quick_add_creates_in_that_column_for_members_and_is_absent_for_viewers()
    {
        var added = new List<(string Status, string Title)>();
        var cut = RenderBoard([], canWrite: true, (status, title) =>
        {
            added.Add((status.Name, title));
            return System.Threading.Tasks.Task.FromResult(true);
        });

        Assert.NotNull(cut.Find("[data-testid=board-column][data-status=Todo] [data-testid=column-empty]"));
        cut.Find($"#quick-add-{Done.Id}").Input("  Ship it  ");
        cut.Find("[data-testid=board-column][data-status=Done] form").Submit();
        Assert.Equal([("Done", "Ship it")], added);

        var viewer = RenderBoard([Task("WEB-1", Todo)], canWrite: false);
        Assert.Empty(viewer.FindAll("[data-testid=quick-add]"));
    }
}
