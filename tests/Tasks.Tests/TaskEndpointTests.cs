using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

public abstract class TaskEndpointTests(TaskFlowApp app) : TasksTestBase(app)
{
    [Fact]
    public async Task Create_numbers_the_task_and_puts_it_in_the_first_todo_status()
    {
        var s = await WorkspaceWithProject();
        var response = await s.Owner.Client.PostAsJsonAsync($"/v1/projects/{s.ProjectId}/tasks",
            new { title = "  Ship it  ", description = "# Plan\n- a", priority = "high", assigneeIds = new[] { s.Owner.Id }, dueDate = "2026-12-01", startDate = "2026-11-30", estimate = 3.5 }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var task = await Json(response);
        Assert.Equal($"/v1/tasks/{Id(task)}", response.Headers.Location?.ToString());
        Assert.Equal("WEB-1", task.GetProperty("key").GetString());
        Assert.Equal("Ship it", task.GetProperty("title").GetString());
        Assert.Equal(s.StatusIds[1], task.GetProperty("statusId").GetGuid()); // Backlog, Todo, ...: Todo is the first of category todo
        Assert.Equal("high", task.GetProperty("priority").GetString());
        Assert.Equal(s.Owner.Id, Assert.Single(task.GetProperty("assigneeIds").EnumerateArray()).GetGuid());
        Assert.Equal("2026-12-01", task.GetProperty("dueDate").GetString());
        Assert.Equal(1, task.GetProperty("version").GetInt32());

        var second = await CreateTask(s.Owner, s.ProjectId, new { title = "Next", statusId = s.StatusIds[0] });
        Assert.Equal("WEB-2", second.GetProperty("key").GetString());
        Assert.Equal(s.StatusIds[0], second.GetProperty("statusId").GetGuid());

        var created = Assert.Single(await Outbox("TaskCreated"), e => e.GetProperty("taskId").GetGuid() == Id(task));
        Assert.Equal("WEB-1", created.GetProperty("key").GetString());
        Assert.Equal(s.WorkspaceId, created.GetProperty("workspaceId").GetGuid());
        Assert.Equal(s.Owner.Id, created.GetProperty("reporterId").GetGuid());
        Assert.Contains(await Outbox("TaskAssigned"), e => e.GetProperty("taskId").GetGuid() == Id(task) && e.GetProperty("assigneeId").GetGuid() == s.Owner.Id);
    }

    [Fact]
    public async Task Create_names_each_invalid_field()
    {
        var s = await WorkspaceWithProject();
        var outsider = await NewUser();
        var response = await s.Owner.Client.PostAsJsonAsync($"/v1/projects/{s.ProjectId}/tasks",
            new { title = " ", priority = "asap", statusId = Guid.NewGuid(), assigneeIds = new[] { outsider.Id }, parentId = Guid.NewGuid(), estimate = -1, startDate = "2026-12-02", dueDate = "2026-12-01" }, Ct);
        await AssertValidation(response, "title", "priority", "statusId", "assigneeIds", "parentId", "estimate", "dueDate");
        Assert.Equal(0, await WithDb(db => db.Tasks.CountAsync(t => t.ProjectId == s.ProjectId, Ct)));
    }

    [Fact]
    public async Task Task_numbers_are_never_reused_even_after_a_delete_or_under_concurrency()
    {
        var s = await WorkspaceWithProject();
        await CreateTask(s.Owner, s.ProjectId);
        var second = await CreateTask(s.Owner, s.ProjectId);
        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/tasks/{Id(second)}", Ct)).StatusCode);
        Assert.Equal("WEB-3", (await CreateTask(s.Owner, s.ProjectId)).GetProperty("key").GetString());

        var parallel = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => s.Owner.Client.PostAsJsonAsync($"/v1/projects/{s.ProjectId}/tasks", new { title = $"T{i}" }, Ct)));
        Assert.All(parallel, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var keys = new List<string>();
        foreach (var r in parallel) keys.Add((await Json(r)).GetProperty("key").GetString()!);
        Assert.Equal(Enumerable.Range(4, 8).Select(n => $"WEB-{n}").Order(), keys.Order());
    }

