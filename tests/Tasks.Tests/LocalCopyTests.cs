using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>The local copies (workspace members, projects, project members, workflow): robust to redelivery and reordering.</summary>
public abstract class LocalCopyTests(TaskFlowApp app) : TasksTestBase(app)
{
    [Fact]
    public async Task Membership_handlers_are_idempotent_and_tolerate_out_of_order_delivery()
    {
        var workspaceId = Guid.NewGuid();
        var user = Guid.NewGuid();
        var t0 = DateTime.UtcNow.AddMinutes(-10);

        await Deliver("MemberRoleChanged", new { workspaceId, userId = user, role = "admin", occurredAt = t0.AddMinutes(2) });
        await Deliver("MemberAdded", new { workspaceId, userId = user, role = "viewer", occurredAt = t0.AddMinutes(1) });
        Assert.Equal(("admin", true), await Member(workspaceId, user));

        var removed = Envelope("MemberRemoved", new { workspaceId, userId = user, occurredAt = t0.AddMinutes(3) });
        await Transport.Publish(removed, Ct);
        await Transport.Publish(removed, Ct);
        await Deliver("MemberAdded", new { workspaceId, userId = user, role = "member", occurredAt = t0.AddMinutes(1) });
        Assert.Equal(("admin", false), await Member(workspaceId, user));

        await Deliver("MemberAdded", new { workspaceId, userId = user, role = "member", occurredAt = t0.AddMinutes(4) });
        Assert.Equal(("member", true), await Member(workspaceId, user));

        await Deliver("WorkspaceDeleted", new { workspaceId, occurredAt = t0.AddMinutes(5) });
        await Deliver("MemberAdded", new { workspaceId, userId = Guid.NewGuid(), role = "owner", occurredAt = t0.AddMinutes(6) });
        await Deliver("MemberRoleChanged", new { workspaceId, userId = user, role = "owner", occurredAt = t0.AddMinutes(7) });
        Assert.Equal(("member", false), await Member(workspaceId, user));
        Assert.Equal(1, await WithDb(db => db.WorkspaceMembers.CountAsync(m => m.WorkspaceId == workspaceId, Ct)));
    }

    [Fact]
    public async Task Project_handlers_tolerate_out_of_order_delivery_and_deleted_projects_stay_deleted()
    {
        var projectId = Guid.NewGuid();
        var workspaceId = Guid.NewGuid();
        var user = Guid.NewGuid();
        var (s1, s2) = (Guid.NewGuid(), Guid.NewGuid());
        var t0 = DateTime.UtcNow.AddMinutes(-10);

        // Membership and workflow before the project itself; an older removal and an older workflow do not win.
        await Deliver("ProjectMemberRoleChanged", new { projectId, userId = user, role = "admin", occurredAt = t0.AddMinutes(2) });
        await Deliver("ProjectMemberRemoved", new { projectId, userId = user, occurredAt = t0.AddMinutes(1) });
        await Deliver("WorkflowChanged", new { projectId, statuses = new[] { new { id = s1, name = "Todo", category = "todo", position = 0 } }, occurredAt = t0.AddMinutes(3) });
        await Deliver("WorkflowChanged", new { projectId, statuses = new[] { new { id = s1, name = "Old", category = "todo", position = 0 }, new { id = s2, name = "Old", category = "done", position = 1 } }, occurredAt = t0.AddMinutes(2) });
        await Deliver("ProjectCreated", new { projectId, workspaceId, key = "LATE", name = "Late", occurredAt = t0 });
        await Deliver("ProjectUnarchived", new { projectId, workspaceId, occurredAt = t0.AddMinutes(5) });
        await Deliver("ProjectArchived", new { projectId, workspaceId, occurredAt = t0.AddMinutes(4) });

        var (role, active) = await WithDb(async db =>
        {
            var m = await db.ProjectMembers.AsNoTracking().SingleAsync(x => x.ProjectId == projectId && x.UserId == user, Ct);
            return (Data.Roles.ToName(m.Role), m.Active);
        });
        Assert.Equal(("admin", true), (role, active));
        var statuses = await WithDb(db => db.Statuses.AsNoTracking().Where(s => s.ProjectId == projectId).ToListAsync(Ct));
        Assert.Equal("Todo", Assert.Single(statuses).Name);
        var project = await WithDb(db => db.Projects.AsNoTracking().SingleAsync(p => p.Id == projectId, Ct));
        Assert.Equal("LATE", project.Key);
        Assert.False(project.Archived);

        await Deliver("ProjectDeleted", new { projectId, workspaceId, occurredAt = t0.AddMinutes(6) });
        await Deliver("ProjectCreated", new { projectId, workspaceId, key = "LATE", name = "Late", occurredAt = t0 });
        Assert.True((await WithDb(db => db.Projects.AsNoTracking().SingleAsync(p => p.Id == projectId, Ct))).Deleted);
    }

