using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

public abstract class RelationTests(TaskFlowApp app) : TasksTestBase(app)
{
    static Task<HttpResponseMessage> Relate(User user, Guid taskId, string type, Guid otherId) =>
        user.Client.PostAsJsonAsync($"/v1/tasks/{taskId}/relations", new { type, taskId = otherId }, Ct);

    static async Task<List<JsonElement>> Relations(User user, Guid taskId) =>
        (await user.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{taskId}/relations", Ct)).EnumerateArray().ToList();

    [Fact]
    public async Task A_relation_is_stored_once_and_shown_from_each_tasks_point_of_view()
    {
        var s = await WorkspaceWithProject();
        var member = await ProjectMember(s, "member");
        var a = await CreateTask(s.Owner, s.ProjectId, new { title = "Design" });
        var b = await CreateTask(s.Owner, s.ProjectId, new { title = "Build" });
        var c = await CreateTask(s.Owner, s.ProjectId, new { title = "Ship" });

        var created = await Relate(member, Id(a), "blocks", Id(b));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await Json(created);
        Assert.Equal("blocks", body.GetProperty("type").GetString());
        Assert.Equal(Id(b), body.GetProperty("taskId").GetGuid());
        Assert.Equal("WEB-2", body.GetProperty("key").GetString());
        Assert.Equal("Build", body.GetProperty("title").GetString());

        // C blocked_by B is stored as B blocks C; relates_to is symmetric.
        var blockedBy = await Json(await Relate(s.Owner, Id(c), "blocked_by", Id(b)));
        Assert.Equal("blocked_by", blockedBy.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Created, (await Relate(s.Owner, Id(c), "relates_to", Id(a))).StatusCode);

        var onB = await Relations(s.Owner, Id(b));
        Assert.Equal(2, onB.Count);
        var fromA = onB.Single(r => r.GetProperty("taskId").GetGuid() == Id(a));
        Assert.Equal("blocked_by", fromA.GetProperty("type").GetString());
        Assert.Equal("WEB-1", fromA.GetProperty("key").GetString());
        Assert.Equal(Id(body), Id(fromA));
        var toC = onB.Single(r => r.GetProperty("taskId").GetGuid() == Id(c));
        Assert.Equal("blocks", toC.GetProperty("type").GetString());
        Assert.Equal(Id(blockedBy), Id(toC));

        var onA = await Relations(s.Owner, Id(a));
        Assert.Equal(["blocks", "relates_to"], onA.Select(r => r.GetProperty("type").GetString()).Order().ToArray());
        Assert.Equal("relates_to", (await Relations(s.Owner, Id(c))).Single(r => r.GetProperty("taskId").GetGuid() == Id(a)).GetProperty("type").GetString());
        Assert.Equal(3, await WithDb(db => db.Relations.CountAsync(r => r.FromTaskId == Id(a) || r.ToTaskId == Id(a) || r.FromTaskId == Id(c) || r.ToTaskId == Id(c), Ct)));

        // Activity on both tasks.
        var activity = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(b)}/activity", Ct);
        var added = activity.GetProperty("data").EnumerateArray().Where(e => e.GetProperty("field").GetString() == "relation").Select(e => e.GetProperty("newValue").GetString()).ToList();
        Assert.Contains("blocked_by WEB-1", added);
        Assert.Contains("blocks WEB-3", added);
    }

