using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>
/// ADR 0005's access model as the tasks service applies it from its copy of the projects service's events: every
/// workspace member works in a workspace project; a private project is hidden (404) from workspace members who are not
/// its members; a workspace viewer reads only.
/// </summary>
public abstract class VisibilityTests(TaskFlowApp app) : TasksTestBase(app)
{
    [Fact]
    public async Task A_workspace_member_without_a_project_role_adds_tasks_and_comments_and_a_viewer_cannot()
    {
        var s = await WorkspaceWithProject();
        var member = await JoinWorkspace(s.Owner, s.WorkspaceId, "member");
        var viewer = await JoinWorkspace(s.Owner, s.WorkspaceId, "viewer");

        var task = await CreateTask(member, s.ProjectId, new { title = "Added by a teammate" });
        Assert.Equal(member.Id, task.GetProperty("reporterId").GetGuid());
        var comment = await member.Client.PostAsJsonAsync($"/v1/tasks/{Id(task)}/comments", new { body = "On it" }, Ct);
        Assert.Equal(HttpStatusCode.Created, comment.StatusCode);
        var moved = await member.Client.PostAsJsonAsync($"/v1/tasks/{Id(task)}/move", new { statusId = s.StatusIds[2] }, Ct);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await viewer.Client.GetAsync($"/v1/tasks/{Id(task)}", Ct)).StatusCode);
        await AssertProblem(await viewer.Client.PostAsJsonAsync($"/v1/projects/{s.ProjectId}/tasks", new { title = "Nope" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
        await AssertProblem(await viewer.Client.PostAsJsonAsync($"/v1/tasks/{Id(task)}/comments", new { body = "Nope" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
    }

    [Fact]
    public async Task A_private_project_is_hidden_from_workspace_members_who_are_not_its_members_until_it_is_opened()
    {
        var s = await WorkspaceWithProject();
        var member = await JoinWorkspace(s.Owner, s.WorkspaceId, "member");
        var created = await s.Owner.Client.PostAsJsonAsync($"/v1/workspaces/{s.WorkspaceId}/projects", new { name = "Secret", key = "SEC", visibility = "private" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = Id(await Json(created));
        await WaitUntil(db => db.Projects.AnyAsync(p => p.Id == secret && p.Key == "SEC" && p.Private, Ct), "the private project");
        var task = await CreateTask(s.Owner, secret, new { title = "Hush" });
        var open = await CreateTask(s.Owner, s.ProjectId, new { title = "Public" });

        await AssertProblem(await member.Client.PostAsJsonAsync($"/v1/projects/{secret}/tasks", new { title = "Sneak" }, Ct), HttpStatusCode.NotFound, "project-not-found");
        await AssertProblem(await member.Client.GetAsync($"/v1/tasks/{Id(task)}", Ct), HttpStatusCode.NotFound, "task-not-found");
        await AssertProblem(await member.Client.PostAsJsonAsync($"/v1/tasks/{Id(task)}/comments", new { body = "Sneak" }, Ct), HttpStatusCode.NotFound, "task-not-found");
        // Cross-project reads leave it out too.
        var mine = await Json(await member.Client.GetAsync($"/v1/workspaces/{s.WorkspaceId}/tasks", Ct));
        Assert.Equal([Id(open)], mine.GetProperty("data").EnumerateArray().Select(Id));

        Assert.Equal(HttpStatusCode.OK, (await s.Owner.Client.PatchAsJsonAsync($"/v1/projects/{secret}", new { visibility = "workspace" }, Ct)).StatusCode);
        await WaitUntil(db => db.Projects.AnyAsync(p => p.Id == secret && !p.Private, Ct), "the project to be opened");
        Assert.Equal(HttpStatusCode.Created, (await member.Client.PostAsJsonAsync($"/v1/tasks/{Id(task)}/comments", new { body = "Now I see it" }, Ct)).StatusCode);
    }
}

public sealed class SqliteVisibilityTests(SqliteApp app) : VisibilityTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresVisibilityTests(PostgresApp app) : VisibilityTests(app), IClassFixture<PostgresApp>;
