using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

public abstract class ActivityAndCommentTests(TaskFlowApp app) : TasksTestBase(app)
{
    [Fact]
    public async Task Every_change_is_recorded_with_who_when_and_old_and_new_values()
    {
        var s = await WorkspaceWithProject();
        var task = await CreateTask(s.Owner, s.ProjectId, new { title = "Before" });
        var (_, etag) = await GetTask(s.Owner, Id(task));
        Assert.Equal(HttpStatusCode.OK, (await Patch(s.Owner, Id(task), new { title = "After", priority = "low" }, etag)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{Id(task)}/move", new { statusId = s.StatusIds[2] }, Ct)).StatusCode);

        var activity = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(task)}/activity", Ct);
        var entries = activity.GetProperty("data").EnumerateArray().ToList();
        Assert.All(entries, e => Assert.Equal(s.Owner.Id, e.GetProperty("actorId").GetGuid()));
        var fields = entries.Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Equal(["rank", "status", "priority", "title", "created"], fields); // newest first
        var title = entries.Single(e => e.GetProperty("field").GetString() == "title");
        Assert.Equal("Before", title.GetProperty("oldValue").GetString());
        Assert.Equal("After", title.GetProperty("newValue").GetString());
        var status = entries.Single(e => e.GetProperty("field").GetString() == "status");
        Assert.Equal(s.StatusIds[1].ToString(), status.GetProperty("oldValue").GetString());
        Assert.Equal(s.StatusIds[2].ToString(), status.GetProperty("newValue").GetString());

        // The project's activity pages through every task's entries, deleted tasks included.
        var other = await CreateTask(s.Owner, s.ProjectId, new { title = "Other" });
        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/tasks/{Id(other)}", Ct)).StatusCode);
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/projects/{s.ProjectId}/activity?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"), Ct);
            all.AddRange(page.GetProperty("data").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal(7, all.Count);
        Assert.Equal("deleted", all[0].GetProperty("field").GetString());
        await AssertValidation(await s.Owner.Client.GetAsync($"/v1/projects/{s.ProjectId}/activity?limit=0", Ct), "limit");
    }

    [Fact]
    public async Task Comments_belong_to_their_author_and_project_admins_may_delete_any()
    {
        var s = await WorkspaceWithProject();
        var member = await ProjectMember(s, "member");
        var other = await ProjectMember(s, "member");
        var task = await CreateTask(s.Owner, s.ProjectId);
        var url = $"/v1/tasks/{Id(task)}/comments";

        await AssertValidation(await member.Client.PostAsJsonAsync(url, new { body = " " }, Ct), "body");
        await AssertValidation(await member.Client.PostAsJsonAsync(url, new { body = new string('x', 10_001) }, Ct), "body");
        var created = await member.Client.PostAsJsonAsync(url, new { body = "Looks **good**" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var comment = await Json(created);
        Assert.Equal(member.Id, comment.GetProperty("authorId").GetGuid());
        Assert.Contains(await Outbox("CommentAdded"), e => e.GetProperty("commentId").GetGuid() == Id(comment) && e.GetProperty("authorId").GetGuid() == member.Id);

        await AssertProblem(await other.Client.PatchAsJsonAsync($"/v1/comments/{Id(comment)}", new { body = "Mine now" }, Ct), HttpStatusCode.Forbidden, "not-your-comment");
        await AssertProblem(await other.Client.DeleteAsync($"/v1/comments/{Id(comment)}", Ct), HttpStatusCode.Forbidden, "not-your-comment");
        var edited = await member.Client.PatchAsJsonAsync($"/v1/comments/{Id(comment)}", new { body = "Looks great" }, Ct);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);

        var list = await s.Owner.Client.GetFromJsonAsync<JsonElement>(url, Ct);
        var only = Assert.Single(list.EnumerateArray());
        Assert.Equal("Looks great", only.GetProperty("body").GetString());
        Assert.NotEqual(JsonValueKind.Null, only.GetProperty("editedAt").ValueKind);

        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/comments/{Id(comment)}", Ct)).StatusCode);
        Assert.Empty((await s.Owner.Client.GetFromJsonAsync<JsonElement>(url, Ct)).EnumerateArray());
    }

    [Fact]
    public async Task Mentioning_a_member_by_email_publishes_MemberMentioned()
    {
        var s = await WorkspaceWithProject();
        var mentioned = await JoinWorkspace(s.Owner, s.WorkspaceId, "member");
        var outsider = await NewUser();
        await WaitUntil(db => db.Users.AnyAsync(u => u.Id == mentioned.Id, Ct), "the mentioned user's email");
        await WaitUntil(db => db.Users.AnyAsync(u => u.Id == outsider.Id, Ct), "the outsider's email");
        var task = await CreateTask(s.Owner, s.ProjectId);

        var created = await s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{Id(task)}/comments",
            new { body = $"@{mentioned.Email.ToUpperInvariant()} please review; @{outsider.Email} cannot see this." }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var comment = await Json(created);

        var mention = Assert.Single(await Outbox("MemberMentioned"), e => e.GetProperty("commentId").GetGuid() == Id(comment));
        Assert.Equal(mentioned.Id, mention.GetProperty("mentionedUserId").GetGuid());
        Assert.Equal(s.Owner.Id, mention.GetProperty("mentionedByUserId").GetGuid());
        Assert.Equal(Id(task), mention.GetProperty("taskId").GetGuid());
        Assert.Equal(s.ProjectId, mention.GetProperty("projectId").GetGuid());
    }

    [Fact]
    public async Task Mentioning_a_member_by_a_named_mailto_link_publishes_MemberMentioned()
    {
        var s = await WorkspaceWithProject();
        var mentioned = await JoinWorkspace(s.Owner, s.WorkspaceId, "member");
        await WaitUntil(db => db.Users.AnyAsync(u => u.Id == mentioned.Id, Ct), "the mentioned user's email");
        var task = await CreateTask(s.Owner, s.ProjectId);

        // The web app posts a mention picked by name as a Markdown link, so the comment shows the name.
        var created = await s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{Id(task)}/comments",
            new { body = $"Thanks [@Bob Babbage](mailto:{mentioned.Email}), and [a plain link](mailto:nobody@example.com)." }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var comment = await Json(created);

        var mention = Assert.Single(await Outbox("MemberMentioned"), e => e.GetProperty("commentId").GetGuid() == Id(comment));
        Assert.Equal(mentioned.Id, mention.GetProperty("mentionedUserId").GetGuid());
    }

    [Fact]
    public async Task A_removed_project_member_loses_write_access_once_the_event_is_applied()
    {
        // In a workspace project every workspace member writes (ADR 0023): the project must be private for the project
        // membership to be what grants access.
        var s = await WorkspaceWithProject();
        Assert.Equal(HttpStatusCode.OK, (await s.Owner.Client.PatchAsJsonAsync($"/v1/projects/{s.ProjectId}", new { visibility = "private" }, Ct)).StatusCode);
        await WaitUntil(db => db.Projects.AnyAsync(p => p.Id == s.ProjectId && p.Private, Ct), "the project to be private");
        var member = await ProjectMember(s, "member");
        await CreateTask(member, s.ProjectId);

        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/projects/{s.ProjectId}/members/{member.Id}", Ct)).StatusCode);
        await WaitUntil(db => db.ProjectMembers.AnyAsync(m => m.ProjectId == s.ProjectId && m.UserId == member.Id && !m.Active, Ct), "the membership to be removed");

        // Still a workspace member, but not of this private project: it is hidden from them.
        await AssertProblem(await member.Client.PostAsJsonAsync($"/v1/projects/{s.ProjectId}/tasks", new { title = "X" }, Ct), HttpStatusCode.NotFound, "project-not-found");
        Assert.Equal(HttpStatusCode.NotFound, (await member.Client.GetAsync($"/v1/projects/{s.ProjectId}/tasks", Ct)).StatusCode);
    }
}

public sealed class SqliteActivityAndCommentTests(SqliteApp app) : ActivityAndCommentTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresActivityAndCommentTests(PostgresApp app) : ActivityAndCommentTests(app), IClassFixture<PostgresApp>;
