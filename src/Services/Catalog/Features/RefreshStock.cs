using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using TaskFlow.Catalog.Consumers;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary>
/// <c>POST /v1/products/{productId}/stock/refresh</c>: read-your-writes of stock scaled out
/// (docs/adr/0038-shop-stock-read-your-writes.md). Inventory calls it after a stock change committed and before it
/// answers, with its caller's token; the catalog then asks inventory itself (<c>GET /v1/inventory/{productId}</c> with the
/// same token, at <c>Catalog:InventoryUrl</c> or <c>Gateway:Services:inventory</c>) and applies the answer through the
/// copy's version check. Nothing in the request is trusted but the product id, so the worst a caller can do is make the
/// copy current. The outbox's <c>StockChanged</c> stays the backup, and the version check makes it a no-op.
/// </summary>
internal static class RefreshStock
{
    public const string ClientName = "catalog-inventory";

    public static RouteHandlerBuilder Map(RouteGroupBuilder products) =>
        products.MapPost("/{productId:guid}/stock/refresh", Handle)
            .RequireAuthorization()
            .WithName("RefreshProductStock")
            .WithSummary("Bring the product's stock_quantity up to date with inventory (admin or checkout)")
            .WithDescription("Called by the inventory service before it answers a stock change, so the next product read shows it. " +
                "The catalog asks inventory for the product's stock with the caller's token and keeps it if newer than its copy. " +
                "204 when done (also when inventory has no stock for the product); 401 without a valid token; 403 without the admin or checkout role; " +
                "503 inventory-unreachable when no inventory address is configured or inventory did not answer.")
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));

    static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        Guid productId, HttpContext http, CatalogDb db, IHttpClientFactory clients, IConfiguration configuration, TimeProvider time,
        ILoggerFactory loggers, CancellationToken ct)
    {
        if (!HasRole(http.User, "admin") && !HasRole(http.User, "checkout"))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, type: "https://taskflow.dev/problems/role-required",
                title: "A role is required.", detail: "Refreshing the stock copy needs the admin or checkout role.");
        var address = (configuration["Catalog:InventoryUrl"] is { Length: > 0 } configured ? configured : configuration["Gateway:Services:inventory"]) is { Length: > 0 } a
            ? new Uri(a.TrimEnd('/') + "/")
            : null;
        if (address is null) return Unreachable("No inventory address is configured (Catalog:InventoryUrl).");

        JsonElement stock;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, $"v1/inventory/{productId}"));
            request.Headers.TryAddWithoutValidation("Authorization", http.Request.Headers.Authorization.ToString());
            using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.NotFound) return TypedResults.NoContent();
            if (response.StatusCode != HttpStatusCode.OK) return Unreachable($"Inventory answered {(int)response.StatusCode}.");
            stock = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !ct.IsCancellationRequested)
        {
            loggers.CreateLogger(typeof(RefreshStock)).LogWarning(e, "Inventory did not answer the stock of {ProductId}", productId);
            return Unreachable("Inventory did not answer.");
        }

        var available = stock.GetProperty("available").GetInt32();
        var version = stock.GetProperty("version").GetInt64();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await StockCopy.Apply(db, productId, available, version, Clock.Now(time), ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    static bool HasRole(ClaimsPrincipal user, string role) => user.HasClaim("role", role) || user.HasClaim(ClaimTypes.Role, role);

    static ProblemHttpResult Unreachable(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
        type: "https://taskflow.dev/problems/inventory-unreachable", title: "Inventory could not be asked.", detail: detail);
}
