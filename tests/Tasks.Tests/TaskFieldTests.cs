using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>Labels and cycles on tasks: validated against the project's copies, shown, recorded, filtered, cleaned up on delete.</summary>
public abstract class TaskFieldTests(TaskFlowApp app) : TasksTestBase(app)
{
    [Fact]
    public async Task Labels_and_a_cycle_are_set_on_create_and_patch_shown_with_names_and_recorded()
    {
        var s = await WorkspaceWithProject();
        var bug = await CreateLabel(s.Owner, s.ProjectId, "Bug", "#d73a4a");
        var ui = await CreateLabel(s.Owner, s.ProjectId, "UI");
        var cycle = await CreateCycle(s.Owner, s.ProjectId, "Sprint 1");

        var task = await CreateTask(s.Owner, s.ProjectId, new { title = "Fix login", labelIds = new[] { bug }, cycleId = cycle });
        Assert.Equal([bug], Ids(task, "labelIds"));
        var label = Assert.Single(task.GetProperty("labels").EnumerateArray());
        Assert.Equal(("Bug", "#D73A4A"), (label.GetProperty("name").GetString(), label.GetProperty("color").GetString()));
        Assert.Equal(cycle, task.GetProperty("cycleId").GetGuid());
        Assert.Equal("Sprint 1", task.GetProperty("cycle").GetProperty("name").GetString());

        var (_, etag) = await GetTask(s.Owner, Id(task));
        var patched = await Patch(s.Owner, Id(task), new { labelIds = new[] { ui, bug }, cycleId = (Guid?)null }, etag);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var body = await Json(patched);
        Assert.Equal(new[] { bug, ui }.Order(), Ids(body, "labelIds"));
        Assert.Equal(["Bug", "UI"], body.GetProperty("labels").EnumerateArray().Select(l => l.GetProperty("name").GetString()));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("cycleId").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("cycle").ValueKind);

        // Absent fields stay.
        var (_, etag2) = await GetTask(s.Owner, Id(task));
        var titled = await Json(await Patch(s.Owner, Id(task), new { title = "Fix the login" }, etag2));
        Assert.Equal(2, titled.GetProperty("labelIds").GetArrayLength());

        var activity = await Activity(s.Owner, Id(task));
        var labels = Assert.Single(activity, a => a.GetProperty("field").GetString() == "labelIds");
        Assert.Equal(bug.ToString(), labels.GetProperty("oldValue").GetString());
        Assert.Equal(string.Join(",", new[] { bug, ui }.Order()), labels.GetProperty("newValue").GetString());
        var cycleRow = Assert.Single(activity, a => a.GetProperty("field").GetString() == "cycleId");
        Assert.Equal((cycle.ToString(), JsonValueKind.Null), (cycleRow.GetProperty("oldValue").GetString(), cycleRow.GetProperty("newValue").ValueKind));

