using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Inventory.Data;

namespace TaskFlow.Inventory.Tests;

/// <summary>Helpers shared by the inventory endpoint tests; every test makes its own products (fresh ids).</summary>
public abstract class InventoryTestBase(InventoryApp app)
{
    protected InventoryApp App { get; } = app;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected TestUser AdminUser { get; } = TestUser.New("Ada Admin");

    protected HttpClient Admin() => App.Client(AdminUser, "admin");

    protected HttpClient Checkout() => App.Client(TestUser.New("Checkout"), "checkout");

    /// <summary>A signed-in shopper: a valid token without any role.</summary>
    protected HttpClient Customer() => App.Client(TestUser.New("Carl Customer"));

    protected HttpClient Anonymous() => App.CreateClient();

    /// <summary>A new product with <paramref name="onHand"/> units (PUT, as the catalog sets initial stock).</summary>
    protected async Task<Guid> Product(int onHand)
    {
        var id = Guid.NewGuid();
        var response = await Admin().PutAsJsonAsync($"/v1/inventory/{id}", new { on_hand = onHand }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return id;
    }

    protected async Task<JsonElement> Stock(Guid productId)
    {
        var response = await Customer().GetAsync($"/v1/inventory/{productId}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json(response);
    }

    protected static (int OnHand, int Reserved, int Available) Numbers(JsonElement stock) =>
        (stock.GetProperty("on_hand").GetInt32(), stock.GetProperty("reserved").GetInt32(), stock.GetProperty("available").GetInt32());

    protected static object ReserveBody(Guid productId, int quantity, Guid? orderLineId = null, Guid? orderId = null, int? expiresInSeconds = null) => new
    {
        order_id = orderId ?? Guid.NewGuid(),
        order_line_id = orderLineId ?? Guid.NewGuid(),
        product_id = productId,
        quantity,
        expires_in_seconds = expiresInSeconds,
    };

    /// <summary>Reserves and asserts 201; returns the reservation.</summary>
    protected async Task<JsonElement> Reserve(Guid productId, int quantity, int? expiresInSeconds = null)
    {
        var response = await Checkout().PostAsJsonAsync("/v1/inventory/reservations", ReserveBody(productId, quantity, expiresInSeconds: expiresInSeconds), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await Json(response);
    }

    protected async Task<JsonElement> Adjust(Guid productId, int quantity, string reason, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await Admin().PostAsJsonAsync($"/v1/inventory/{productId}/adjustments", new { quantity, reason }, Ct);
        Assert.Equal(expected, response.StatusCode);
        return await Json(response);
    }

    protected async Task<List<JsonElement>> Ledger(Guid productId)
    {
        var response = await Admin().GetAsync($"/v1/inventory/{productId}/ledger?limit=100", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await Json(response)).GetProperty("data").EnumerateArray()];
    }

    private protected async Task<T> WithDb<T>(Func<InventoryDb, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<InventoryDb>());
    }

    /// <summary>The StockChanged payloads of one product in the inventory outbox, in version order.</summary>
    protected Task<List<JsonElement>> OutboxStockChanged(Guid productId) => WithDb(async db =>
    {
        var payloads = await db.OutboxMessages.AsNoTracking().Where(m => m.Type == "StockChanged").Select(m => m.Payload).ToListAsync(Ct);
        return payloads.Select(p => JsonDocument.Parse(p).RootElement.Clone())
            .Where(e => e.GetProperty("productId").GetGuid() == productId)
            .OrderBy(e => e.GetProperty("version").GetInt64())
            .ToList();
    });

    protected static async Task WaitUntil(Func<Task<bool>> condition, string what, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(50, Ct);
        }
    }

    protected static async Task<JsonElement> Json(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    /// <summary>Asserts an RFC 9457 problem with <paramref name="status"/> and, if given, the type <c>https://taskflow.dev/problems/{slug}</c>.</summary>
    protected static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status, string? slug = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Json(response);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (slug is not null) Assert.Equal("https://taskflow.dev/problems/" + slug, problem.GetProperty("type").GetString());
        return problem;
    }

    /// <summary>Asserts a 400 validation problem naming exactly <paramref name="fields"/>.</summary>
    protected static async Task AssertValidation(HttpResponseMessage response, params string[] fields)
    {
        var problem = await AssertProblem(response, HttpStatusCode.BadRequest);
        var names = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(fields.Order().ToArray(), names);
    }

    protected static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = body as HttpContent ?? JsonContent.Create(body);
        return await client.SendAsync(request, Ct);
    }
}
