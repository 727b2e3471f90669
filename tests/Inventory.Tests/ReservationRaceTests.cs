using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Inventory.Data;

namespace TaskFlow.Inventory.Tests;

/// <summary>No oversell: the database decides, so concurrency inside one process stands for many processes too.</summary>
public abstract class ReservationRaceTests(InventoryApp app) : InventoryTestBase(app)
{
    [Fact]
    public async Task Two_hundred_concurrent_reservations_for_the_last_ten_units_reserve_exactly_ten()
    {
        var id = await Product(25);
        await Reserve(id, 15);
        Assert.Equal((25, 15, 10), Numbers(await Stock(id)));

        var clients = Enumerable.Range(0, 8).Select(_ => Checkout()).ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, 200).Select(async i =>
        {
            await start.Task;
            return await clients[i % clients.Length].PostAsJsonAsync("/v1/inventory/reservations", ReserveBody(id, 1), Ct);
        }).ToList();
        start.SetResult();
        var answers = await Task.WhenAll(attempts);

        var statuses = answers.GroupBy(a => a.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.Created) == 10 && statuses.GetValueOrDefault(HttpStatusCode.Conflict) == 190,
            string.Join(", ", statuses.Select(s => $"{(int)s.Key}: {s.Value}")));
        foreach (var refused in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
            await AssertProblem(refused, HttpStatusCode.Conflict, "insufficient-stock");

        Assert.Equal((25, 25, 0), Numbers(await Stock(id)));
        Assert.Equal(11, await WithDb(db => db.Reservations.CountAsync(r => r.ProductId == id && r.Status == ReservationStatus.Held, Ct)));
        Assert.Equal(25, await WithDb(db => db.Reservations.Where(r => r.ProductId == id && r.Status == ReservationStatus.Held).SumAsync(r => r.Quantity, Ct)));
        // One StockChanged per successful reservation, versions without gaps or repeats.
        var versions = (await OutboxStockChanged(id)).Select(e => e.GetProperty("version").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, 12).Select(v => (long)v), versions);
    }

    [Fact]
    public async Task Concurrent_damage_adjustments_never_take_on_hand_below_what_is_reserved()
    {
        var id = await Product(30);
        await Reserve(id, 10);
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ =>
            Admin().PostAsJsonAsync($"/v1/inventory/{id}/adjustments", new { quantity = -1, reason = "damage" }, Ct)));
        Assert.Equal(20, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(20, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal((10, 10, 0), Numbers(await Stock(id)));
        Assert.Equal(10, (await Ledger(id)).Sum(e => e.GetProperty("quantity").GetInt32()));
    }
}

public sealed class SqliteReservationRaceTests(SqliteInventoryApp app) : ReservationRaceTests(app), IClassFixture<SqliteInventoryApp>;

public sealed class PostgresReservationRaceTests(PostgresInventoryApp app) : ReservationRaceTests(app), IClassFixture<PostgresInventoryApp>;
