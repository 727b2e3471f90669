using Microsoft.EntityFrameworkCore;

namespace TaskFlow.Catalog.Tests;

/// <summary>SQLite's FTS5 search table is kept by triggers that find a product's search row by rowid, never by a scan.</summary>
public sealed class SqliteSearchIndexTests(SqliteShopApp app) : CatalogTestBase(app), IClassFixture<SqliteShopApp>
{
    [Fact]
    public async Task The_search_triggers_find_a_products_row_by_rowid_through_an_index()
    {
        var triggers = await WithDb(db => db.Database.SqlQueryRaw<string>("SELECT sql AS Value FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'products_fts_%'").ToListAsync(Ct));
        Assert.Equal(3, triggers.Count);
        // product_id is an UNINDEXED column of the FTS table: a WHERE on it reads every row.
        Assert.All(triggers, sql => Assert.DoesNotContain("FROM products_fts WHERE product_id", sql, StringComparison.OrdinalIgnoreCase));
        Assert.All(triggers.Where(sql => sql.Contains("DELETE FROM products_fts ", StringComparison.Ordinal)),
            sql => Assert.Contains("DELETE FROM products_fts WHERE rowid = (SELECT fts_rowid FROM products_fts_ids WHERE product_id = old.id)", sql, StringComparison.Ordinal));
        var plan = await WithDb(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN SELECT fts_rowid FROM products_fts_ids WHERE product_id = 'x'";
            await using var reader = await command.ExecuteReaderAsync(Ct);
            var steps = new List<string>();
            while (await reader.ReadAsync(Ct)) steps.Add(reader.GetString(3));
            return steps;
        });
        Assert.Contains(plan, step => step.StartsWith("SEARCH products_fts_ids USING", StringComparison.Ordinal) && step.Contains("INDEX", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_follows_renames_and_deletes_also_after_a_vacuum()
    {
        var category = Unique("Vacuum");
        await CreateCategory(category);
        var word = Unique("zebra");
        var keep = (await CreateProduct(category, $"{word} keeper")).GetProperty("id").GetString()!;
        var renamed = (await CreateProduct(category, $"{word} renamed")).GetProperty("id").GetString()!;
        var deleted = (await CreateProduct(category, $"{word} deleted")).GetProperty("id").GetString()!;
        await WithDb(db => db.Database.ExecuteSqlRawAsync("VACUUM", Ct));

        Assert.True((await Send(Admin(), HttpMethod.Patch, $"/v1/products/{renamed}", new { name = "Quokka plush" })).IsSuccessStatusCode);
        Assert.True((await Send(Admin(), HttpMethod.Delete, $"/v1/products/{deleted}")).IsSuccessStatusCode);
        await WithDb(db => db.Database.ExecuteSqlRawAsync("DELETE FROM products WHERE id = {0}", deleted.ToUpperInvariant()));

        Assert.Equal([$"{word} keeper"], await Names($"/v1/products?search={word}"));
        Assert.Contains("Quokka plush", await Names($"/v1/products?search=quokk&category={category}"));
        var orphans = await WithDb(db => db.Database.SqlQueryRaw<int>("SELECT count(*) AS Value FROM products_fts WHERE rowid NOT IN (SELECT fts_rowid FROM products_fts_ids)").SingleAsync(Ct));
        Assert.Equal(0, orphans);
        _ = keep;
    }
}
