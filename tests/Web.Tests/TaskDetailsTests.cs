using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using TaskFlow.Web.Client.Api;
using TaskFlow.Web.Client.Board;

namespace TaskFlow.Web.Tests;

/// <summary>The task panel's sections: mention suggestions, subtasks, attachments, labels; and the board's drag affordance.</summary>
[Trait("Category", "Components")]
public sealed class TaskDetailsTests : ComponentContext
{
    static readonly Member Ada = new(Guid.NewGuid(), "ada@example.com", "Ada Lovelace", "member", DateTime.UtcNow);
    static readonly Member Bob = new(Guid.NewGuid(), "bob@example.com", "Bob Babbage", "member", DateTime.UtcNow);
    static readonly Guid ProjectId = Guid.NewGuid();
    static readonly WorkflowStatus Todo = new(Guid.NewGuid(), "Todo", "todo", 1);
    static readonly WorkflowStatus Done = new(Guid.NewGuid(), "Done", "done", 2);

    static TaskItem Item(string key, WorkflowStatus status, TaskLabel[]? labels = null) =>
        new(Guid.NewGuid(), key, ProjectId, "Title of " + key, null, status.Id, "m", "none", [], null, null, null, null, Ada.UserId,
            DateTime.UtcNow, DateTime.UtcNow, 1, labels?.Select(l => l.Id).ToArray(), labels);

    IRenderedComponent<MentionBox> RenderMentionBox(Action<string> changed) =>
        Render<MentionBox>(p => p
            .Add(x => x.Members, [Ada, Bob])
            .Add(x => x.InputId, "comment")
            .Add(x => x.ValueChanged, changed));

    [Fact]
    public void Typing_an_at_sign_suggests_members_and_choosing_one_inserts_the_display_name_with_one_space()
    {
        var text = "";
        var cut = RenderMentionBox(v => text = v);
        Assert.Empty(cut.FindAll("[data-testid=mention-option]"));

        cut.Find("#comment").Input("Thanks @");
        Assert.Equal(2, cut.FindAll("[data-testid=mention-option]").Count);

        cut.Find("#comment").Input("Thanks @ad");
        var option = Assert.Single(cut.FindAll("[data-testid=mention-option]"));
        Assert.Equal("ada@example.com", option.GetAttribute("data-email"));
        Assert.Contains("Ada Lovelace", option.TextContent, StringComparison.Ordinal);

        option.Click();
        Assert.Equal("Thanks @Ada Lovelace ", text);
        Assert.Empty(cut.FindAll("[data-testid=mention-option]"));
    }

    [Theory]
    [InlineData("mail me at x@y")]
    [InlineData("no mention here")]
    [InlineData("@bob@example.com done")]
    public void No_suggestions_unless_a_mention_is_being_typed_at_the_end(string typed)
    {
        var cut = RenderMentionBox(_ => { });
        cut.Find("#comment").Input(typed);
        Assert.Empty(cut.FindAll("[data-testid=mention-option]"));
    }

    [Fact]
    public void Insert_replaces_only_the_mention_being_typed()
    {
        Assert.Equal("@ada@example.com and @Bob Babbage ", MentionBox.Insert("@ada@example.com and @Bo", Bob));
        Assert.Equal("hello", MentionBox.Insert("hello", Bob));
    }

    [Fact]
    public void Encode_turns_named_mentions_into_the_mailto_links_the_tasks_service_resolves_and_leaves_the_rest()
    {
        Assert.Equal("Thanks [@Ada Lovelace](mailto:ada@example.com) and [@Bob Babbage](mailto:bob@example.com).",
            MentionBox.Encode("Thanks @Ada Lovelace and @bob babbage.", [Ada, Bob]));
        // Already a link, an email mention, a longer word and an address stay as they are.
        foreach (var text in new[] { "[@Ada Lovelace](mailto:ada@example.com)", "@ada@example.com", "@Ada Lovelaces", "mail@Ada Lovelace" })
            Assert.Equal(text, MentionBox.Encode(text, [Ada, Bob]));
    }

