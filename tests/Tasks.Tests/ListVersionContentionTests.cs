using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Tasks.Data;
using TaskFlow.Tasks.Features;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>
/// Writers of one project must not queue behind each other's list-version bump (ADR 0043: every move and create locked
/// the project row from its save until its COMMIT), and the list cache must still show every committed write in the next
/// read (read-your-writes). The first writer is held open in the test after its save (with the bump in the save's batch,
/// as a move or create sends it); the second must finish while the first has not committed. PostgreSQL only: SQLite
/// has one writer at a time by design.
/// </summary>
public sealed class PostgresListVersionContentionTests(PostgresApp app) : TasksTestBase(app), IClassFixture<PostgresApp>
{
    /// <summary>An upper bound only: a save or a move that is not blocked finishes far sooner, even on a loaded machine.</summary>
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    Task<Dictionary<int, long>> Slots(Guid projectId) =>
        WithDb(db => db.ListVersionSlots.AsNoTracking().Where(v => v.ProjectId == projectId).ToDictionaryAsync(v => v.Slot, v => v.Version, Ct));

    /// <summary>The one slot raised between two readings of a project's slots.</summary>
    static int Raised(Dictionary<int, long> before, Dictionary<int, long> after) =>
        Assert.Single(after, slot => !before.TryGetValue(slot.Key, out var version) || version != slot.Value).Key;

    static async Task<string?[]> Titles(User user, string path)
    {
        var page = await user.Client.GetFromJsonAsync<JsonElement>(path, Ct);
        return [.. page.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("title").GetString())];
    }

    /// <summary>
    /// A writer as a move or create runs it: a transaction whose save carries the list-version bump in its batch
    /// (<see cref="TasksDb.FoldListVersions"/>), taking the project's rank lock shared first when <paramref name="rankLock"/>, with a lock timeout of 5 s when
    /// <paramref name="lockTimeout"/>.
    /// Returns once the save is done; the caller commits or disposes (rolls back).
    /// </summary>
    async Task<Writer> Save(Guid projectId, Guid taskId, string title, bool rankLock = false, bool lockTimeout = false)
    {
        var scope = App.Services.CreateAsyncScope();
        try
        {
            var db = scope.ServiceProvider.GetRequiredService<TasksDb>();
            var transaction = await db.Database.BeginTransactionAsync(Ct);
            if (lockTimeout) await db.Database.ExecuteSqlRawAsync("SET LOCAL lock_timeout = '5s'", Ct);
            if (rankLock) await Ranks.LockAsync(db, projectId, Ct, shared: true);
            var task = await db.Tasks.SingleAsync(t => t.Id == taskId, Ct);
            task.Title = title;
            task.Version++;
            db.FoldListVersions = true;
            await db.SaveChangesAsync(Ct);
            return new Writer(scope, transaction);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    sealed class Writer(AsyncServiceScope scope, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction) : IAsyncDisposable
    {
        public Task Commit() => transaction.CommitAsync(Ct);

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await scope.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_save_does_not_wait_for_another_writer_of_the_project_that_has_not_committed()
    {
        var s = await WorkspaceWithProject();
        var first = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "First" }));
        var second = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Second" }));
        var list = $"/v1/projects/{s.ProjectId}/tasks?sort=key";
        Assert.Equal(["First", "Second"], await Titles(s.Owner, list));

        var slots = await Slots(s.ProjectId);
        int heldSlot, otherSlot;
        await using (var held = await Save(s.ProjectId, first, "First, held"))
        {
            // Before: PostgreSQL refused this save after the lock timeout (55P03), waiting for the held writer's project row.
            await using (var other = await Save(s.ProjectId, second, "Second, saved", lockTimeout: true).WaitAsync(Bound, Ct))
                await other.Commit();
            var afterOther = await Slots(s.ProjectId);
            otherSlot = Raised(slots, afterOther);

            // The committed write shows in the next read of the cached list; the open one does not.
            Assert.Equal(["First", "Second, saved"], await Titles(s.Owner, list));
            Assert.Equal(["First", "Second, saved"], await Titles(s.Owner, list));
            await held.Commit();
            heldSlot = Raised(afterOther, await Slots(s.ProjectId));
        }
        // The first writer committed after the second, in another slot: the page cached in between is not served.
        Assert.NotEqual(otherSlot, heldSlot);
        Assert.Equal(["First, held", "Second, saved"], await Titles(s.Owner, list));
    }

    [Fact]
    public async Task A_move_does_not_wait_for_a_move_of_another_task_that_has_not_committed()
    {
        var s = await WorkspaceWithProject();
        var held = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Held", statusId = s.StatusIds[0] }));
        var moved = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Moved", statusId = s.StatusIds[0] }));
        var target = $"/v1/projects/{s.ProjectId}/tasks?status={s.StatusIds[1]}&sort=rank";
        var all = $"/v1/projects/{s.ProjectId}/tasks?sort=key";
        Assert.Empty(await Titles(s.Owner, target));
        Assert.Equal(["Held", "Moved"], await Titles(s.Owner, all));

        Task<HttpResponseMessage>? move = null;
        await using (var writer = await Save(s.ProjectId, held, "Held, renamed", rankLock: true))
        {
            try
            {
                move = s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{moved}/move", new { statusId = s.StatusIds[1] }, Ct);
                // Before: the move waited for the held writer's COMMIT (the project row), so this bound ran out.
                Assert.Equal(HttpStatusCode.OK, (await move.WaitAsync(Bound, Ct)).StatusCode);
                Assert.Equal(["Moved"], await Titles(s.Owner, target));
                Assert.Equal(["Held", "Moved"], await Titles(s.Owner, all));
                await writer.Commit();
            }
            catch
            {
                // Let a blocked move finish (the held writer rolls back on dispose) before the fixture goes on.
                await writer.DisposeAsync();
                if (move is not null) await move.ContinueWith(_ => { }, TaskScheduler.Default);
                throw;
            }
        }
        Assert.Equal(["Held, renamed", "Moved"], await Titles(s.Owner, all));
    }

    [Fact]
    public async Task Concurrent_moves_of_different_tasks_of_one_project_all_land_and_show_in_the_next_read()
    {
        var s = await WorkspaceWithProject();
        var ids = new List<Guid>();
        for (var i = 0; i < 8; i++) ids.Add(Id(await CreateTask(s.Owner, s.ProjectId, new { title = $"Task {i}", statusId = s.StatusIds[0] })));
        var target = $"/v1/projects/{s.ProjectId}/tasks?status={s.StatusIds[1]}&sort=rank";
        Assert.Empty(await Titles(s.Owner, target));

        var moves = await Task.WhenAll(ids.Select(id => s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{id}/move", new { statusId = s.StatusIds[1] }, Ct)));

        Assert.All(moves, m => Assert.Equal(HttpStatusCode.OK, m.StatusCode));
        Assert.Equal(ids.Count, (await Titles(s.Owner, target)).Length);
    }
}
