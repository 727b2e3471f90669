using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Tasks.Data;
using TaskFlow.Tasks.Features;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>
/// Project lists are cached under the project's list version: every kind of change must show in the next read, a
/// failed or rolled-back change must not raise the version, and access is decided before the cache.
/// </summary>
public abstract class ListCacheTests(TaskFlowApp app) : TasksTestBase(app)
{
    Task<long> Version(Guid projectId) =>
        WithDb(db => TaskAccess.ReadListVersion(db, projectId, Ct));

    static async Task<JsonElement[]> List(User user, string path)
    {
        var page = await user.Client.GetFromJsonAsync<JsonElement>(path, Ct);
        return [.. page.GetProperty("data").EnumerateArray()];
    }

    [Fact]
    public async Task Every_kind_of_change_shows_in_the_next_read_of_a_cached_list()
    {
        var s = await WorkspaceWithProject();
        var column = $"/v1/projects/{s.ProjectId}/tasks?status={s.StatusIds[0]}&sort=rank";
        var label = await CreateLabel(s.Owner, s.ProjectId, "bug");
        var task = await CreateTask(s.Owner, s.ProjectId, new { title = "First", statusId = s.StatusIds[0], labelIds = new[] { label } });
        var taskId = Id(task);
        Assert.Equal("First", Assert.Single(await List(s.Owner, column)).GetProperty("title").GetString());
        Assert.Equal("First", Assert.Single(await List(s.Owner, column)).GetProperty("title").GetString());

        // A create through the API.
        await CreateTask(s.Owner, s.ProjectId, new { title = "Second", statusId = s.StatusIds[0] });
        Assert.Equal(["First", "Second"], (await List(s.Owner, column)).Select(t => t.GetProperty("title").GetString()));

        // An edit with If-Match.
        var (_, etag) = await GetTask(s.Owner, taskId);
        Assert.Equal(HttpStatusCode.OK, (await Patch(s.Owner, taskId, new { title = "First, renamed" }, etag)).StatusCode);
        Assert.Equal("First, renamed", (await List(s.Owner, column))[0].GetProperty("title").GetString());

        // A label renamed in the projects service reaches the copy through an event (a consumer's save).
        Assert.Equal("bug", (await List(s.Owner, column))[0].GetProperty("labels")[0].GetProperty("name").GetString());
        var renamed = await s.Owner.Client.PatchAsJsonAsync($"/v1/projects/{s.ProjectId}/labels/{label}", new { name = "defect" }, Ct);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        await WaitUntil(db => db.Labels.AnyAsync(l => l.Id == label && l.Name == "defect", Ct), "the renamed label");
        Assert.Equal("defect", (await List(s.Owner, column))[0].GetProperty("labels")[0].GetProperty("name").GetString());

        // A comment: the text search of the same project list finds it.
        var search = $"/v1/projects/{s.ProjectId}/tasks?q=zeppelin";
        Assert.Empty(await List(s.Owner, search));
        Assert.Equal(HttpStatusCode.Created, (await s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{taskId}/comments", new { body = "A zeppelin came by." }, Ct)).StatusCode);
        Assert.Equal(taskId, Id(Assert.Single(await List(s.Owner, search))));

        // A move to another column, and a delete.
        Assert.Equal(HttpStatusCode.OK, (await s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{taskId}/move", new { statusId = s.StatusIds[1] }, Ct)).StatusCode);
        Assert.Equal("Second", Assert.Single(await List(s.Owner, column)).GetProperty("title").GetString());
        var second = Id((await List(s.Owner, column))[0]);
        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/tasks/{second}", Ct)).StatusCode);
        Assert.Empty(await List(s.Owner, column));
    }

    [Fact]
    public async Task A_failed_or_rolled_back_change_leaves_the_version_and_a_change_raises_it_once_per_commit()
    {
        var s = await WorkspaceWithProject();
        var taskId = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Kept" }));
        var before = await Version(s.ProjectId);

        var invalid = await s.Owner.Client.PostAsJsonAsync($"/v1/projects/{s.ProjectId}/tasks", new { title = "" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var csv = new StringContent("title,priority\nGood,low\nBad,extreme\n", System.Text.Encoding.UTF8, "text/csv");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await s.Owner.Client.PostAsync($"/v1/projects/{s.ProjectId}/tasks/import", csv, Ct)).StatusCode);
        Assert.Equal(before, await Version(s.ProjectId));

        await WithDb(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            (await db.Tasks.SingleAsync(t => t.Id == taskId, Ct)).Title = "Never";
            await db.SaveChangesAsync(Ct);
            await transaction.RollbackAsync(Ct);
            return 0;
        });
        Assert.Equal(before, await Version(s.ProjectId));
        Assert.Equal("Kept", (await GetTask(s.Owner, taskId)).Task.GetProperty("title").GetString());

        await CreateTask(s.Owner, s.ProjectId);
        var after = await Version(s.ProjectId);
        Assert.True(after > before, $"{after} > {before}");

        // Another project's version is untouched by this project's changes.
        var (other, _) = await CreateProject(s.Owner, s.WorkspaceId, "OTH");
        var otherBefore = await Version(other);
        await CreateTask(s.Owner, s.ProjectId);
        Assert.Equal(otherBefore, await Version(other));
    }

    [Fact]
    public async Task The_version_kept_from_before_the_slots_counts_in_the_list_version()
    {
        var s = await WorkspaceWithProject();
        await CreateTask(s.Owner, s.ProjectId, new { title = "Listed" });
        var path = $"/v1/projects/{s.ProjectId}/tasks";
        Assert.Single(await List(s.Owner, path));
        var before = await Version(s.ProjectId);

        // projects."ListVersion" holds each project's version from before the upgrade (docs/adr/0045): it is added in.
        await WithDb(db => db.Projects.Where(p => p.Id == s.ProjectId).ExecuteUpdateAsync(u => u.SetProperty(p => p.ListVersionBase, p => p.ListVersionBase + 1000), Ct));
        var raised = await Version(s.ProjectId);
        Assert.True(raised >= before + 1000, $"{raised} >= {before} + 1000");

        await CreateTask(s.Owner, s.ProjectId, new { title = "Next" });
        Assert.True(await Version(s.ProjectId) > raised);
        Assert.Equal(2, (await List(s.Owner, path)).Length);
    }

    [Fact]
    public async Task A_removed_member_is_refused_a_list_that_is_cached()
    {
        var s = await WorkspaceWithProject();
        await CreateTask(s.Owner, s.ProjectId);
        var member = await ProjectMember(s, "member");
        var path = $"/v1/projects/{s.ProjectId}/tasks";
        Assert.Single(await List(member, path));
        Assert.Single(await List(s.Owner, path));

        var removed = await s.Owner.Client.DeleteAsync($"/v1/workspaces/{s.WorkspaceId}/members/{member.Id}", Ct);
        Assert.True(removed.IsSuccessStatusCode, removed.StatusCode.ToString());
        await WaitUntil(db => db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == s.WorkspaceId && m.UserId == member.Id && !m.Active, Ct), "the removal");
        Assert.Equal(HttpStatusCode.NotFound, (await member.Client.GetAsync(path, Ct)).StatusCode);
        Assert.Single(await List(s.Owner, path));
    }
}

public sealed class SqliteListCacheTests(SqliteApp app) : ListCacheTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresListCacheTests(PostgresApp app) : ListCacheTests(app), IClassFixture<PostgresApp>;
