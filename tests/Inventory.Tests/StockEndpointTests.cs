using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace TaskFlow.Inventory.Tests;

public abstract class StockEndpointTests(InventoryApp app) : InventoryTestBase(app)
{
    [Fact]
    public async Task Put_creates_a_products_stock_and_get_shows_on_hand_reserved_and_available_in_snake_case()
    {
        var id = Guid.NewGuid();
        var created = await Admin().PutAsJsonAsync($"/v1/inventory/{id}", new { on_hand = 150, note = "Opening count" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/v1/inventory/{id}", created.Headers.Location?.OriginalString);

        var stock = await Stock(id);
        Assert.Equal(["available", "on_hand", "product_id", "reserved", "updated_at", "version"], stock.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(id, stock.GetProperty("product_id").GetGuid());
        Assert.Equal((150, 0, 150), Numbers(stock));
        Assert.Equal(1, stock.GetProperty("version").GetInt64());

        var entry = Assert.Single(await Ledger(id));
        Assert.Equal("initial", entry.GetProperty("reason").GetString());
        Assert.Equal(150, entry.GetProperty("quantity").GetInt32());
        Assert.Equal("Opening count", entry.GetProperty("note").GetString());
        Assert.Equal(AdminUser.Id, entry.GetProperty("actor_id").GetGuid());
    }

    [Fact]
    public async Task Put_on_existing_stock_sets_on_hand_and_records_the_difference_as_a_correction()
    {
        var id = await Product(20);
        var set = await Admin().PutAsJsonAsync($"/v1/inventory/{id}", new { on_hand = 12 }, Ct);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal((12, 0, 12), Numbers(await Json(set)));

        // The same value again changes nothing: no ledger entry, no new version.
        var same = await Admin().PutAsJsonAsync($"/v1/inventory/{id}", new { on_hand = 12 }, Ct);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(2, (await Json(same)).GetProperty("version").GetInt64());

        var ledger = await Ledger(id);
        Assert.Equal(["correction", "initial"], ledger.Select(e => e.GetProperty("reason").GetString()));
        Assert.Equal(-8, ledger[0].GetProperty("quantity").GetInt32());
        Assert.Equal(12, ledger[0].GetProperty("on_hand_after").GetInt32());
    }

    [Fact]
    public async Task Get_of_a_product_without_stock_is_404_problem_details()
    {
        await AssertProblem(await Customer().GetAsync($"/v1/inventory/{Guid.NewGuid()}", Ct), HttpStatusCode.NotFound, "stock-not-found");
        await AssertProblem(await Admin().GetAsync($"/v1/inventory/{Guid.NewGuid()}/ledger", Ct), HttpStatusCode.NotFound, "stock-not-found");
        // Not a UUID: no such resource either, still problem details.
        await AssertProblem(await Customer().GetAsync("/v1/inventory/prod_123", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Adjustments_change_on_hand_and_the_ledger_adds_up_to_on_hand()
    {
        var id = await Product(10);
        var received = await Adjust(id, 40, "receiving");
        Assert.Equal(50, received.GetProperty("stock").GetProperty("on_hand").GetInt32());
        Assert.Equal("receiving", received.GetProperty("entry").GetProperty("reason").GetString());
        Assert.Equal(50, received.GetProperty("entry").GetProperty("on_hand_after").GetInt32());
        await Adjust(id, -3, "damage");
        await Adjust(id, -2, "correction");
        await Adjust(id, 1, "correction");

        // A committed reservation is a sale in the ledger; a released one changes on hand not at all.
        var sold = await Reserve(id, 5);
        Assert.Equal(HttpStatusCode.OK, (await Checkout().PostAsync($"/v1/inventory/reservations/{sold.GetProperty("id").GetGuid()}/commit", null, Ct)).StatusCode);
        var released = await Reserve(id, 4);
        Assert.Equal(HttpStatusCode.OK, (await Checkout().PostAsync($"/v1/inventory/reservations/{released.GetProperty("id").GetGuid()}/release", null, Ct)).StatusCode);
        await Admin().PutAsJsonAsync($"/v1/inventory/{id}", new { on_hand = 30 }, Ct);

        var stock = await Stock(id);
        var ledger = await Ledger(id);
        Assert.Equal((30, 0, 30), Numbers(stock));
        Assert.Equal(30, ledger.Sum(e => e.GetProperty("quantity").GetInt32()));
        Assert.Equal(["correction", "sale", "correction", "correction", "damage", "receiving", "initial"], ledger.Select(e => e.GetProperty("reason").GetString()));
        var sale = ledger[1];
        Assert.Equal(-5, sale.GetProperty("quantity").GetInt32());
        Assert.Equal(sold.GetProperty("id").GetGuid(), sale.GetProperty("reservation_id").GetGuid());
        Assert.Equal(sold.GetProperty("order_id").GetGuid(), sale.GetProperty("order_id").GetGuid());
        // Each entry's on_hand_after is the running sum, and the newest is on hand.
        var running = 0;
        foreach (var entry in ledger.AsEnumerable().Reverse())
        {
            running += entry.GetProperty("quantity").GetInt32();
            Assert.Equal(running, entry.GetProperty("on_hand_after").GetInt32());
        }

        var one = await Admin().GetAsync($"/v1/inventory/{id}/ledger/{ledger[0].GetProperty("id").GetGuid()}", Ct);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        await AssertProblem(await Admin().GetAsync($"/v1/inventory/{id}/ledger/{Guid.NewGuid()}", Ct), HttpStatusCode.NotFound, "ledger-entry-not-found");
    }

    [Fact]
    public async Task The_first_adjustment_of_an_unknown_product_creates_its_stock()
    {
        var id = Guid.NewGuid();
        var response = await Admin().PostAsJsonAsync($"/v1/inventory/{id}/adjustments", new { quantity = 7, reason = "receiving" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var received = await Json(response);
        Assert.Equal(7, received.GetProperty("stock").GetProperty("on_hand").GetInt32());
        Assert.Equal(1, received.GetProperty("stock").GetProperty("version").GetInt64());
        var entry = await Admin().GetAsync(response.Headers.Location, Ct);
        Assert.Equal(HttpStatusCode.OK, entry.StatusCode);
        Assert.Equal(7, (await Json(entry)).GetProperty("quantity").GetInt32());
        // Taking away from nothing is refused and creates nothing.
        var nothing = Guid.NewGuid();
        await AssertProblem(await Admin().PostAsJsonAsync($"/v1/inventory/{nothing}/adjustments", new { quantity = -1, reason = "correction" }, Ct), HttpStatusCode.Conflict, "below-reserved");
        await AssertProblem(await Customer().GetAsync($"/v1/inventory/{nothing}", Ct), HttpStatusCode.NotFound, "stock-not-found");
    }

    [Fact]
    public async Task On_hand_cannot_fall_below_what_is_reserved_and_a_refused_change_changes_nothing()
    {
        var id = await Product(10);
        await Reserve(id, 6);
        var refused = await AssertProblem(await Admin().PostAsJsonAsync($"/v1/inventory/{id}/adjustments", new { quantity = -5, reason = "damage" }, Ct), HttpStatusCode.Conflict, "below-reserved");
        Assert.Equal(6, refused.GetProperty("reserved").GetInt32());
        await AssertProblem(await Admin().PutAsJsonAsync($"/v1/inventory/{id}", new { on_hand = 5 }, Ct), HttpStatusCode.Conflict, "below-reserved");
        await Adjust(id, -4, "damage");

        var stock = await Stock(id);
        Assert.Equal((6, 6, 0), Numbers(stock));
        Assert.Equal(3, stock.GetProperty("version").GetInt64());
        Assert.Equal(2, (await Ledger(id)).Count);
    }

    [Fact]
    public async Task Invalid_adjustments_are_400_naming_each_field()
    {
        var id = await Product(10);
        var path = $"/v1/inventory/{id}/adjustments";
        await AssertValidation(await Admin().PostAsJsonAsync(path, new { }, Ct), "quantity", "reason");
        await AssertValidation(await Admin().PostAsJsonAsync(path, new { quantity = 0, reason = "receiving" }, Ct), "quantity");
        await AssertValidation(await Admin().PostAsJsonAsync(path, new { quantity = -1, reason = "receiving" }, Ct), "quantity");
        await AssertValidation(await Admin().PostAsJsonAsync(path, new { quantity = 1, reason = "damage" }, Ct), "quantity");
        await AssertValidation(await Admin().PostAsJsonAsync(path, new { quantity = 2_000_000, reason = "correction" }, Ct), "quantity");
        await AssertValidation(await Admin().PostAsJsonAsync(path, new { quantity = 1, reason = "theft" }, Ct), "reason");
        await AssertValidation(await Admin().PostAsJsonAsync(path, new { quantity = 1, reason = "receiving", note = new string('x', 501) }, Ct), "note");
        await AssertValidation(await Admin().PostAsync(path, new StringContent("""{"quantity":"five","reason":"receiving"}""", Encoding.UTF8, "application/json"), Ct), "quantity");
        await AssertValidation(await Admin().PostAsync(path, new StringContent("{\"quantity\":1,\"reason\":\"receiving\",\"note\":\"a\\u0000b\"}", Encoding.UTF8, "application/json"), Ct), "note");

        await AssertValidation(await Admin().PutAsJsonAsync($"/v1/inventory/{id}", new { }, Ct), "on_hand");
        await AssertValidation(await Admin().PutAsJsonAsync($"/v1/inventory/{id}", new { on_hand = -1 }, Ct), "on_hand");
        await AssertValidation(await Admin().PutAsync($"/v1/inventory/{id}", new StringContent("""{"on_hand":1.5}""", Encoding.UTF8, "application/json"), Ct), "on_hand");

        Assert.Single(await Ledger(id));
        Assert.Equal((10, 0, 10), Numbers(await Stock(id)));
    }

    [Fact]
    public async Task Ledger_pages_newest_first_and_refuses_a_bad_limit_or_offset_naming_it()
    {
        var id = await Product(1);
        for (var i = 0; i < 4; i++) await Adjust(id, 1, "receiving");
        var page = await Json(await Admin().GetAsync($"/v1/inventory/{id}/ledger?limit=2&offset=1", Ct));
        Assert.Equal(5, page.GetProperty("metadata").GetProperty("total").GetInt32());
        Assert.Equal(2, page.GetProperty("metadata").GetProperty("limit").GetInt32());
        Assert.Equal(1, page.GetProperty("metadata").GetProperty("offset").GetInt32());
        Assert.Equal([4L, 3L], page.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));
        var defaults = await Json(await Admin().GetAsync($"/v1/inventory/{id}/ledger", Ct));
        Assert.Equal(20, defaults.GetProperty("metadata").GetProperty("limit").GetInt32());
        Assert.Equal(0, defaults.GetProperty("metadata").GetProperty("offset").GetInt32());

        foreach (var query in new[] { "limit=0", "limit=101", "limit=abc", "limit=-1" })
            await AssertValidation(await Admin().GetAsync($"/v1/inventory/{id}/ledger?{query}", Ct), "limit");
        foreach (var query in new[] { "offset=-1", "offset=x" })
            await AssertValidation(await Admin().GetAsync($"/v1/inventory/{id}/ledger?{query}", Ct), "offset");
        await AssertValidation(await Admin().GetAsync($"/v1/inventory/{id}/ledger?limit=0&offset=-1", Ct), "limit", "offset");
    }
}

public sealed class SqliteStockEndpointTests(SqliteInventoryApp app) : StockEndpointTests(app), IClassFixture<SqliteInventoryApp>;

public sealed class PostgresStockEndpointTests(PostgresInventoryApp app) : StockEndpointTests(app), IClassFixture<PostgresInventoryApp>;