    [Fact]
    public async Task Patch_needs_a_current_ETag_and_a_stale_one_changes_nothing()
    {
        var s = await WorkspaceWithProject();
        var task = await CreateTask(s.Owner, s.ProjectId, new { title = "Original" });
        var (_, etag) = await GetTask(s.Owner, Id(task));
        Assert.Equal("\"1\"", etag);

        await AssertProblem(await Patch(s.Owner, Id(task), new { title = "No precondition" }, null), HttpStatusCode.PreconditionRequired, "precondition-required");

        var changed = await Patch(s.Owner, Id(task), new { title = "First", description = "**bold**", dueDate = "2027-01-01", priority = "urgent" }, etag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("\"2\"", changed.Headers.ETag!.ToString());

        await AssertProblem(await Patch(s.Owner, Id(task), new { title = "Stale" }, etag), HttpStatusCode.PreconditionFailed, "precondition-failed");
        var (now, current) = await GetTask(s.Owner, Id(task));
        Assert.Equal("First", now.GetProperty("title").GetString());
        Assert.Equal("**bold**", now.GetProperty("description").GetString());
        Assert.Equal("urgent", now.GetProperty("priority").GetString());
        Assert.Equal("\"2\"", current);

        // null clears; absent fields stay.
        var cleared = await Patch(s.Owner, Id(task), new { dueDate = (string?)null }, current);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        var after = await Json(cleared);
        Assert.Equal(JsonValueKind.Null, after.GetProperty("dueDate").ValueKind);
        Assert.Equal("First", after.GetProperty("title").GetString());

        var updated = (await Outbox("TaskUpdated")).First(e => e.GetProperty("taskId").GetGuid() == Id(task));
        Assert.Equal(["description", "dueDate", "priority", "title"], updated.GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()!).Order());
    }

    [Fact]
    public async Task Patch_validates_assignees_parents_and_refuses_cycles()
    {
        var s = await WorkspaceWithProject();
        var member = await JoinWorkspace(s.Owner, s.WorkspaceId, "member");
        var outsider = await NewUser();
        var parent = await CreateTask(s.Owner, s.ProjectId, new { title = "Parent" });
        var child = await CreateTask(s.Owner, s.ProjectId, new { title = "Child", parentId = Id(parent) });
        Assert.Equal(Id(parent), child.GetProperty("parentId").GetGuid());

        var (_, etag) = await GetTask(s.Owner, Id(parent));
        await AssertValidation(await Patch(s.Owner, Id(parent), new { assigneeIds = new[] { outsider.Id } }, etag), "assigneeIds");
        await AssertValidation(await Patch(s.Owner, Id(parent), new { title = "", statusId = Guid.NewGuid() }, etag), "title", "statusId");
        await AssertProblem(await Patch(s.Owner, Id(parent), new { parentId = Id(child) }, etag), HttpStatusCode.Conflict, "parent-cycle");
        await AssertProblem(await Patch(s.Owner, Id(parent), new { parentId = Id(parent) }, etag), HttpStatusCode.Conflict, "parent-cycle");

        var (otherProject, _) = await CreateProject(s.Owner, s.WorkspaceId, "OPS");
        var foreign = await CreateTask(s.Owner, otherProject);
        await AssertValidation(await Patch(s.Owner, Id(parent), new { parentId = Id(foreign) }, etag), "parentId");

        var assigned = await Patch(s.Owner, Id(parent), new { assigneeIds = new[] { member.Id } }, etag);
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        Assert.Contains(await Outbox("TaskAssigned"), e => e.GetProperty("taskId").GetGuid() == Id(parent) && e.GetProperty("assigneeId").GetGuid() == member.Id);

        // A task with subtasks is not deleted (the documented choice); once the child is gone it is.
        await AssertProblem(await s.Owner.Client.DeleteAsync($"/v1/tasks/{Id(parent)}", Ct), HttpStatusCode.Conflict, "task-has-subtasks");
        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/tasks/{Id(child)}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/tasks/{Id(parent)}", Ct)).StatusCode);
        await AssertProblem(await s.Owner.Client.GetAsync($"/v1/tasks/{Id(parent)}", Ct), HttpStatusCode.NotFound, "task-not-found");
        Assert.Contains(await Outbox("TaskDeleted"), e => e.GetProperty("taskId").GetGuid() == Id(parent));
    }

