using Bunit;
using TaskFlow.Web.Client.Api;
using TaskFlow.Web.Client.Board;

namespace TaskFlow.Web.Tests;

[Trait("Category", "Components")]
public sealed class TaskPanelTests : ComponentContext
{
    static readonly Member Ada = new(Guid.NewGuid(), "ada@example.com", "Ada Lovelace", "member", DateTime.UtcNow);

    static readonly TaskItem Item = new(Guid.NewGuid(), "WEB-7", Guid.NewGuid(), "Write the docs", "Some *notes*", Guid.NewGuid(), "m", "low",
        [], null, null, null, null, Ada.UserId, DateTime.UtcNow, DateTime.UtcNow, 3);

    [Fact]
    public void Save_sends_a_merge_patch_of_the_changed_fields_only()
    {
        Dictionary<string, object?>? saved = null;
        var cut = Render<TaskPanel>(p => p
            .Add(x => x.Task, Item)
            .Add(x => x.Comments, [])
            .Add(x => x.Activity, [])
            .Add(x => x.CanWrite, true)
            .Add(x => x.OnSave, patch => saved = patch));

        Assert.True(cut.Find("[data-testid=panel-save]").HasAttribute("disabled"));
        // Typing alone enables Save: one click saves, no blur needed first.
        cut.Find("#panel-title").Input("Write the user guide");
        Assert.False(cut.Find("[data-testid=panel-save]").HasAttribute("disabled"));
        cut.Find("[data-testid=panel-save]").Click();

        Assert.NotNull(saved);
        Assert.Equal(["title"], saved!.Keys);
        Assert.Equal("Write the user guide", saved["title"]);
    }

    [Fact]
    public void History_names_people_statuses_and_labels_instead_of_their_ids()
    {
        var bob = new Member(Guid.NewGuid(), "bob@example.com", "Bob Babbage", "member", DateTime.UtcNow);
        var (todo, done) = (Guid.NewGuid(), Guid.NewGuid());
        var activity = new List<ActivityEntry>
        {
            new(3, Item.Id, Ada.UserId, DateTime.UtcNow, "assigneeIds", $"{Ada.UserId}", $"{bob.UserId}"),
            new(2, Item.Id, Ada.UserId, DateTime.UtcNow, "status", todo.ToString(), done.ToString()),
            new(1, Item.Id, Ada.UserId, DateTime.UtcNow, "parentId", null, Guid.NewGuid().ToString()),
        };
        var cut = Render<TaskPanel>(p => p
            .Add(x => x.Task, Item)
            .Add(x => x.Comments, [])
            .Add(x => x.Activity, activity)
            .Add(x => x.Members, new Dictionary<Guid, Member> { [Ada.UserId] = Ada, [bob.UserId] = bob })
            .Add(x => x.StatusNames, new Dictionary<Guid, string> { [todo] = "Todo", [done] = "Done" }));

        var lines = cut.FindAll("[data-testid=activity]").Select(e => e.TextContent).ToList();
        Assert.Contains("assigned Bob Babbage; unassigned Ada Lovelace", lines[0], StringComparison.Ordinal);
        Assert.Contains("moved it from Todo to Done", lines[1], StringComparison.Ordinal);
        Assert.Contains("made it a subtask of another task", lines[2], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.DoesNotMatch("[0-9a-f]{8}-[0-9a-f]{4}-", l));
    }

    [Fact]
    public void A_viewer_reads_comments_and_history_but_gets_no_save_or_comment_box_and_markdown_cannot_inject_script()
    {
        var comment = new Comment(Guid.NewGuid(), Item.Id, Ada.UserId, "Looks **good** <script>alert(1)</script> [x](javascript:alert(2))", DateTime.UtcNow, null);
        var activity = new ActivityEntry(1, Item.Id, Ada.UserId, DateTime.UtcNow, "created", null, "WEB-7");
        var cut = Render<TaskPanel>(p => p
            .Add(x => x.Task, Item)
            .Add(x => x.Comments, [comment])
            .Add(x => x.Activity, [activity])
            .Add(x => x.Members, new Dictionary<Guid, Member> { [Ada.UserId] = Ada })
            .Add(x => x.CanWrite, false));

        Assert.Empty(cut.FindAll("[data-testid=panel-save]"));
        Assert.Empty(cut.FindAll("#panel-comment"));
        Assert.True(cut.Find("#panel-title").HasAttribute("readonly"));
        var rendered = cut.Find("[data-testid=comment] [data-testid=markdown-preview]");
        Assert.NotNull(rendered.QuerySelector("strong"));
        Assert.Null(rendered.QuerySelector("script"));
        Assert.DoesNotContain("javascript:", rendered.InnerHtml, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Ada Lovelace · created the task", cut.Find("[data-testid=activity]").TextContent, StringComparison.Ordinal);
    }
}
