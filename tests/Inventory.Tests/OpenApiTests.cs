using System.Net.Http.Json;
using System.Text.Json;

namespace TaskFlow.Inventory.Tests;

public sealed class OpenApiTests(SqliteInventoryApp app) : IClassFixture<SqliteInventoryApp>
{
    [Fact]
    public async Task Every_inventory_route_is_in_the_openapi_document_with_snake_case_examples()
    {
        var document = await app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).Where(p => p.StartsWith("/v1/inventory", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ["/v1/inventory/reservations", "/v1/inventory/reservations/{reservationId}", "/v1/inventory/reservations/{reservationId}/commit",
             "/v1/inventory/reservations/{reservationId}/release", "/v1/inventory/{productId}", "/v1/inventory/{productId}/adjustments",
             "/v1/inventory/{productId}/ledger", "/v1/inventory/{productId}/ledger/{entryId}"],
            paths.Order(StringComparer.Ordinal));

        var schemas = document.GetProperty("components").GetProperty("schemas");
        var reserve = schemas.GetProperty("ReserveRequest");
        Assert.Equal(["order_id", "order_line_id", "product_id", "quantity"], reserve.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order());
        var example = reserve.GetProperty("examples")[0];
        Assert.Equal(2, example.GetProperty("quantity").GetInt32());
        Assert.True(example.TryGetProperty("order_line_id", out _));
        Assert.Equal(138, schemas.GetProperty("StockResponse").GetProperty("examples")[0].GetProperty("available").GetInt32());
        Assert.Equal("receiving", schemas.GetProperty("AdjustStockRequest").GetProperty("examples")[0].GetProperty("reason").GetString());
    }
}
