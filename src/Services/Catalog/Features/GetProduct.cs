using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary><c>GET /v1/products/{productId}</c>: one product, the same object as in the list.</summary>
internal static class GetProduct
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder products) =>
        products.MapGet("/{productId}", Handle)
            .AllowAnonymous()
            .WithName("GetProduct")
            .WithSummary("Retrieve one product")
            .WithDescription("404 problem details when no product has this id, when it was deleted, or when the id is not a UUID.");

    static async Task<Results<Ok<ProductResponse>, ProblemHttpResult, CachedJson>> Handle(string productId, HttpContext http, CatalogCache cache, CancellationToken ct)
    {
        if (!Guid.TryParse(productId, out var id)) return Problems.ProductNotFound();
        var version = await cache.Version(ct);
        // The DbContext only on a miss (see ListProducts).
        var json = await cache.GetOrCreate(version, $"product:{id:N}",
            async token => await ProductQueries.One(http.RequestServices.GetRequiredService<CatalogDb>(), id, token) is { } product ? JsonSerializer.SerializeToUtf8Bytes(product, ProductQueries.Json) : null, ct);
        return json is null ? Problems.ProductNotFound() : new CachedJson(json);
    }
}