    [Fact]
    public async Task Label_and_cycle_handlers_are_idempotent_and_tolerate_out_of_order_delivery()
    {
        var projectId = Guid.NewGuid();
        var (label, cycle, gone) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var t0 = DateTime.UtcNow.AddMinutes(-10);

        // The update before the creation: the newer state wins; redelivery changes nothing.
        var updated = Envelope("LabelUpdated", new { labelId = label, projectId, name = "Defect", color = "#111111", occurredAt = t0.AddMinutes(2) });
        await Transport.Publish(updated, Ct);
        await Transport.Publish(updated, Ct);
        await Deliver("LabelCreated", new { labelId = label, projectId, name = "Bug", color = "#FF0000", occurredAt = t0.AddMinutes(1) });
        var copy = await WithDb(db => db.Labels.AsNoTracking().SingleAsync(l => l.Id == label, Ct));
        Assert.Equal(("Defect", "#111111", false), (copy.Name, copy.Color, copy.Deleted));

        await Deliver("CycleUpdated", new { cycleId = cycle, projectId, name = "Sprint 1b", startDate = "2026-01-01", endDate = "2026-01-21", occurredAt = t0.AddMinutes(2) });
        await Deliver("CycleCreated", new { cycleId = cycle, projectId, name = "Sprint 1", startDate = "2026-01-01", endDate = "2026-01-14", occurredAt = t0.AddMinutes(1) });
        var c = await WithDb(db => db.Cycles.AsNoTracking().SingleAsync(x => x.Id == cycle, Ct));
        Assert.Equal(("Sprint 1b", new DateOnly(2026, 1, 21)), (c.Name, c.EndDate));

        // Deleted before created: stays deleted.
        await Deliver("LabelDeleted", new { labelId = gone, projectId, occurredAt = t0.AddMinutes(3) });
        await Deliver("LabelCreated", new { labelId = gone, projectId, name = "Late", color = "#000000", occurredAt = t0.AddMinutes(1) });
        await Deliver("LabelUpdated", new { labelId = gone, projectId, name = "Later", color = "#000000", occurredAt = t0.AddMinutes(4) });
        Assert.True((await WithDb(db => db.Labels.AsNoTracking().SingleAsync(l => l.Id == gone, Ct))).Deleted);
        await Deliver("CycleDeleted", new { cycleId = cycle, projectId, occurredAt = t0.AddMinutes(3) });
        await Deliver("CycleUpdated", new { cycleId = cycle, projectId, name = "Back", startDate = "2026-01-01", endDate = "2026-01-21", occurredAt = t0.AddMinutes(4) });
        c = await WithDb(db => db.Cycles.AsNoTracking().SingleAsync(x => x.Id == cycle, Ct));
        Assert.Equal(("Sprint 1b", true), (c.Name, c.Deleted));
    }

    [Fact]
    public async Task Deleting_the_project_or_leaving_the_workspace_hides_the_tasks()
    {
        var s = await WorkspaceWithProject();
        var member = await ProjectMember(s, "member");
        var task = await CreateTask(member, s.ProjectId);
        var view = await s.Owner.Client.PostAsJsonAsync($"/v1/projects/{s.ProjectId}/views", new { name = "Mine", filters = new { assignee = "me" } }, Ct);
        Assert.Equal(HttpStatusCode.Created, view.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/workspaces/{s.WorkspaceId}/members/{member.Id}", Ct)).StatusCode);
        await WaitUntil(db => db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == s.WorkspaceId && m.UserId == member.Id && !m.Active, Ct), "the member to leave");
        await AssertProblem(await member.Client.GetAsync($"/v1/tasks/{Id(task)}", Ct), HttpStatusCode.NotFound, "task-not-found");

        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/projects/{s.ProjectId}", Ct)).StatusCode);
        await WaitUntil(db => db.Projects.AnyAsync(p => p.Id == s.ProjectId && p.Deleted, Ct), "the project to be deleted");
        await AssertProblem(await s.Owner.Client.GetAsync($"/v1/tasks/{Id(task)}", Ct), HttpStatusCode.NotFound, "task-not-found");
        await AssertProblem(await s.Owner.Client.GetAsync($"/v1/projects/{s.ProjectId}/tasks", Ct), HttpStatusCode.NotFound, "project-not-found");
        Assert.False(await WithDb(db => db.Tasks.AnyAsync(t => t.ProjectId == s.ProjectId, Ct)));
        Assert.False(await WithDb(db => db.SavedViews.AnyAsync(v => v.ProjectId == s.ProjectId, Ct)));
    }

    IEventTransport Transport => App.Services.GetRequiredService<IEventTransport>();

    Task Deliver(string type, object payload) => Transport.Publish(Envelope(type, payload), Ct);

    Task<(string Role, bool Active)> Member(Guid workspaceId, Guid userId) => WithDb(async db =>
    {
        var m = await db.WorkspaceMembers.AsNoTracking().SingleAsync(x => x.WorkspaceId == workspaceId && x.UserId == userId, Ct);
        return (Data.Roles.ToName(m.Role), m.Active);
    });

    static EventEnvelope Envelope(string type, object payload) =>
        new(Guid.NewGuid(), type, JsonSerializer.Serialize(payload, EventEnvelope.Json), DateTime.UtcNow, null);

    /// <summary>Read-your-writes (BuildingBlocks.Membership): a miss in the copy asks the workspaces service before 404.</summary>
    [Fact]
    public async Task A_membership_the_copy_lacks_is_asked_of_the_workspaces_service_before_answering_404()
    {
        var s = await WorkspaceWithProject();
        var path = $"/v1/workspaces/{s.WorkspaceId}/tasks";
        // As if the owner's MemberAdded were still on its way: the copy has no row for them.
        await WithDb(db => db.WorkspaceMembers.Where(m => m.WorkspaceId == s.WorkspaceId).ExecuteDeleteAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, (await s.Owner.Client.GetAsync(path, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Owner.Client.GetAsync($"{path.Replace("/tasks", "/search", StringComparison.Ordinal)}?q=anything", Ct)).StatusCode);
        // The answer served those requests only: the copy is still written by the events alone.
        Assert.False(await WithDb(db => db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == s.WorkspaceId, Ct)));
        // Someone the workspaces service does not know as a member is still refused.
        var outsider = await NewUser();
        await AssertProblem(await outsider.Client.GetAsync(path, Ct), HttpStatusCode.NotFound, "workspace-not-found");
    }
}


public sealed class SqliteLocalCopyTests(SqliteApp app) : LocalCopyTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresLocalCopyTests(PostgresApp app) : LocalCopyTests(app), IClassFixture<PostgresApp>;