    [Fact]
    public void Subtasks_show_the_done_count_open_on_click_and_members_add_one()
    {
        var first = Item("WEB-2", Todo);
        var second = Item("WEB-3", Done);
        TaskItem? opened = null;
        string? added = null;
        var cut = Render<SubtaskList>(p => p
            .Add(x => x.Subtasks, [first, second])
            .Add(x => x.DoneStatusIds, new HashSet<Guid> { Done.Id })
            .Add(x => x.StatusNames, new Dictionary<Guid, string> { [Todo.Id] = "Todo", [Done.Id] = "Done" })
            .Add(x => x.CanWrite, true)
            .Add(x => x.OnOpen, t => opened = t)
            .Add(x => x.OnAdd, title =>
            {
                added = title;
                return Task.FromResult<ApiProblem?>(null);
            }));

        Assert.Equal("1/2 done", cut.Find("[data-testid=subtask-done]").TextContent.Trim());
        Assert.Equal(["WEB-2", "WEB-3"], cut.FindAll("[data-testid=subtask]").Select(e => e.GetAttribute("data-key")));
        cut.FindAll("[data-testid=subtask]")[1].Click();
        Assert.Equal(second.Id, opened?.Id);

        cut.Find("#subtask-title").Input("  Draw the diagram ");
        cut.Find("form").Submit();
        Assert.Equal("Draw the diagram", added);
    }

    [Fact]
    public void A_subtask_the_api_refuses_keeps_the_title_and_shows_the_message_beside_the_field()
    {
        var problem = new ApiProblem(400, null, "Validation failed", null, new Dictionary<string, string[]> { ["title"] = ["The title must be 1–200 characters."] });
        var cut = Render<SubtaskList>(p => p
            .Add(x => x.Subtasks, [])
            .Add(x => x.CanWrite, true)
            .Add(x => x.OnAdd, _ => Task.FromResult<ApiProblem?>(problem)));

        Assert.Equal("No subtasks.", cut.Find("[data-testid=list-empty]").TextContent);
        cut.Find("#subtask-title").Input("x");
        cut.Find("form").Submit();
        Assert.Contains("The title must be 1–200 characters.", cut.Find(".mud-input-error").TextContent, StringComparison.Ordinal);
        Assert.Equal("x", cut.Find("#subtask-title").GetAttribute("value"));
    }

    [Fact]
    public void Viewers_see_subtasks_relations_and_attachments_without_any_way_to_change_them()
    {
        var subtasks = Render<SubtaskList>(p => p.Add(x => x.Subtasks, [Item("WEB-2", Todo)]).Add(x => x.CanWrite, false));
        Assert.Single(subtasks.FindAll("[data-testid=subtask]"));
        Assert.Empty(subtasks.FindAll("#subtask-title"));

        var relations = Render<RelationList>(p => p
            .Add(x => x.Relations, [new TaskRelation(Guid.NewGuid(), "blocked_by", Guid.NewGuid(), "WEB-9", "Pour the foundation")])
            .Add(x => x.CanWrite, false));
        Assert.Equal("is blocked by", relations.Find("[data-testid=relation-type]").TextContent);
        Assert.Empty(relations.FindAll("[data-testid=relation-remove]"));
        Assert.Empty(relations.FindAll("#relation-task"));

        var attachments = Render<AttachmentList>(p => p
            .Add(x => x.Attachments, [new TaskAttachment(Guid.NewGuid(), Guid.NewGuid(), "plan.pdf", "application/pdf", 2048, Ada.UserId, DateTime.UtcNow)])
            .Add(x => x.CanWrite, false));
        Assert.Single(attachments.FindAll("[data-testid=attachment-download]"));
        Assert.Empty(attachments.FindAll("[data-testid=attachment-delete]"));
        Assert.Empty(attachments.FindAll("input[type=file]"));
    }

