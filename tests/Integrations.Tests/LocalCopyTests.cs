using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Membership;
using TaskFlow.Integrations.Data;

namespace TaskFlow.Integrations.Tests;

/// <summary>The local copies of memberships and projects follow the events, tolerate redelivery and reordering.</summary>
public abstract class LocalCopyTests(IntegrationsApp app) : IntegrationsTestBase(app)
{
    [Fact]
    public async Task Role_changes_and_removal_in_the_workspaces_service_change_access()
    {
        var s = await WorkspaceWithProject();
        var user = await JoinWorkspace(s.Owner, s.WorkspaceId, "member");
        var hooks = $"/v1/workspaces/{s.WorkspaceId}/webhooks";
        await AssertProblem(await user.Client.GetAsync(hooks, Ct), HttpStatusCode.Forbidden, "insufficient-role");

        Assert.Equal(HttpStatusCode.OK, (await Send(s.Owner.Client, HttpMethod.Patch, $"/v1/workspaces/{s.WorkspaceId}/members/{user.Id}", new { role = "admin" })).StatusCode);
        await WaitUntil(db => db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == s.WorkspaceId && m.UserId == user.Id && m.Role == WorkspaceRole.Admin, Ct), "the promotion");
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync(hooks, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.Client.PutAsJsonAsync($"/v1/projects/{s.ProjectId}/integrations/github", new { secret = "secret-123" }, Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/workspaces/{s.WorkspaceId}/members/{user.Id}", Ct)).StatusCode);
        await WaitUntil(db => db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == s.WorkspaceId && m.UserId == user.Id && !m.Active, Ct), "the removal");
        await AssertProblem(await user.Client.GetAsync(hooks, Ct), HttpStatusCode.NotFound, "workspace-not-found");
        await AssertProblem(await user.Client.GetAsync($"/v1/projects/{s.ProjectId}/integrations/github", Ct), HttpStatusCode.NotFound, "project-not-found");
    }

    [Fact]
    public async Task Late_and_repeated_events_do_not_undo_newer_changes()
    {
        var workspaceId = Guid.NewGuid();
        var owner = await NewUser();
        var admin = await NewUser();
        var t0 = DateTime.UtcNow.AddMinutes(-10);

        // Removal arrives before the (older) addition; the addition must not bring the member back.
        await Deliver("MemberRemoved", new { workspaceId, userId = admin.Id }, occurredAt: t0.AddMinutes(2));
        var added = Guid.CreateVersion7();
        await Deliver("MemberAdded", new { workspaceId, userId = admin.Id, role = "admin" }, added, t0.AddMinutes(1));
        await Deliver("WorkspaceCreated", new { workspaceId, name = "Late", ownerId = owner.Id }, occurredAt: t0);
        await Deliver("MemberAdded", new { workspaceId, userId = admin.Id, role = "admin" }, added, t0.AddMinutes(1));

        Assert.Equal(HttpStatusCode.OK, (await owner.Client.GetAsync($"/v1/workspaces/{workspaceId}/webhooks", Ct)).StatusCode);
        await AssertProblem(await admin.Client.GetAsync($"/v1/workspaces/{workspaceId}/webhooks", Ct), HttpStatusCode.NotFound, "workspace-not-found");

        // A project deleted before its creation arrives stays deleted.
        var projectId = Guid.NewGuid();
        await Deliver("ProjectDeleted", new { projectId, workspaceId }, occurredAt: t0.AddMinutes(5));
        await Deliver("ProjectCreated", new { projectId, workspaceId, key = "OLD", name = "Old" }, occurredAt: t0.AddMinutes(4));
        await AssertProblem(await owner.Client.GetAsync($"/v1/projects/{projectId}/integrations/github", Ct), HttpStatusCode.NotFound, "project-not-found");

        // Deleting the workspace removes its webhooks, and a late membership event does not revive it.
        Assert.Equal(HttpStatusCode.Created, (await owner.Client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/webhooks", new { url = "https://93.184.215.14/hook", eventKinds = new[] { "task.created" }, active = false }, Ct)).StatusCode);
        await Deliver("WorkspaceDeleted", new { workspaceId }, occurredAt: t0.AddMinutes(6));
        await Deliver("MemberAdded", new { workspaceId, userId = admin.Id, role = "owner" }, occurredAt: t0.AddMinutes(7));
        await AssertProblem(await owner.Client.GetAsync($"/v1/workspaces/{workspaceId}/webhooks", Ct), HttpStatusCode.NotFound, "workspace-not-found");
        await AssertProblem(await admin.Client.GetAsync($"/v1/workspaces/{workspaceId}/webhooks", Ct), HttpStatusCode.NotFound, "workspace-not-found");
        Assert.Equal(0, await WithDb(db => db.Webhooks.CountAsync(w => w.WorkspaceId == workspaceId, Ct)));
    }

    /// <summary>Read-your-writes (BuildingBlocks.Membership): a miss in the copy asks the workspaces service before 404.</summary>
    [Fact]
    public async Task A_membership_the_copy_lacks_is_asked_of_the_workspaces_service_before_answering_404()
    {
        var owner = await NewUser();
        var workspaceId = await CreateWorkspace(owner);
        // As if WorkspaceCreated and the owner's MemberAdded were still on their way: the copy knows neither.
        await WithDb(db => db.WorkspaceMembers.Where(m => m.WorkspaceId == workspaceId).ExecuteDeleteAsync(Ct));
        await WithDb(db => db.Workspaces.Where(w => w.Id == workspaceId).ExecuteDeleteAsync(Ct));

        using var hooks = await owner.Client.GetAsync(new Uri($"/v1/workspaces/{workspaceId}/webhooks", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, hooks.StatusCode);
        var outsider = await NewUser();
        await AssertProblem(await outsider.Client.GetAsync(new Uri($"/v1/workspaces/{workspaceId}/webhooks", UriKind.Relative), Ct), HttpStatusCode.NotFound);
    }
}


public sealed class SqliteLocalCopyTests(SqliteApp app) : LocalCopyTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresLocalCopyTests(PostgresApp app) : LocalCopyTests(app), IClassFixture<PostgresApp>;