    [Fact]
    public async Task List_filters_and_validates_its_query()
    {
        var s = await WorkspaceWithProject();
        var a = await CreateTask(s.Owner, s.ProjectId, new { title = "Fix the LOGIN page", priority = "high", assigneeIds = new[] { s.Owner.Id } });
        var b = await CreateTask(s.Owner, s.ProjectId, new { title = "Write docs", statusId = s.StatusIds[0], parentId = Id(a) });
        var p = $"/v1/projects/{s.ProjectId}/tasks";

        async Task<Guid[]> Ids(string query) =>
            [.. (await s.Owner.Client.GetFromJsonAsync<JsonElement>(p + query, Ct)).GetProperty("data").EnumerateArray().Select(Id)];

        Assert.Equal([Id(b), Id(a)], await Ids(""));
        Assert.Equal([Id(a)], await Ids("?q=login"));
        Assert.Equal([Id(a)], await Ids("?priority=high"));
        Assert.Equal([Id(a)], await Ids($"?assignee={s.Owner.Id}"));
        Assert.Equal([Id(b)], await Ids($"?status={s.StatusIds[0]}"));
        Assert.Equal([Id(b)], await Ids($"?parent={Id(a)}"));
        Assert.Equal([Id(a), Id(b)], await Ids("?sort=key"));

        foreach (var limit in new[] { "0", "101", "abc" })
            await AssertValidation(await s.Owner.Client.GetAsync($"{p}?limit={limit}", Ct), "limit");
        await AssertValidation(await s.Owner.Client.GetAsync($"{p}?sort=size", Ct), "sort");
        await AssertValidation(await s.Owner.Client.GetAsync($"{p}?cursor=nonsense", Ct), "cursor");
        await AssertValidation(await s.Owner.Client.GetAsync($"{p}?priority=asap", Ct), "priority");
    }

    [Theory]
    [InlineData("created")]
    [InlineData("updated")]
    [InlineData("key")]
    [InlineData("priority")]
    [InlineData("dueDate")]
    public async Task Cursor_pages_see_every_task_once_even_when_tasks_are_added_between_pages(string sort)
    {
        var s = await WorkspaceWithProject();
        string[] priorities = ["low", "high", "none", "high", "urgent", "low", "medium"];
        var original = new List<Guid>();
        for (var i = 0; i < priorities.Length; i++)
            original.Add(Id(await CreateTask(s.Owner, s.ProjectId, new { title = $"T{i}", priority = priorities[i], dueDate = i % 3 == 0 ? null : $"2027-01-0{i % 2 + 1}" })));

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/projects/{s.ProjectId}/tasks?sort={sort}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}"), Ct);
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(Id));
            cursor = page.GetProperty("nextCursor").GetString();
            // Inserts between pages must not shift or repeat what the client has not seen yet.
            await CreateTask(s.Owner, s.ProjectId, new { title = "Inserted", priority = "medium", dueDate = "2027-01-01" });
            Assert.True(++pages < 20);
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(original, id => Assert.Contains(id, seen));
    }

    [Fact]
    public async Task An_archived_project_refuses_writes_but_still_reads()
    {
        var s = await WorkspaceWithProject();
        var task = await CreateTask(s.Owner, s.ProjectId);
        Assert.Equal(HttpStatusCode.OK, (await s.Owner.Client.PostAsync($"/v1/projects/{s.ProjectId}/archive", null, Ct)).StatusCode);
        await WaitUntil(db => db.Projects.AnyAsync(p => p.Id == s.ProjectId && p.Archived, Ct), "the project to be archived");

        await AssertProblem(await s.Owner.Client.PostAsJsonAsync($"/v1/projects/{s.ProjectId}/tasks", new { title = "X" }, Ct), HttpStatusCode.Conflict, "project-archived");
        var (_, etag) = await GetTask(s.Owner, Id(task));
        await AssertProblem(await Patch(s.Owner, Id(task), new { title = "X" }, etag), HttpStatusCode.Conflict, "project-archived");
        Assert.Equal(HttpStatusCode.OK, (await s.Owner.Client.GetAsync($"/v1/projects/{s.ProjectId}/tasks", Ct)).StatusCode);
    }
}

public sealed class SqliteTaskEndpointTests(SqliteApp app) : TaskEndpointTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresTaskEndpointTests(PostgresApp app) : TaskEndpointTests(app), IClassFixture<PostgresApp>;
