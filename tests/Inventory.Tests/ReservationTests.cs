using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Inventory.Data;

namespace TaskFlow.Inventory.Tests;

public abstract class ReservationTests(InventoryApp app) : InventoryTestBase(app)
{
    const string Reservations = "/v1/inventory/reservations";

    [Fact]
    public async Task A_reservation_holds_units_and_commit_takes_them_out_of_on_hand()
    {
        var id = await Product(10);
        var response = await Checkout().PostAsJsonAsync(Reservations, ReserveBody(id, 3, expiresInSeconds: 600), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var reservation = await Json(response);
        var reservationId = reservation.GetProperty("id").GetGuid();
        Assert.Equal($"{Reservations}/{reservationId}", response.Headers.Location?.OriginalString);
        Assert.Equal("held", reservation.GetProperty("status").GetString());
        Assert.Equal(3, reservation.GetProperty("quantity").GetInt32());
        var expiresAt = reservation.GetProperty("expires_at").GetDateTime();
        Assert.InRange(expiresAt - reservation.GetProperty("created_at").GetDateTime(), TimeSpan.FromSeconds(599), TimeSpan.FromSeconds(601));
        Assert.Equal((10, 3, 7), Numbers(await Stock(id)));

        var committed = await Checkout().PostAsync($"{Reservations}/{reservationId}/commit", null, Ct);
        Assert.Equal(HttpStatusCode.OK, committed.StatusCode);
        Assert.Equal("committed", (await Json(committed)).GetProperty("status").GetString());
        Assert.Equal((7, 0, 7), Numbers(await Stock(id)));

        // Committing again is the same answer and changes nothing; releasing a committed reservation is refused.
        var again = await Checkout().PostAsync($"{Reservations}/{reservationId}/commit", null, Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("committed", (await Json(again)).GetProperty("status").GetString());
        var refused = await AssertProblem(await Checkout().PostAsync($"{Reservations}/{reservationId}/release", null, Ct), HttpStatusCode.Conflict, "reservation-not-held");
        Assert.Equal("committed", refused.GetProperty("reservation_status").GetString());
        Assert.Equal((7, 0, 7), Numbers(await Stock(id)));

        var read = await Json(await Checkout().GetAsync($"{Reservations}/{reservationId}", Ct));
        Assert.Equal("committed", read.GetProperty("status").GetString());
        var byOrder = await Json(await Admin().GetAsync($"{Reservations}?order_id={reservation.GetProperty("order_id").GetGuid()}", Ct));
        Assert.Equal(reservationId, Assert.Single(byOrder.GetProperty("data").EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Release_gives_the_units_back_and_a_released_reservation_cannot_be_committed()
    {
        var id = await Product(5);
        var reservationId = (await Reserve(id, 5)).GetProperty("id").GetGuid();
        Assert.Equal((5, 5, 0), Numbers(await Stock(id)));

        var released = await Checkout().PostAsync($"{Reservations}/{reservationId}/release", null, Ct);
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal("released", (await Json(released)).GetProperty("status").GetString());
        Assert.Equal((5, 0, 5), Numbers(await Stock(id)));

        Assert.Equal(HttpStatusCode.OK, (await Checkout().PostAsync($"{Reservations}/{reservationId}/release", null, Ct)).StatusCode);
        var refused = await AssertProblem(await Checkout().PostAsync($"{Reservations}/{reservationId}/commit", null, Ct), HttpStatusCode.Conflict, "reservation-not-held");
        Assert.Equal("released", refused.GetProperty("reservation_status").GetString());
        Assert.Equal((5, 0, 5), Numbers(await Stock(id)));
        await AssertProblem(await Checkout().PostAsync($"{Reservations}/{Guid.NewGuid()}/commit", null, Ct), HttpStatusCode.NotFound, "reservation-not-found");
        await AssertProblem(await Checkout().GetAsync($"{Reservations}/{Guid.NewGuid()}", Ct), HttpStatusCode.NotFound, "reservation-not-found");
    }

    [Fact]
    public async Task The_same_order_line_reserved_twice_is_one_reservation()
    {
        var id = await Product(10);
        var body = ReserveBody(id, 2);
        var first = await Checkout().PostAsJsonAsync(Reservations, body, Ct);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var second = await Checkout().PostAsJsonAsync(Reservations, body, Ct);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((await Json(first)).GetProperty("id").GetGuid(), (await Json(second)).GetProperty("id").GetGuid());
        Assert.Equal((10, 2, 8), Numbers(await Stock(id)));

        // Concurrent retries of one new order line: one reservation, held once.
        var line = Guid.NewGuid();
        var order = Guid.NewGuid();
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Checkout().PostAsJsonAsync(Reservations, ReserveBody(id, 3, line, order), Ct)));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(19, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        var ids = await Task.WhenAll(answers.Select(async a => (await Json(a)).GetProperty("id").GetGuid()));
        Assert.Single(ids.Distinct());
        Assert.Equal((10, 5, 5), Numbers(await Stock(id)));
        Assert.Equal(1, await WithDb(db => db.Reservations.CountAsync(r => r.OrderLineId == line, Ct)));

        // The same line with another quantity (or product, or order) is a conflict, not a second reservation.
        await AssertProblem(await Checkout().PostAsJsonAsync(Reservations, ReserveBody(id, 4, line, order), Ct), HttpStatusCode.Conflict, "reservation-mismatch");
        Assert.Equal((10, 5, 5), Numbers(await Stock(id)));
    }

    [Fact]
    public async Task Not_enough_stock_is_409_and_holds_nothing()
    {
        var id = await Product(3);
        var refused = await AssertProblem(await Checkout().PostAsJsonAsync(Reservations, ReserveBody(id, 4), Ct), HttpStatusCode.Conflict, "insufficient-stock");
        Assert.Equal(4, refused.GetProperty("requested").GetInt32());
        Assert.Equal(3, refused.GetProperty("available").GetInt32());
        var unknown = await AssertProblem(await Checkout().PostAsJsonAsync(Reservations, ReserveBody(Guid.NewGuid(), 1), Ct), HttpStatusCode.Conflict, "insufficient-stock");
        Assert.Equal(0, unknown.GetProperty("available").GetInt32());
        Assert.Equal((3, 0, 3), Numbers(await Stock(id)));
        Assert.Equal(0, await WithDb(db => db.Reservations.CountAsync(r => r.ProductId == id, Ct)));
    }

    [Fact]
    public async Task An_expired_reservation_gives_its_units_back_through_the_sweep()
    {
        var id = await Product(4);
        var reservation = await Reserve(id, 3, expiresInSeconds: 1);
        var reservationId = reservation.GetProperty("id").GetGuid();
        Assert.Equal((4, 3, 1), Numbers(await Stock(id)));

        // Nothing but the sweep (every 200 ms in these tests) runs here.
        await WaitUntil(async () => Numbers(await Stock(id)) == (4, 0, 4), "the sweep to give the units back");
        var read = await Json(await Checkout().GetAsync($"/v1/inventory/reservations/{reservationId}", Ct));
        Assert.Equal("expired", read.GetProperty("status").GetString());
        var expired = await WithDb(db => db.OutboxMessages.AsNoTracking().Where(m => m.Type == "StockReservationExpired").Select(m => m.Payload).ToListAsync(Ct));
        Assert.Single(expired, p => p.Contains(reservationId.ToString(), StringComparison.OrdinalIgnoreCase));

        var refused = await AssertProblem(await Checkout().PostAsync($"/v1/inventory/reservations/{reservationId}/commit", null, Ct), HttpStatusCode.Conflict, "reservation-not-held");
        Assert.Equal("expired", refused.GetProperty("reservation_status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Checkout().PostAsync($"/v1/inventory/reservations/{reservationId}/release", null, Ct)).StatusCode);
        Assert.Equal((4, 0, 4), Numbers(await Stock(id)));
        Assert.Single(await Ledger(id));
    }

    [Fact]
    public async Task A_reservation_past_its_expiry_is_not_committed_and_its_units_count_as_available()
    {
        var id = await Product(2);
        // Hold the expiry in the past without waiting for the sweep: move it back in the database.
        var reservationId = (await Reserve(id, 2, expiresInSeconds: 3600)).GetProperty("id").GetGuid();
        await WithDb(db => db.Reservations.Where(r => r.Id == reservationId).ExecuteUpdateAsync(s => s.SetProperty(r => r.ExpiresAt, DateTime.UtcNow.AddSeconds(-1)), Ct));

        var refused = await AssertProblem(await Checkout().PostAsync($"/v1/inventory/reservations/{reservationId}/commit", null, Ct), HttpStatusCode.Conflict, "reservation-not-held");
        Assert.Equal("expired", refused.GetProperty("reservation_status").GetString());
        Assert.Equal((2, 0, 2), Numbers(await Stock(id)));

        var other = (await Reserve(id, 2, expiresInSeconds: 3600)).GetProperty("id").GetGuid();
        await WithDb(db => db.Reservations.Where(r => r.Id == other).ExecuteUpdateAsync(s => s.SetProperty(r => r.ExpiresAt, DateTime.UtcNow.AddSeconds(-1)), Ct));
        // A reservation that needs those units gets them at once (the expired one is given back first).
        await Reserve(id, 2);
        Assert.Equal((2, 2, 0), Numbers(await Stock(id)));
    }

    [Fact]
    public async Task Invalid_reservation_requests_are_400_naming_each_field()
    {
        var id = await Product(5);
        await AssertValidation(await Checkout().PostAsJsonAsync(Reservations, new { }, Ct), "order_id", "order_line_id", "product_id", "quantity");
        await AssertValidation(await Checkout().PostAsJsonAsync(Reservations, ReserveBody(id, 0), Ct), "quantity");
        await AssertValidation(await Checkout().PostAsJsonAsync(Reservations, ReserveBody(id, 10_001), Ct), "quantity");
        await AssertValidation(await Checkout().PostAsJsonAsync(Reservations, ReserveBody(id, 1, expiresInSeconds: 0), Ct), "expires_in_seconds");
        await AssertValidation(await Checkout().PostAsJsonAsync(Reservations, ReserveBody(id, 1, expiresInSeconds: 86_401), Ct), "expires_in_seconds");
        await AssertValidation(await Checkout().PostAsJsonAsync(Reservations, new { order_id = Guid.Empty, order_line_id = Guid.NewGuid(), product_id = id, quantity = 1 }, Ct), "order_id");
        await AssertValidation(await Checkout().PostAsJsonAsync(Reservations, new { order_id = "x", order_line_id = Guid.NewGuid(), product_id = id, quantity = 1 }, Ct), "order_id");
        await AssertValidation(await Checkout().GetAsync($"{Reservations}?order_id=abc", Ct), "order_id");
        await AssertValidation(await Checkout().GetAsync(Reservations, Ct), "order_id");
        Assert.Equal((5, 0, 5), Numbers(await Stock(id)));
    }
}

public sealed class SqliteReservationTests(SqliteInventoryApp app) : ReservationTests(app), IClassFixture<SqliteInventoryApp>;

public sealed class PostgresReservationTests(PostgresInventoryApp app) : ReservationTests(app), IClassFixture<PostgresInventoryApp>;
