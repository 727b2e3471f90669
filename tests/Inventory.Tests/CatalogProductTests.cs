using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace TaskFlow.Inventory.Tests;

/// <summary>Inventory with the catalog in the shop all-in-one: products open their stock, stock changes show at once.</summary>
public abstract class CatalogProductTests(InventoryApp app) : InventoryTestBase(app)
{
    async Task<Guid> CatalogProduct(int stockQuantity)
    {
        var category = "Cat " + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Created, (await Admin().PostAsJsonAsync("/v1/categories", new { name = category }, Ct)).StatusCode);
        var created = await Admin().PostAsJsonAsync("/v1/products", new { name = "Smartphone X", price = 999.99m, category, stock_quantity = stockQuantity }, Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        return (await Json(created)).GetProperty("id").GetGuid();
    }

    async Task<int> CatalogStock(Guid productId) =>
        (await Anonymous().GetFromJsonAsync<JsonElement>($"/v1/products/{productId}", Ct)).GetProperty("stock_quantity").GetInt32();

    [Fact]
    public async Task A_product_created_in_the_catalog_opens_its_stock_with_the_initial_quantity()
    {
        var id = await CatalogProduct(7);
        // The catalog's 201 waited for the in-process consumers, inventory included.
        var stock = await Stock(id);
        Assert.Equal((7, 0, 7), Numbers(stock));
        Assert.Equal(1, stock.GetProperty("version").GetInt64());
        var entry = Assert.Single(await Ledger(id));
        Assert.Equal("initial", entry.GetProperty("reason").GetString());
        Assert.Equal(7, entry.GetProperty("quantity").GetInt32());
        Assert.Single(await OutboxStockChanged(id));
    }

    [Fact]
    public async Task After_a_2xx_stock_change_the_next_product_read_shows_the_new_stock()
    {
        var id = await CatalogProduct(10);
        Assert.Equal(10, await CatalogStock(id));

        await Adjust(id, 5, "receiving");
        Assert.Equal(15, await CatalogStock(id));
        var reservation = await Reserve(id, 4);
        Assert.Equal(11, await CatalogStock(id));
        Assert.Equal(HttpStatusCode.OK, (await Checkout().PostAsync($"/v1/inventory/reservations/{reservation.GetProperty("id").GetGuid()}/release", null, Ct)).StatusCode);
        Assert.Equal(15, await CatalogStock(id));
        Assert.Equal(HttpStatusCode.OK, (await Admin().PutAsJsonAsync($"/v1/inventory/{id}", new { on_hand = 2 }, Ct)).StatusCode);
        Assert.Equal(2, await CatalogStock(id));
    }

    [Fact]
    public async Task A_product_withdrawn_from_the_catalog_takes_no_new_reservations()
    {
        var id = await CatalogProduct(5);
        var held = await Reserve(id, 2);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin().DeleteAsync($"/v1/products/{id}", Ct)).StatusCode);
        await WaitUntil(() => WithDb(db => db.Stock.AnyAsync(s => s.ProductId == id && s.WithdrawnAt != null, Ct)), "inventory to hear of the withdrawal");
        await AssertProblem(await Checkout().PostAsJsonAsync("/v1/inventory/reservations", ReserveBody(id, 1), Ct), HttpStatusCode.Conflict, "product-withdrawn");
        // What was held can still be committed.
        Assert.Equal(HttpStatusCode.OK, (await Checkout().PostAsync($"/v1/inventory/reservations/{held.GetProperty("id").GetGuid()}/commit", null, Ct)).StatusCode);
        Assert.Equal((3, 0, 3), Numbers(await Stock(id)));
    }
}

public sealed class SqliteCatalogProductTests(SqliteInventoryApp app) : CatalogProductTests(app), IClassFixture<SqliteInventoryApp>;

public sealed class PostgresCatalogProductTests(PostgresInventoryApp app) : CatalogProductTests(app), IClassFixture<PostgresInventoryApp>;
