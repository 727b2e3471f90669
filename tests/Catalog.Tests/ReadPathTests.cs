using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Catalog.Features;

namespace TaskFlow.Catalog.Tests;

/// <summary>
/// What an uncached list page costs the database (issue 20's list target): the round trips of one request, counted by
/// the catalog's command log within that request's trace. Besides the catalog version, a page of a filter whose counts
/// are known costs one query; a new filter one more (its counts, which are also its facets); the category tree is not
/// read again while the catalog version stands.
/// </summary>
public abstract class ReadPathTests(ShopApp app) : CatalogTestBase(app)
{
    [Fact]
    public async Task An_uncached_page_of_an_already_counted_filter_costs_the_version_and_the_page()
    {
        var category = await CategoryWithProducts(5);
        await GetJson($"/v1/products?category={category}&limit=2&offset=0");

        var (page, commands) = await Measured($"/v1/products?category={category}&limit=2&offset=2");

        Assert.Equal(5, page.GetProperty("metadata").GetProperty("total").GetInt32());
        Assert.Equal(2, page.GetProperty("data").GetArrayLength());
        Assert.True(commands.Count == 2, $"Expected the version and the page, ran {commands.Count}:\n{string.Join("\n--\n", commands)}");
    }

    [Fact]
    public async Task A_new_filter_costs_one_grouped_count_that_gives_both_the_total_and_the_facets()
    {
        var category = await CategoryWithProducts(3);
        // Loads the category tree at this catalog version (another filter).
        await GetJson($"/v1/products?category={category}&limit=1&max_price=1000");

        var (page, commands) = await Measured($"/v1/products?category={category}&limit=2&facets=category");

        var metadata = page.GetProperty("metadata");
        Assert.Equal(3, metadata.GetProperty("total").GetInt32());
        Assert.Equal(3, metadata.GetProperty("facets").GetProperty("category").EnumerateArray().Single().GetProperty("count").GetInt32());
        Assert.True(commands.Count == 3, $"Expected the version, the counts and the page, ran {commands.Count}:\n{string.Join("\n--\n", commands)}");
        Assert.Single(commands, sql => sql.Contains("count(*)", StringComparison.OrdinalIgnoreCase));

        // The same filter without facets, another page size: the counts are known.
        var (_, again) = await Measured($"/v1/products?category={category}&limit=3");
        Assert.DoesNotContain(again, sql => sql.Contains("count(*)", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Counts_cached_for_a_filter_follow_every_acknowledged_write()
    {
        var category = await CategoryWithProducts(2);
        var path = $"/v1/products?category={category}&limit=1&offset=1&facets=category";
        Assert.Equal(2, (await GetJson(path)).GetProperty("metadata").GetProperty("total").GetInt32());

        await CreateProduct(category, "Third", 5m);
        var page = await GetJson($"/v1/products?category={category}&limit=1&offset=2&facets=category");
        Assert.Equal(3, page.GetProperty("metadata").GetProperty("total").GetInt32());
        Assert.Equal(3, page.GetProperty("metadata").GetProperty("facets").GetProperty("category")[0].GetProperty("count").GetInt32());
        Assert.Equal(3, (await GetJson(path)).GetProperty("metadata").GetProperty("total").GetInt32());
    }

    /// <summary>A new category with <paramref name="count"/> products, once inventory's answers have landed.</summary>
    async Task<string> CategoryWithProducts(int count)
    {
        var category = Unique("Paged");
        await CreateCategory(category);
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++) ids.Add((await CreateProduct(category, $"Item {i}", 10m + i)).GetProperty("id").GetGuid());
        // Inventory answers each ProductCreated with StockChanged, which raises the catalog version: wait for them, so the
        // version stands during the measured requests.
        var until = DateTime.UtcNow.AddSeconds(15);
        while (await WithDb(db => db.Stock.CountAsync(s => ids.Contains(s.ProductId) && s.Version > 0, Ct)) < count)
        {
            Assert.True(DateTime.UtcNow < until, "Inventory's StockChanged did not reach the catalog.");
            await Task.Delay(50, Ct);
        }
        return category;
    }

    /// <summary>
    /// GET <paramref name="path"/> and the catalog's commands meanwhile, less the outbox relay's polls (the only other
    /// work of this app once the stock events have landed). Not by trace: HybridCache runs a miss's factory outside the
    /// request's flow, so the page's queries carry no trace of the request.
    /// </summary>
    async Task<(JsonElement Body, List<string> Commands)> Measured(string path)
    {
        App.Commands.Reset();
        var response = await Anonymous().GetAsync(path, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var commands = App.Commands.All().Where(sql => !sql.Contains("outbox", StringComparison.OrdinalIgnoreCase) && !sql.Contains("inbox", StringComparison.OrdinalIgnoreCase)).ToList();
        return (await Json(response), commands);
    }
}

public sealed class SqliteReadPathTests(SqliteShopApp app) : ReadPathTests(app), IClassFixture<SqliteShopApp>;

public sealed class PostgresReadPathTests(PostgresShopApp app) : ReadPathTests(app), IClassFixture<PostgresShopApp>;

/// <summary>The shared version read: as fresh as a read of one's own, and one read for a burst.</summary>
public sealed class CoalescedReadTests
{
    [Fact]
    public async Task Callers_arriving_during_a_read_get_the_next_read_never_the_running_one()
    {
        var started = 0;
        var reads = new List<TaskCompletionSource<long>>();
        var read = new CoalescedRead<long>(_ =>
        {
            var tcs = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (reads) reads.Add(tcs);
            Interlocked.Increment(ref started);
            return tcs.Task;
        });
        var ct = TestContext.Current.CancellationToken;

        var first = read.Read(ct);
        var later = Enumerable.Range(0, 10).Select(_ => read.Read(ct)).ToList();
        Assert.Equal(1, Volatile.Read(ref started));

        // The running read began before the later callers arrived: a write acknowledged in between may be missing from it.
        reads[0].SetResult(1);
        Assert.Equal(1, await first);
        await WaitUntil(() => Volatile.Read(ref started) == 2);
        Assert.All(later, t => Assert.False(t.IsCompleted));

        reads[1].SetResult(2);
        Assert.All(await Task.WhenAll(later), v => Assert.Equal(2, v));
        Assert.Equal(2, Volatile.Read(ref started));

        // Idle again: the next caller starts a read of its own.
        var next = read.Read(ct);
        await WaitUntil(() => Volatile.Read(ref started) == 3);
        reads[2].SetResult(3);
        Assert.Equal(3, await next);
    }

    [Fact]
    public async Task A_failed_read_fails_its_callers_and_the_next_caller_reads_again()
    {
        var calls = 0;
        var read = new CoalescedRead<long>(_ => Interlocked.Increment(ref calls) == 1 ? Task.FromException<long>(new InvalidOperationException("down")) : Task.FromResult(7L));
        var ct = TestContext.Current.CancellationToken;

        await Assert.ThrowsAsync<InvalidOperationException>(() => read.Read(ct));
        Assert.Equal(7, await read.Read(ct));
    }

    static async Task WaitUntil(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "Condition not reached within 10 s.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
