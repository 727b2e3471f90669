using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Tasks.Features;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>Ranks alone: whatever the insert positions, every new rank sits strictly between its neighbours.</summary>
public sealed class RankTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_inserts_keep_a_strict_total_order(int seed)
    {
        var random = new Random(seed);
        var ranks = new List<string>();
        for (var i = 0; i < 2000; i++)
        {
            var at = random.Next(ranks.Count + 1);
            var low = at == 0 ? null : ranks[at - 1];
            var high = at == ranks.Count ? null : ranks[at];
            var rank = Ranks.Between(low, high);
            Assert.True(low is null || string.CompareOrdinal(low, rank) < 0, $"{low} < {rank}");
            Assert.True(high is null || string.CompareOrdinal(rank, high) < 0, $"{rank} < {high}");
            Assert.False(rank.EndsWith('0'));
            ranks.Insert(at, rank);
        }
        Assert.Equal(ranks.Order(StringComparer.Ordinal), ranks);
    }

    [Fact]
    public void Appends_at_the_bottom_of_a_spread_column_stay_short_for_thousands_of_moves()
    {
        var last = Ranks.Spread(2000)[^1];
        for (var i = 0; i < 25_000; i++)
        {
            var next = Ranks.Between(last, null);
            Assert.True(string.CompareOrdinal(last, next) < 0, $"{last} < {next}");
            Assert.False(next.EndsWith('0'));
            last = next;
        }
        Assert.True(last.Length <= Ranks.MaxLength, $"{last.Length} characters after 25,000 appends");
        Assert.Equal("61", Ranks.Between("5z", null));
        Assert.Equal("zz01", Ranks.Between("zz", null));
    }

    [Fact]
    public void Spread_gives_short_increasing_ranks()
    {
        foreach (var count in new[] { 0, 1, 5, 35, 36, 1000, 100_000 })
        {
            var ranks = Ranks.Spread(count);
            Assert.Equal(count, ranks.Count);
            Assert.Equal(ranks.Order(StringComparer.Ordinal), ranks);
            Assert.Equal(count, ranks.Distinct().Count());
            Assert.All(ranks, r => Assert.True(r.Length <= 5 && !r.EndsWith('0')));
        }
    }
}

