using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;

namespace TaskFlow.Inventory.Tests;

public abstract class StockEventTests(InventoryApp app) : InventoryTestBase(app)
{
    [Fact]
    public async Task StockChanged_is_published_once_per_change_through_the_outbox()
    {
        var id = await Product(10);                                                    // v1 initial
        await Admin().PutAsJsonAsync($"/v1/inventory/{id}", new { on_hand = 10 }, Ct); // no change
        await Adjust(id, 5, "receiving");                                              // v2
        await Adjust(id, -100, "damage", HttpStatusCode.Conflict);                     // refused
        var sold = await Reserve(id, 4);                                               // v3
        await Checkout().PostAsync($"/v1/inventory/reservations/{sold.GetProperty("id").GetGuid()}/commit", null, Ct); // v4
        await Checkout().PostAsync($"/v1/inventory/reservations/{sold.GetProperty("id").GetGuid()}/commit", null, Ct); // replay
        var back = await Reserve(id, 2);                                               // v5
        await Checkout().PostAsJsonAsync("/v1/inventory/reservations", ReserveBody(id, 50), Ct); // refused
        await Checkout().PostAsync($"/v1/inventory/reservations/{back.GetProperty("id").GetGuid()}/release", null, Ct); // v6
        await Checkout().PostAsync($"/v1/inventory/reservations/{back.GetProperty("id").GetGuid()}/release", null, Ct); // replay

        var expected = new (long Version, int OnHand, int Reserved, int Available, string Cause)[]
        {
            (1, 10, 0, 10, "initial"), (2, 15, 0, 15, "receiving"), (3, 15, 4, 11, "reserved"),
            (4, 11, 0, 11, "committed"), (5, 11, 2, 9, "reserved"), (6, 11, 0, 11, "released"),
        };
        var outbox = await OutboxStockChanged(id);
        Assert.Equal(expected, outbox.Select(e => (e.GetProperty("version").GetInt64(), e.GetProperty("onHand").GetInt32(),
            e.GetProperty("reserved").GetInt32(), e.GetProperty("available").GetInt32(), e.GetProperty("cause").GetString()!)));

        // Each left through the outbox, and a consumer read each as the contract record exactly once.
        await WaitUntil(() => WithDb(db => db.OutboxMessages.AllAsync(m => m.Type != "StockChanged" || m.ProcessedAt != null, Ct)), "the outbox to send every StockChanged");
        await WaitUntil(() => Task.FromResult(App.Delivered.Count(e => e.ProductId == id) >= 6), "the consumer to receive six events");
        var delivered = App.Delivered.Where(e => e.ProductId == id).OrderBy(e => e.Version).ToList();
        Assert.Equal(expected.Select(e => (e.Version, e.OnHand, e.Reserved, e.Available, e.Cause)),
            delivered.Select(e => (e.Version, e.OnHand, e.Reserved, e.Available, e.Cause!)));
        Assert.Equal(6, delivered.Select(e => e.EventId).Distinct().Count());
    }
}

public sealed class SqliteStockEventTests(SqliteInventoryApp app) : StockEventTests(app), IClassFixture<SqliteInventoryApp>;

public sealed class PostgresStockEventTests(PostgresInventoryApp app) : StockEventTests(app), IClassFixture<PostgresInventoryApp>;
