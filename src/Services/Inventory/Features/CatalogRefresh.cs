using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Inventory.Contracts;
using TaskFlow.Inventory.Data;

namespace TaskFlow.Inventory.Features;

/// <summary>
/// Read-your-writes of the catalog's <c>stock_quantity</c> scaled out (docs/adr/0038-shop-stock-read-your-writes.md):
/// after a stock change committed, and before answering, inventory asks the catalog at <c>Inventory:CatalogUrl</c> (or
/// <c>Gateway:Services:catalog</c>) to refresh its copy of each product changed, with the caller's token; the catalog
/// reads the stock back from here and keeps it if newer. All-in-one (the catalog in the same process, in-process transport) the write waits for the local
/// consumers instead (<c>WaitForLocalConsumers</c>). A catalog that is down or slow delays the answer by at most
/// <c>Inventory:CatalogRefreshTimeout</c> (3 s); the change stands and the outbox's <c>StockChanged</c> brings it later.
/// </summary>
internal static class CatalogRefresh
{
    public const string ClientName = "inventory-catalog";

    public static TBuilder RefreshCatalogCopy<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var http = context.HttpContext;
            var services = http.RequestServices;
            // A catalog in this process, on the in-process transport, has the change already (WaitForLocalConsumers).
            if (services.GetService<IEventTransport>() is InProcessTransport && services.GetServices<EventSubscription>().Any(s => s.EventType == nameof(StockChanged)))
                return result;
            var configuration = services.GetRequiredService<IConfiguration>();
            if ((configuration["Inventory:CatalogUrl"] is { Length: > 0 } configured ? configured : configuration["Gateway:Services:catalog"]) is not { Length: > 0 } address)
                return result;
            var changed = services.GetRequiredService<InventoryDb>().ChangeTracker.Entries<OutboxMessage>()
                .Where(e => e.State == EntityState.Unchanged && e.Entity.Type == nameof(StockChanged))
                .Select(e => JsonSerializer.Deserialize<StockChanged>(e.Entity.Payload, EventEnvelope.Json)!.ProductId)
                .Distinct().ToList();
            if (changed.Count == 0) return result;

            var timeout = configuration.GetValue("Inventory:CatalogRefreshTimeout", TimeSpan.FromSeconds(3));
            var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CatalogRefresh));
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            limit.CancelAfter(timeout);
            var baseAddress = new Uri(address.TrimEnd('/') + "/");
            await Task.WhenAll(changed.Select(async productId =>
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, $"v1/products/{productId}/stock/refresh"));
                    request.Headers.TryAddWithoutValidation("Authorization", http.Request.Headers.Authorization.ToString());
                    using var response = await client.SendAsync(request, limit.Token);
                    if (!response.IsSuccessStatusCode)
                        logger.LogWarning("The catalog answered {Status} to the stock refresh of {ProductId}; StockChanged will bring it", (int)response.StatusCode, productId);
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    logger.LogWarning(e, "The catalog did not refresh the stock of {ProductId}; StockChanged will bring it", productId);
                }
            }));
            return result;
        });
}