public abstract class BoardTests(TaskFlowApp app) : TasksTestBase(app)
{
    private protected async Task<Guid[]> Column(User user, Guid projectId, Guid statusId)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await user.Client.GetFromJsonAsync<JsonElement>($"/v1/projects/{projectId}/tasks?status={statusId}&sort=rank&limit=100" + (cursor is null ? "" : $"&cursor={cursor}"), Ct);
            ids.AddRange(page.GetProperty("data").EnumerateArray().Select(Id));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return [.. ids];
    }

    private protected static async Task<HttpResponseMessage> Move(User user, Guid taskId, Guid statusId, Guid? before = null, Guid? after = null) =>
        await user.Client.PostAsJsonAsync($"/v1/tasks/{taskId}/move", new { statusId, before, after }, Ct);

    [Fact]
    public async Task Moves_place_the_task_between_its_new_neighbours_and_publish_TaskMoved()
    {
        var s = await WorkspaceWithProject();
        var (todo, doing) = (s.StatusIds[1], s.StatusIds[2]);
        var a = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "A" }));
        var b = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "B" }));
        var c = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "C" }));
        Assert.Equal([a, b, c], await Column(s.Owner, s.ProjectId, todo));

        var moved = await Move(s.Owner, c, todo, before: a);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal([c, a, b], await Column(s.Owner, s.ProjectId, todo));
        Assert.Equal(HttpStatusCode.OK, (await Move(s.Owner, c, todo, after: a)).StatusCode);
        Assert.Equal([a, c, b], await Column(s.Owner, s.ProjectId, todo));
        Assert.Equal(HttpStatusCode.OK, (await Move(s.Owner, a, todo, after: c, before: b)).StatusCode);
        Assert.Equal([c, a, b], await Column(s.Owner, s.ProjectId, todo));

        Assert.Equal(HttpStatusCode.OK, (await Move(s.Owner, b, doing)).StatusCode);
        Assert.Equal([c, a], await Column(s.Owner, s.ProjectId, todo));
        Assert.Equal([b], await Column(s.Owner, s.ProjectId, doing));
        var (task, etag) = await GetTask(s.Owner, b);
        Assert.Equal(doing, task.GetProperty("statusId").GetGuid());
        Assert.Equal("\"2\"", etag);
        var e = Assert.Single(await Outbox("TaskMoved"), m => m.GetProperty("taskId").GetGuid() == b);
        Assert.Equal(todo, e.GetProperty("fromStatusId").GetGuid());
        Assert.Equal(doing, e.GetProperty("toStatusId").GetGuid());
        Assert.Equal(task.GetProperty("rank").GetString(), e.GetProperty("rank").GetString());

        await AssertValidation(await Move(s.Owner, a, Guid.NewGuid()), "statusId");
        await AssertValidation(await Move(s.Owner, a, todo, before: b), "before"); // b is in another column
        await AssertValidation(await Move(s.Owner, a, todo, after: a), "after");
        await AssertValidation(await Move(s.Owner, a, doing, after: b, before: b), "after");
    }

    [Theory]
    [InlineData(7)]
    [InlineData(42)]
    public async Task Random_moves_keep_a_consistent_total_order(int seed)
    {
        var s = await WorkspaceWithProject();
        var columns = new[] { s.StatusIds[1], s.StatusIds[2] };
        var model = columns.ToDictionary(c => c, _ => new List<Guid>());
        for (var i = 0; i < 6; i++) model[columns[0]].Add(Id(await CreateTask(s.Owner, s.ProjectId, new { title = $"T{i}" })));

        var random = new Random(seed);
        for (var step = 0; step < 40; step++)
        {
            var from = columns.Where(c => model[c].Count > 0).ElementAt(random.Next(columns.Count(c => model[c].Count > 0)));
            var task = model[from][random.Next(model[from].Count)];
            var to = columns[random.Next(columns.Length)];
            model[from].Remove(task);
            var target = model[to];
            var at = random.Next(target.Count + 1);
            var mode = random.Next(3);
            Guid? before = null, after = null;
            if (target.Count > 0 && at < target.Count && mode != 1) before = target[at];
            if (target.Count > 0 && at > 0 && mode != 0) after = target[at - 1];
            if (before is null && after is null) at = target.Count; // no neighbour given: the bottom
            target.Insert(at, task);
            Assert.Equal(HttpStatusCode.OK, (await Move(s.Owner, task, to, before, after)).StatusCode);
        }
        foreach (var column in columns) Assert.Equal(model[column], await Column(s.Owner, s.ProjectId, column));
    }

    [Fact]
    public async Task Moving_to_the_top_again_and_again_rebalances_the_column_when_ranks_run_out_of_room()
    {
        var s = await WorkspaceWithProject();
        var todo = s.StatusIds[1];
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++) ids.Add(Id(await CreateTask(s.Owner, s.ProjectId, new { title = $"T{i}" })));
        var maxLength = 0;
        for (var i = 0; i < 280; i++)
        {
            var bottom = ids[^1];
            Assert.Equal(HttpStatusCode.OK, (await Move(s.Owner, bottom, todo, before: ids[0])).StatusCode);
            ids.RemoveAt(ids.Count - 1);
            ids.Insert(0, bottom);
            maxLength = Math.Max(maxLength, await WithDb(db => db.Tasks.Where(t => t.ProjectId == s.ProjectId).MaxAsync(t => t.Rank.Length, Ct)));
        }
        Assert.Equal(ids, await Column(s.Owner, s.ProjectId, todo));
        Assert.True(maxLength <= Ranks.MaxLength);
        // Moving to the top shortens ranks by about one character per five moves: 280 moves needed a rebalance.
        Assert.True(await WithDb(db => db.Tasks.Where(t => t.ProjectId == s.ProjectId).MaxAsync(t => t.Rank.Length, Ct)) < 20);
    }

    [Fact]
    public async Task Concurrent_moves_into_a_column_that_ran_out_of_room_all_succeed_and_keep_its_order()
    {
        var s = await WorkspaceWithProject();
        var (todo, doing) = (s.StatusIds[1], s.StatusIds[2]);
        var staying = new List<Guid>();
        for (var i = 0; i < 24; i++) staying.Add(Id(await CreateTask(s.Owner, s.ProjectId, new { title = $"T{i}" })));
        var incoming = new List<Guid>();
        for (var i = 0; i < 12; i++) incoming.Add(Id(await CreateTask(s.Owner, s.ProjectId, new { title = $"D{i}", statusId = doing })));
        // The bottom of the column has no room left: the next append there rebalances the column.
        var bottom = staying[^1];
        await WithDb(db => db.Tasks.Where(t => t.Id == bottom).ExecuteUpdateAsync(u => u.SetProperty(t => t.Rank, new string('z', Ranks.MaxLength)), Ct));
        var leaving = staying.Where((_, i) => i % 4 == 1).ToList();
        staying.RemoveAll(leaving.Contains);

        // Moves into the column (each needing room at its bottom) and out of it, all at once.
        var moves = incoming.Select(id => Move(s.Owner, id, todo)).Concat(leaving.Select(id => Move(s.Owner, id, doing)));
        var answers = await Task.WhenAll(moves);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));

        var column = await Column(s.Owner, s.ProjectId, todo);
        Assert.Equal(staying, column.Take(staying.Count));
        Assert.Equal(incoming.Order(), column.Skip(staying.Count).Order());
        Assert.True(await WithDb(db => db.Tasks.Where(t => t.ProjectId == s.ProjectId).MaxAsync(t => t.Rank.Length, Ct)) < 12);
    }

    [Fact]
    public async Task Concurrent_moves_of_the_same_task_all_apply_to_its_latest_version()
    {
        var s = await WorkspaceWithProject();
        var columns = s.StatusIds.Skip(1).Take(3).ToArray();
        var task = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Dragged by many" }));
        for (var i = 0; i < 3; i++) await CreateTask(s.Owner, s.ProjectId, new { title = $"Other {i}", statusId = columns[i] });

        // A move carries no If-Match: a move that lost the race to another is applied again to the task as it is then.
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Move(s.Owner, task, columns[i % 3])));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));

        var moved = new List<JsonElement>();
        foreach (var answer in answers) moved.Add(await Json(answer));
        Assert.Equal(6, moved.Select(m => m.GetProperty("version").GetInt32()).Distinct().Count());
        Assert.Equal(6, await WithDb(db => db.Activities.CountAsync(a => a.TaskId == task && a.Field == "rank", Ct)));
        var status = moved.MaxBy(m => m.GetProperty("version").GetInt32()).GetProperty("statusId").GetGuid();
        Assert.Contains(task, await Column(s.Owner, s.ProjectId, status));
    }

    [Fact]
    public async Task Removing_a_status_moves_its_tasks_to_the_chosen_status()
    {
        var s = await WorkspaceWithProject();
        var (todo, doing) = (s.StatusIds[1], s.StatusIds[2]);
        var existing = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Doing", statusId = doing }));
        var a = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "A" }));
        var b = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "B" }));
        var removed = await s.Owner.Client.DeleteAsync($"/v1/projects/{s.ProjectId}/statuses/{todo}?moveTo={doing}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await WaitUntil(db => db.Tasks.AllAsync(t => t.ProjectId != s.ProjectId || t.StatusId == doing, Ct), "tasks to leave the removed status");
        await WaitUntil(db => db.Statuses.AnyAsync(st => st.Id == todo && st.Removed, Ct), "the status to be removed");
        Assert.Equal([existing, a, b], await Column(s.Owner, s.ProjectId, doing));
        await AssertValidation(await s.Owner.Client.PostAsJsonAsync($"/v1/projects/{s.ProjectId}/tasks", new { title = "X", statusId = todo }, Ct), "statusId");
    }
}