        var updated = (await Outbox("TaskUpdated")).First(e => e.GetProperty("taskId").GetGuid() == Id(task));
        Assert.Equal(["cycleId", "labelIds"], updated.GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()).Order());
        Assert.Equal(s.WorkspaceId, updated.GetProperty("workspaceId").GetGuid());
        Assert.Equal("WEB-1", updated.GetProperty("key").GetString());
    }

    [Fact]
    public async Task Labels_and_cycles_of_other_projects_or_unknown_ones_are_validation_errors()
    {
        var s = await WorkspaceWithProject();
        var (other, _) = await CreateProject(s.Owner, s.WorkspaceId, "API");
        var foreignLabel = await CreateLabel(s.Owner, other, "Bug");
        var foreignCycle = await CreateCycle(s.Owner, other);
        var path = $"/v1/projects/{s.ProjectId}/tasks";

        await AssertValidation(await s.Owner.Client.PostAsJsonAsync(path, new { title = "X", labelIds = new[] { foreignLabel }, cycleId = foreignCycle }, Ct), "labelIds", "cycleId");
        await AssertValidation(await s.Owner.Client.PostAsJsonAsync(path, new { title = "X", labelIds = new[] { Guid.NewGuid() } }, Ct), "labelIds");
        var mine = await CreateLabel(s.Owner, s.ProjectId, "Mine");
        await AssertValidation(await s.Owner.Client.PostAsJsonAsync(path, new { title = "X", labelIds = new[] { mine, mine } }, Ct), "labelIds");

        var task = await CreateTask(s.Owner, s.ProjectId);
        var (_, etag) = await GetTask(s.Owner, Id(task));
        await AssertValidation(await Patch(s.Owner, Id(task), new { labelIds = new[] { foreignLabel } }, etag), "labelIds");
        await AssertValidation(await Patch(s.Owner, Id(task), new { cycleId = foreignCycle }, etag), "cycleId");
        await AssertValidation(await Patch(s.Owner, Id(task), new { cycleId = "soon", labelIds = "bug" }, etag), "cycleId", "labelIds");
        var (after, sameEtag) = await GetTask(s.Owner, Id(task));
        Assert.Equal(etag, sameEtag);
        Assert.Equal(0, after.GetProperty("labelIds").GetArrayLength());

        // A project viewer cannot label a task.
        var viewer = await ProjectMember(s, "viewer");
        await AssertProblem(await Patch(viewer, Id(task), new { labelIds = new[] { mine } }, etag), HttpStatusCode.Forbidden, "insufficient-role");
    }

    [Fact]
    public async Task Renamed_labels_show_their_new_name_deleted_labels_leave_their_tasks_and_deleted_cycles_are_cleared()
    {
        var s = await WorkspaceWithProject();
        var bug = await CreateLabel(s.Owner, s.ProjectId, "Bug");
        var ui = await CreateLabel(s.Owner, s.ProjectId, "UI");
        var cycle = await CreateCycle(s.Owner, s.ProjectId);
        var task = await CreateTask(s.Owner, s.ProjectId, new { title = "Fix", labelIds = new[] { bug, ui }, cycleId = cycle });

        Assert.Equal(HttpStatusCode.OK, (await s.Owner.Client.PatchAsJsonAsync($"/v1/projects/{s.ProjectId}/labels/{bug}", new { name = "Defect" }, Ct)).StatusCode);
        await WaitUntil(db => db.Labels.AnyAsync(l => l.Id == bug && l.Name == "Defect", Ct), "the renamed label");
        var (renamed, _) = await GetTask(s.Owner, Id(task));
        Assert.Contains("Defect", renamed.GetProperty("labels").EnumerateArray().Select(l => l.GetProperty("name").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/projects/{s.ProjectId}/labels/{bug}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/projects/{s.ProjectId}/cycles/{cycle}", Ct)).StatusCode);
        await WaitUntil(async db => !await db.TaskLabels.AnyAsync(l => l.LabelId == bug, Ct) && !await db.Tasks.AnyAsync(t => t.CycleId == cycle, Ct), "the label and cycle to leave the task");

        var (after, etag) = await GetTask(s.Owner, Id(task));
        Assert.Equal([ui], Ids(after, "labelIds"));
        Assert.Equal(JsonValueKind.Null, after.GetProperty("cycleId").ValueKind);
        Assert.Equal("\"3\"", etag);
        var activity = await Activity(s.Owner, Id(task));
        Assert.Contains(activity, a => a.GetProperty("field").GetString() == "labelIds" && a.GetProperty("actorId").ValueKind == JsonValueKind.Null);
        Assert.Contains(activity, a => a.GetProperty("field").GetString() == "cycleId" && a.GetProperty("newValue").ValueKind == JsonValueKind.Null);

        // Deleted ones can no longer be used.
        await AssertValidation(await s.Owner.Client.PostAsJsonAsync($"/v1/projects/{s.ProjectId}/tasks", new { title = "X", labelIds = new[] { bug }, cycleId = cycle }, Ct), "labelIds", "cycleId");
    }

    [Fact]
    public async Task The_project_list_filters_by_label_cycle_category_due_dates_assignee_and_the_rest()
    {
        var s = await WorkspaceWithProject();
        var member = await ProjectMember(s, "member");
        var bug = await CreateLabel(s.Owner, s.ProjectId, "Bug");
        var cycle = await CreateCycle(s.Owner, s.ProjectId);
        var statuses = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/projects/{s.ProjectId}/statuses", Ct);
        var done = statuses.EnumerateArray().First(x => x.GetProperty("category").GetString() == "done").GetProperty("id").GetGuid();

        var labelled = await CreateTask(s.Owner, s.ProjectId, new { title = "Labelled login", labelIds = new[] { bug }, dueDate = "2026-03-01" });
        var planned = await CreateTask(s.Owner, s.ProjectId, new { title = "Planned", cycleId = cycle, dueDate = "2026-03-10", priority = "high" });
        var finished = await CreateTask(s.Owner, s.ProjectId, new { title = "Finished", statusId = done, assigneeIds = new[] { member.Id } });
        var child = await CreateTask(s.Owner, s.ProjectId, new { title = "Child", parentId = Id(planned) });

        async Task<Guid[]> List(string query)
        {
            var response = await member.Client.GetAsync($"/v1/projects/{s.ProjectId}/tasks?{query}", Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, query);
            return [.. (await Json(response)).GetProperty("data").EnumerateArray().Select(Id).Order()];
        }

        Assert.Equal([Id(labelled)], await List($"label={bug}"));
        Assert.Equal([Id(planned)], await List($"cycle={cycle}"));
        Assert.Equal([Id(finished)], await List("category=done"));
        Assert.Equal([Id(finished)], await List($"status={done}"));
        Assert.Equal([Id(finished)], await List("assignee=me"));
        Assert.Equal([Id(finished)], await List($"assignee={member.Id}"));
        Assert.Equal([Id(planned)], await List("priority=high"));
        Assert.Equal([Id(labelled)], await List("dueBefore=2026-03-09"));
        Assert.Equal(new[] { Id(labelled), Id(planned) }.Order(), await List("dueBefore=2026-03-10"));
        Assert.Equal([Id(planned)], await List("dueAfter=2026-03-02"));
        Assert.Equal([Id(planned)], await List("dueAfter=2026-03-02&dueBefore=2026-03-10"));
        Assert.Equal([Id(child)], await List($"parent={Id(planned)}"));
        Assert.Equal([Id(labelled)], await List("q=LOGIN"));
        Assert.Empty(await List($"label={bug}&category=done"));

        await AssertValidation(await member.Client.GetAsync($"/v1/projects/{s.ProjectId}/tasks?category=finished&dueBefore=tomorrow&dueAfter=2026-13-01&assignee=you", Ct),
            "category", "dueBefore", "dueAfter", "assignee");
    }
}

public sealed class SqliteTaskFieldTests(SqliteApp app) : TaskFieldTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresTaskFieldTests(PostgresApp app) : TaskFieldTests(app), IClassFixture<PostgresApp>;
