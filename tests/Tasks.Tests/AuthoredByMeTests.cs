using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>The caller's tasks and comments for "Download my data": theirs only, and only where they can still read.</summary>
public abstract class AuthoredByMeTests(TaskFlowApp app) : TasksTestBase(app)
{
    [Fact]
    public async Task Lists_the_tasks_and_comments_the_caller_wrote_in_projects_they_can_read()
    {
        var s = await WorkspaceWithProject();
        var member = await ProjectMember(s, "member");
        var mine = await CreateTask(member, s.ProjectId, new { title = "Member's task", description = "Written by the member" });
        var theirs = await CreateTask(s.Owner, s.ProjectId, new { title = "Owner's task" });
        Assert.Equal(HttpStatusCode.Created, (await member.Client.PostAsJsonAsync($"/v1/tasks/{Id(theirs)}/comments", new { body = "A comment by the member" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{Id(mine)}/comments", new { body = "A comment by the owner" }, Ct)).StatusCode);

        var data = await member.Client.GetFromJsonAsync<JsonElement>("/v1/tasks/authored-by-me", Ct);
        var task = Assert.Single(data.GetProperty("tasks").EnumerateArray());
        Assert.Equal(Id(mine), Id(task));
        Assert.Equal("Member's task", task.GetProperty("title").GetString());
        Assert.Equal("Written by the member", task.GetProperty("description").GetString());
        Assert.Equal("WEB-1", task.GetProperty("key").GetString());
        var comment = Assert.Single(data.GetProperty("comments").EnumerateArray());
        Assert.Equal("A comment by the member", comment.GetProperty("body").GetString());
        Assert.Equal(Id(theirs), comment.GetProperty("taskId").GetGuid());
        Assert.Equal("WEB-2", comment.GetProperty("taskKey").GetString());

        // Removed from the workspace: what they wrote stays the workspace's, and leaves their export.
        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/workspaces/{s.WorkspaceId}/members/{member.Id}", Ct)).StatusCode);
        var after = await member.Client.GetFromJsonAsync<JsonElement>("/v1/tasks/authored-by-me", Ct);
        Assert.Equal(0, after.GetProperty("tasks").GetArrayLength());
        Assert.Equal(0, after.GetProperty("comments").GetArrayLength());

        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().GetAsync("/v1/tasks/authored-by-me", Ct)).StatusCode);
    }
}

public sealed class SqliteAuthoredByMeTests(SqliteApp app) : AuthoredByMeTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresAuthoredByMeTests(PostgresApp app) : AuthoredByMeTests(app), IClassFixture<PostgresApp>;