public sealed class SqliteBoardTests(SqliteApp app) : BoardTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresBoardTests(PostgresApp app) : BoardTests(app), IClassFixture<PostgresApp>
{
    [Fact]
    public async Task Moves_share_the_rank_lock_and_a_rebalance_waits_for_every_other_mover()
    {
        var s = await WorkspaceWithProject();
        var (todo, doing) = (s.StatusIds[1], s.StatusIds[2]);
        var a = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "A" }));
        var b = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "B" }));
        var c = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "C", statusId = doing }));

        // Another mover's open transaction: a move still goes through at once.
        await using (var mover = await HoldRankLock(s.ProjectId, shared: true))
        {
            var moved = await Move(s.Owner, b, todo, before: a).WaitAsync(TimeSpan.FromSeconds(20), Ct);
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        }
        Assert.Equal([b, a], await Column(s.Owner, s.ProjectId, todo));

        // A move that needs a rebalance waits until the other mover's transaction ends, then rebalances and lands.
        await WithDb(db => db.Tasks.Where(t => t.Id == a).ExecuteUpdateAsync(u => u.SetProperty(t => t.Rank, new string('z', Ranks.MaxLength)), Ct));
        Task<HttpResponseMessage> rebalancing;
        await using (var mover = await HoldRankLock(s.ProjectId, shared: true))
        {
            rebalancing = Move(s.Owner, c, todo);
            // The positive signal: the move's transaction is queued behind the shared holder on the advisory lock.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (await WithDb(db => db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())").SingleAsync(Ct)) == 0)
            {
                Assert.False(rebalancing.IsCompleted, "the rebalancing move must wait for the shared holder");
                Assert.True(DateTime.UtcNow < deadline, "the rebalancing move never queued for the exclusive rank lock");
                await Task.Delay(20, Ct);
            }
            Assert.False(rebalancing.IsCompleted, "the rebalancing move must wait for the shared holder");
        }
        Assert.Equal(HttpStatusCode.OK, (await rebalancing.WaitAsync(TimeSpan.FromSeconds(20), Ct)).StatusCode);
        Assert.Equal([b, a, c], await Column(s.Owner, s.ProjectId, todo));
        Assert.True(await WithDb(db => db.Tasks.Where(t => t.ProjectId == s.ProjectId).MaxAsync(t => t.Rank.Length, Ct)) < 5);
    }

    /// <summary>A transaction on its own connection holding the project's rank lock until disposed.</summary>
    async Task<IAsyncDisposable> HoldRankLock(Guid projectId, bool shared)
    {
        var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.TasksDb>();
        var transaction = await db.Database.BeginTransactionAsync(Ct);
        await Ranks.LockAsync(db, projectId, Ct, shared);
        return new Releaser(async () =>
        {
            await transaction.DisposeAsync();
            await scope.DisposeAsync();
        });
    }

    sealed class Releaser(Func<Task> release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await release();
    }
}