    [Fact]
    public void A_file_over_the_limit_is_refused_before_upload_and_the_error_names_the_limit()
    {
        var uploads = 0;
        var cut = Render<AttachmentList>(p => p
            .Add(x => x.Attachments, [])
            .Add(x => x.CanWrite, true)
            .Add(x => x.MaxBytes, 1024)
            .Add(x => x.OnUpload, (_, _) =>
            {
                uploads++;
                return Task.FromResult<ApiProblem?>(null);
            }));

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(new byte[4096], "big.bin"));

        Assert.Equal(0, uploads);
        Assert.Contains("at most 1 KB", cut.Find("[data-testid=upload-error]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void An_upload_hands_the_file_to_the_uploader_and_hides_the_progress_bar_when_done()
    {
        string? uploaded = null;
        var cut = Render<AttachmentList>(p => p
            .Add(x => x.Attachments, [])
            .Add(x => x.CanWrite, true)
            .Add(x => x.OnUpload, (file, progress) =>
            {
                uploaded = file.Name;
                progress.Report(100);
                return Task.FromResult<ApiProblem?>(null);
            }));

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("hello", "notes.txt"));

        Assert.Equal("notes.txt", uploaded);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=upload-progress]")));
        Assert.Empty(cut.FindAll("[data-testid=upload-error]"));
    }

    [Fact]
    public void Deleting_an_attachment_asks_first()
    {
        var attachment = new TaskAttachment(Guid.NewGuid(), Guid.NewGuid(), "plan.pdf", "application/pdf", 2048, Ada.UserId, DateTime.UtcNow);
        var deleted = new List<Guid>();
        var cut = Render<AttachmentList>(p => p
            .Add(x => x.Attachments, [attachment])
            .Add(x => x.CanWrite, true)
            .Add(x => x.OnDelete, a =>
            {
                deleted.Add(a.Id);
                return Task.FromResult<ApiProblem?>(null);
            }));

        cut.Find("[data-testid=attachment-delete]").Click();
        Assert.Empty(deleted);
        cut.Find("[data-testid=attachment-delete-confirm]").Click();
        Assert.Equal([attachment.Id], deleted);
    }

    [Theory]
    [InlineData("#ffeb3b", "#000000")]
    [InlineData("#1a237e", "#ffffff")]
    [InlineData("#c62828", "#ffffff")]
    [InlineData("#80cbc4", "#000000")]
    public void Label_text_is_black_or_white_whichever_contrasts_more(string background, string text)
    {
        Assert.Equal(text, LabelChip.TextColor(background));
        var l = LabelChip.Luminance(background);
        var t = LabelChip.Luminance(text);
        var ratio = (Math.Max(l, t) + 0.05) / (Math.Min(l, t) + 0.05);
        Assert.True(ratio >= 4.5, $"{background} on {text}: {ratio:0.00}");
    }

    [Fact]
    public void Cards_show_their_labels_and_only_writers_get_draggable_cards()
    {
        var label = new TaskLabel(Guid.NewGuid(), "bug", "#c62828");
        var task = Item("WEB-1", Todo, [label]);
        foreach (var canWrite in new[] { true, false })
        {
            var cut = Render<BoardColumn>(p => p.Add(c => c.Status, Todo).Add(c => c.Count, 1).Add(c => c.Cards, [task]).Add(c => c.CanWrite, canWrite));
            var chip = cut.Find("[data-testid=task-card-shell] [data-testid=label-chip]");
            Assert.Equal("bug", chip.TextContent);
            Assert.Contains("background-color: #c62828; color: #ffffff", chip.GetAttribute("style"), StringComparison.Ordinal);
            var item = cut.Find(".mud-drop-item");
            Assert.Equal(canWrite ? "true" : "false", item.GetAttribute("draggable"));
        }
    }
}