    [Fact]
    public async Task The_other_task_must_exist_in_the_workspace_and_differ()
    {
        var s = await WorkspaceWithProject();
        var a = await CreateTask(s.Owner, s.ProjectId);
        var elsewhere = await WorkspaceWithProject();
        var foreign = await CreateTask(elsewhere.Owner, elsewhere.ProjectId);
        var (sibling, _) = await CreateProject(s.Owner, s.WorkspaceId, "OPS");
        var inSibling = await CreateTask(s.Owner, sibling);

        await AssertValidation(await Relate(s.Owner, Id(a), "blocks", Id(a)), "taskId");
        await AssertValidation(await Relate(s.Owner, Id(a), "blocks", Id(foreign)), "taskId");
        await AssertValidation(await Relate(s.Owner, Id(a), "blocks", Guid.NewGuid()), "taskId");
        await AssertValidation(await s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{Id(a)}/relations", new { type = "blocks" }, Ct), "taskId");
        await AssertValidation(await Relate(s.Owner, Id(a), "causes", Id(inSibling)), "type");
        Assert.Empty(await Relations(s.Owner, Id(a)));

        // Another project of the same workspace is fine.
        var created = await Json(await Relate(s.Owner, Id(a), "duplicates", Id(inSibling)));
        Assert.Equal("OPS-1", created.GetProperty("key").GetString());
        Assert.Equal("duplicated_by", Assert.Single(await Relations(s.Owner, Id(inSibling))).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Duplicates_and_blocking_cycles_are_refused()
    {
        var s = await WorkspaceWithProject();
        var a = await CreateTask(s.Owner, s.ProjectId);
        var b = await CreateTask(s.Owner, s.ProjectId);
        var c = await CreateTask(s.Owner, s.ProjectId);

        Assert.Equal(HttpStatusCode.Created, (await Relate(s.Owner, Id(a), "blocks", Id(b))).StatusCode);
        await AssertProblem(await Relate(s.Owner, Id(a), "blocks", Id(b)), HttpStatusCode.Conflict, "relation-exists");
        await AssertProblem(await Relate(s.Owner, Id(b), "blocked_by", Id(a)), HttpStatusCode.Conflict, "relation-exists");
        Assert.Equal(HttpStatusCode.Created, (await Relate(s.Owner, Id(a), "relates_to", Id(b))).StatusCode);
        await AssertProblem(await Relate(s.Owner, Id(b), "relates_to", Id(a)), HttpStatusCode.Conflict, "relation-exists");

        Assert.Equal(HttpStatusCode.Created, (await Relate(s.Owner, Id(b), "blocks", Id(c))).StatusCode);
        await AssertProblem(await Relate(s.Owner, Id(c), "blocks", Id(a)), HttpStatusCode.Conflict, "blocking-cycle");
        await AssertProblem(await Relate(s.Owner, Id(a), "blocked_by", Id(c)), HttpStatusCode.Conflict, "blocking-cycle");
        await AssertProblem(await Relate(s.Owner, Id(b), "blocks", Id(a)), HttpStatusCode.Conflict, "blocking-cycle");
        // Not a blocking relation: no cycle.
        Assert.Equal(HttpStatusCode.Created, (await Relate(s.Owner, Id(c), "relates_to", Id(a))).StatusCode);
        Assert.Equal(2, (await Relations(s.Owner, Id(c))).Count);
    }

    [Fact]
    public async Task Relations_are_deleted_alone_or_with_their_task()
    {
        var s = await WorkspaceWithProject();
        var a = await CreateTask(s.Owner, s.ProjectId);
        var b = await CreateTask(s.Owner, s.ProjectId);
        var c = await CreateTask(s.Owner, s.ProjectId);
        var ab = Id(await Json(await Relate(s.Owner, Id(a), "blocks", Id(b))));
        var bc = Id(await Json(await Relate(s.Owner, Id(b), "relates_to", Id(c))));

        // Deleted from either end; not through an unrelated task.
        await AssertProblem(await s.Owner.Client.DeleteAsync($"/v1/tasks/{Id(c)}/relations/{ab}", Ct), HttpStatusCode.NotFound, "relation-not-found");
        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/tasks/{Id(b)}/relations/{ab}", Ct)).StatusCode);
        Assert.Empty(await Relations(s.Owner, Id(a)));
        await AssertProblem(await s.Owner.Client.DeleteAsync($"/v1/tasks/{Id(a)}/relations/{ab}", Ct), HttpStatusCode.NotFound, "relation-not-found");
        var activity = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(a)}/activity", Ct);
        Assert.Equal("blocks WEB-2", activity.GetProperty("data")[0].GetProperty("oldValue").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/tasks/{Id(c)}", Ct)).StatusCode);
        Assert.Empty(await Relations(s.Owner, Id(b)));
        Assert.False(await WithDb(db => db.Relations.AnyAsync(r => r.Id == bc, Ct)));
    }

    [Fact]
    public async Task Identical_concurrent_creates_give_one_201_and_one_409_never_a_500()
    {
        var s = await WorkspaceWithProject();
        for (var i = 0; i < 8; i++)
        {
            var a = Id(await CreateTask(s.Owner, s.ProjectId, new { title = $"A{i}" }));
            var b = Id(await CreateTask(s.Owner, s.ProjectId, new { title = $"B{i}" }));
            // The same stored relation, asked twice at once (and once as its mirror image: a blocks b = b blocked_by a).
            var responses = i % 2 == 0
                ? await Task.WhenAll(Relate(s.Owner, a, "relates_to", b), Relate(s.Owner, a, "relates_to", b))
                : await Task.WhenAll(Relate(s.Owner, a, "blocks", b), Relate(s.Owner, b, "blocked_by", a));
            var statuses = responses.Select(r => (int)r.StatusCode).Order().ToArray();
            Assert.True(statuses.SequenceEqual([201, 409]), $"pair {i}: {string.Join(", ", statuses)}");
            await AssertProblem(responses.Single(r => r.StatusCode == HttpStatusCode.Conflict), HttpStatusCode.Conflict, "relation-exists");
            Assert.Single(await Relations(s.Owner, a));
        }
    }
}

public sealed class SqliteRelationTests(SqliteApp app) : RelationTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresRelationTests(PostgresApp app) : RelationTests(app), IClassFixture<PostgresApp>;
