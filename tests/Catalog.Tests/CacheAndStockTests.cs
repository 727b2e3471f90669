using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Inventory.Contracts;

namespace TaskFlow.Catalog.Tests;

/// <summary>Cached reads are never stale after an acknowledged write; stock comes from inventory's StockChanged events.</summary>
public abstract class CacheAndStockTests(ShopApp app) : CatalogTestBase(app)
{
    [Fact]
    public async Task Every_acknowledged_write_shows_in_the_very_next_read_of_a_cached_product_and_list()
    {
        var category = Unique("Cached");
        await CreateCategory(category);
        var product = await CreateProduct(category, "Original", 10m, stock: 5);
        var id = product.GetProperty("id").GetGuid();
        var one = $"/v1/products/{id}";
        var list = $"/v1/products?category={category}";
        var admin = Admin();

        async Task Warm()
        {
            for (var i = 0; i < 3; i++)
            {
                await GetJson(one);
                await GetJson(list);
            }
        }

        await Warm();
        Assert.Equal(HttpStatusCode.OK, (await Send(admin, HttpMethod.Patch, one, new { name = "Renamed" })).StatusCode);
        Assert.Equal("Renamed", (await GetJson(one)).GetProperty("name").GetString());
        Assert.Equal(["Renamed"], (await Names(list)).ToArray());

        await Warm();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync(one, new { name = "Replaced", price = 11m, category }, Ct)).StatusCode);
        Assert.Equal("11.00", (await GetJson(one)).GetProperty("price").GetRawText());
        Assert.Equal(["Replaced"], (await Names(list)).ToArray());

        await Warm();
        await CreateProduct(category, "Second", 1m);
        Assert.Equal(2, (await GetJson(list)).GetProperty("metadata").GetProperty("total").GetInt32());

        await Warm();
        // Far ahead of the versions inventory itself publishes for this product meanwhile.
        await Deliver(new StockChanged(id, 40, 3, 37, 100));
        Assert.Equal(37, (await GetJson(one)).GetProperty("stock_quantity").GetInt32());
        Assert.Equal(37, (await GetJson(list)).GetProperty("data").EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == id).GetProperty("stock_quantity").GetInt32());

        await Warm();
        var renamedCategory = Unique("Renamed");
        var categoryId = (await GetJson("/v1/categories")).GetProperty("data").EnumerateArray().Single(c => c.GetProperty("name").GetString() == category).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/v1/categories/{categoryId}", new { name = renamedCategory }, Ct)).StatusCode);
        Assert.Equal(renamedCategory, (await GetJson(one)).GetProperty("category").GetString());

        await Warm();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(one, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Anonymous().GetAsync(one, Ct)).StatusCode);
        Assert.Equal(["Second"], (await Names($"/v1/products?category={renamedCategory}")).ToArray());
    }

    static bool IsProductCount(string sql) =>
        sql.Contains("count(*)", StringComparison.OrdinalIgnoreCase) && sql.Contains("products", StringComparison.Ordinal) && !sql.Contains("outbox", StringComparison.Ordinal);

    static bool IsProductRead(string sql) => sql.Contains("products", StringComparison.Ordinal) && !sql.Contains("outbox", StringComparison.Ordinal);

    [Fact]
    public async Task A_burst_of_identical_misses_costs_one_query()
    {
        var category = Unique("Burst");
        var categoryId = (await CreateCategory(category)).GetProperty("id").GetString()!;
        var id = (await CreateProduct(category, "Popular")).GetProperty("id").GetString()!;
        // Inventory answers ProductCreated with StockChanged, which raises the catalog version: let it land first.
        var waitForStock = DateTime.UtcNow.AddSeconds(15);
        while (!await WithDb(db => db.Stock.AnyAsync(s => s.ProductId == Guid.Parse(id) && s.Version > 0, Ct)))
        {
            Assert.True(DateTime.UtcNow < waitForStock, "Inventory's StockChanged did not reach the catalog.");
            await Task.Delay(50, Ct);
        }
        App.Commands.Reset();

        // 20 concurrent reads of one product nobody has read at this catalog version: one query of that product.
        var reads = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Anonymous().GetAsync($"/v1/products/{id}", Ct)));
        Assert.All(reads, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var productQueries = App.Commands.With(IsProductRead, id);
        Assert.True(productQueries.Count == 1, $"Expected one query of the product, ran {productQueries.Count}:\n" + string.Join("\n", App.Commands.All()));

        // The same for a list page: its products are counted and read once (the count and the page, one each).
        var path = $"/v1/products?category={category}&limit=7";
        var pages = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Anonymous().GetAsync(path, Ct)));
        Assert.All(pages, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var counts = App.Commands.With(IsProductCount, categoryId);
        Assert.True(counts.Count == 1, $"Expected one count of the category's products, ran {counts.Count}:\n" + string.Join("\n", App.Commands.All()));
        // Besides, only the catalog version is read (one primary-key query), at most once per request: concurrent
        // requests share a read that started after they arrived (CoalescedReadTests).
        var versionReads = App.Commands.All().Count(sql => sql.Contains("catalog_state", StringComparison.Ordinal) && !sql.Contains("UPDATE", StringComparison.Ordinal));
        Assert.InRange(versionReads, 1, 40);
    }

    [Fact]
    public async Task A_product_read_cached_as_missing_appears_once_created()
    {
        var category = Unique("Late");
        await CreateCategory(category);
        Assert.Empty(await Names($"/v1/products?category={category}"));
        await CreateProduct(category, "Arrived");
        Assert.Equal(["Arrived"], (await Names($"/v1/products?category={category}")).ToArray());
    }

    [Fact]
    public async Task Stock_follows_inventory_events_and_never_goes_back_to_an_older_version()
    {
        var category = Unique("Stock");
        await CreateCategory(category);
        var id = (await CreateProduct(category, "Counted", 3m, stock: 10)).GetProperty("id").GetGuid();
        var path = $"/v1/products/{id}";
        Assert.Equal(10, (await GetJson(path)).GetProperty("stock_quantity").GetInt32());

        await Deliver(new StockChanged(id, 10, 0, 10, 1) { Cause = "initial" });
        await Deliver(new StockChanged(id, 10, 4, 6, 3) { Cause = "reserved" });
        Assert.Equal(6, (await GetJson(path)).GetProperty("stock_quantity").GetInt32());
        // Version 2 arrives late: ignored.
        await Deliver(new StockChanged(id, 10, 2, 8, 2) { Cause = "reserved" });
        Assert.Equal(6, (await GetJson(path)).GetProperty("stock_quantity").GetInt32());
        // The same message twice is applied once (inbox).
        var sold = new StockChanged(id, 6, 0, 0, 4) { Cause = "committed" };
        await Deliver(sold);
        await Deliver(sold);
        Assert.Equal(0, (await GetJson(path)).GetProperty("stock_quantity").GetInt32());
        Assert.DoesNotContain("Counted", await Names($"/v1/products?category={category}&in_stock=true"));
    }

    [Fact]
    public async Task Stock_of_a_product_the_catalog_does_not_know_yet_is_kept_for_it()
    {
        var id = Guid.NewGuid();
        await Deliver(new StockChanged(id, 5, 0, 5, 1));
        var category = Unique("Early");
        await CreateCategory(category);
        Assert.Equal(HttpStatusCode.NotFound, (await Anonymous().GetAsync($"/v1/products/{id}", Ct)).StatusCode);
    }
}

public sealed class SqliteCacheAndStockTests(SqliteShopApp app) : CacheAndStockTests(app), IClassFixture<SqliteShopApp>;

public sealed class PostgresCacheAndStockTests(PostgresShopApp app) : CacheAndStockTests(app), IClassFixture<PostgresShopApp>;
