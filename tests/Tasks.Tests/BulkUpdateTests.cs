using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>POST /v1/projects/{projectId}/tasks/bulk: all or nothing.</summary>
public abstract class BulkUpdateTests(TaskFlowApp app) : TasksTestBase(app)
{
    [Fact]
    public async Task A_bulk_update_changes_every_task_records_it_and_moves_them_to_the_bottom_of_the_column()
    {
        var s = await WorkspaceWithProject();
        var ada = await ProjectMember(s, "member");
        var bug = await CreateLabel(s.Owner, s.ProjectId, "Bug");
        var cycle = await CreateCycle(s.Owner, s.ProjectId);
        var target = s.StatusIds[2];
        var already = await CreateTask(s.Owner, s.ProjectId, new { title = "Already there", statusId = target });
        var tasks = new List<JsonElement>();
        for (var i = 0; i < 3; i++) tasks.Add(await CreateTask(s.Owner, s.ProjectId, new { title = $"Task {i}", assigneeIds = i == 0 ? new[] { ada.Id } : null }));
        // Request order: 2, 0, 1.
        var ids = new[] { Id(tasks[2]), Id(tasks[0]), Id(tasks[1]) };

        var response = await ada.Client.PostAsJsonAsync($"/v1/projects/{s.ProjectId}/tasks/bulk",
            new { taskIds = ids, statusId = target, addAssigneeIds = new[] { s.Owner.Id }, removeAssigneeIds = new[] { ada.Id }, addLabelIds = new[] { bug }, cycleId = cycle, priority = "high" }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        Assert.Equal((3, 0), (body.GetProperty("updated").GetInt32(), body.GetProperty("unchanged").GetInt32()));
        foreach (var id in ids)
        {
            var (task, etag) = await GetTask(s.Owner, id);
            Assert.Equal(target, task.GetProperty("statusId").GetGuid());
            Assert.Equal("high", task.GetProperty("priority").GetString());
            Assert.Equal([s.Owner.Id], Ids(task, "assigneeIds"));
            Assert.Equal([bug], Ids(task, "labelIds"));
            Assert.Equal(cycle, task.GetProperty("cycleId").GetGuid());
            Assert.Equal("\"2\"", etag);
        }

        var column = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/projects/{s.ProjectId}/tasks?status={target}&sort=rank", Ct);
        Assert.Equal([Id(already), .. ids], column.GetProperty("data").EnumerateArray().Select(Id));

        var activity = await Activity(ada, ids[1]);
        Assert.Equal(["assigneeIds", "cycleId", "labelIds", "priority", "rank", "status"],
            activity.Where(a => a.GetProperty("actorId").GetGuid() == ada.Id).Select(a => a.GetProperty("field").GetString()).Order());
        foreach (var id in ids)
        {
            var updated = Assert.Single(await Outbox("TaskUpdated"), e => e.GetProperty("taskId").GetGuid() == id);
            Assert.Equal(["assigneeIds", "cycleId", "labelIds", "priority"], updated.GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()).Order());
            Assert.Equal(target, Assert.Single(await Outbox("TaskMoved"), e => e.GetProperty("taskId").GetGuid() == id).GetProperty("toStatusId").GetGuid());
        }
        Assert.Single(await Outbox("TaskUnassigned"), e => e.GetProperty("taskId").GetGuid() == Id(tasks[0]));

        // An explicit null clears the cycle; a task already as asked is unchanged and publishes nothing.
        var cleared = await Json(await ada.Client.PostAsJsonAsync($"/v1/projects/{s.ProjectId}/tasks/bulk", new { taskIds = new[] { ids[0], Id(already) }, cycleId = (Guid?)null }, Ct));
        Assert.Equal((1, 1), (cleared.GetProperty("updated").GetInt32(), cleared.GetProperty("unchanged").GetInt32()));
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("tasks")[0].GetProperty("cycleId").ValueKind);
        Assert.DoesNotContain(await Outbox("TaskUpdated"), e => e.GetProperty("taskId").GetGuid() == Id(already));
    }

    [Fact]
    public async Task An_invalid_task_or_field_refuses_the_whole_request_naming_them()
    {
        var s = await WorkspaceWithProject();
        var (other, _) = await CreateProject(s.Owner, s.WorkspaceId, "API");
        var foreign = await CreateTask(s.Owner, other, new { title = "Elsewhere" });
        var foreignLabel = await CreateLabel(s.Owner, other, "Bug");
        var mine = await CreateTask(s.Owner, s.ProjectId);
        var path = $"/v1/projects/{s.ProjectId}/tasks/bulk";
        var missing = Guid.NewGuid();

        var refused = await s.Owner.Client.PostAsJsonAsync(path, new { taskIds = new[] { Id(mine), Id(foreign), missing }, addLabelIds = new[] { foreignLabel }, priority = "high" }, Ct);
        var problem = await AssertProblem(refused, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Equal(["addLabelIds", "taskIds"], errors.EnumerateObject().Select(p => p.Name).Order());
        var text = errors.GetProperty("taskIds")[0].GetString()!;
        Assert.Contains(Id(foreign).ToString(), text, StringComparison.Ordinal);
        Assert.Contains(missing.ToString(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Id(mine).ToString(), text, StringComparison.Ordinal);
        var (unchanged, etag) = await GetTask(s.Owner, Id(mine));
        Assert.Equal(("none", "\"1\""), (unchanged.GetProperty("priority").GetString(), etag));

        await AssertValidation(await s.Owner.Client.PostAsJsonAsync(path, new { taskIds = Array.Empty<Guid>() }, Ct), "taskIds");
        await AssertValidation(await s.Owner.Client.PostAsJsonAsync(path, new { taskIds = Enumerable.Range(0, 501).Select(_ => Guid.NewGuid()).ToArray() }, Ct), "taskIds");
        await AssertValidation(await s.Owner.Client.PostAsJsonAsync(path, new { taskIds = new[] { Id(mine), Id(mine) } }, Ct), "taskIds");
        await AssertValidation(await s.Owner.Client.PostAsJsonAsync(path, new { taskIds = new[] { Id(mine) }, statusId = Guid.NewGuid(), cycleId = Guid.NewGuid(), priority = "huge", addAssigneeIds = new[] { Guid.NewGuid() } }, Ct),
            "statusId", "cycleId", "priority", "addAssigneeIds");
        await AssertValidation(await s.Owner.Client.PostAsJsonAsync(path, new { taskIds = new[] { Id(mine) }, addLabelIds = new[] { foreignLabel }, removeLabelIds = new[] { foreignLabel } }, Ct), "addLabelIds", "removeLabelIds");
        await AssertValidation(await s.Owner.Client.PostAsJsonAsync(path, new { taskIds = new[] { Id(mine) }, colour = "red" }, Ct), "colour");
        Assert.Equal("\"1\"", (await GetTask(s.Owner, Id(mine))).ETag);

        // Viewers and readers cannot; outsiders do not see the project.
        var viewer = await ProjectMember(s, "viewer");
        await AssertProblem(await viewer.Client.PostAsJsonAsync(path, new { taskIds = new[] { Id(mine) }, priority = "low" }, Ct), HttpStatusCode.Forbidden, "insufficient-role");
        var outsider = await NewUser();
        await AssertProblem(await outsider.Client.PostAsJsonAsync(path, new { taskIds = new[] { Id(mine) }, priority = "low" }, Ct), HttpStatusCode.NotFound, "project-not-found");
    }
}

public sealed class SqliteBulkUpdateTests(SqliteApp app) : BulkUpdateTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresBulkUpdateTests(PostgresApp app) : BulkUpdateTests(app), IClassFixture<PostgresApp>;
