using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.BuildingBlocks.Storage;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Catalog.Consumers;
using TaskFlow.Catalog.Data;
using TaskFlow.Catalog.Demo;
using TaskFlow.Catalog.Features;
using TaskFlow.Inventory.Contracts;

namespace TaskFlow.Catalog;

/// <summary>The shop's product catalog: products (the design's <c>/v1/products</c>), the category tree, search, and a copy of stock.</summary>
public sealed class CatalogModule : IServiceModule
{
    public string Name => "catalog";

    public IReadOnlyList<string> RoutePrefixes => ["/v1/products", "/v1/categories"];

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddServiceDb<CatalogDb, SqliteCatalogDb, PostgresCatalogDb>(Name);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddAdminPolicy();
        builder.Services.AddOptions<CatalogCacheOptions>().BindConfiguration(CatalogCacheOptions.Section)
            .Validate(o => o.Expiration > TimeSpan.Zero, "Catalog:Cache:Expiration must be positive.").ValidateOnStart();
        builder.Services.AddHybridCache(o =>
        {
            o.MaximumPayloadBytes = 4 * 1024 * 1024;
            o.DefaultEntryOptions = new() { Expiration = TimeSpan.FromMinutes(10), LocalCacheExpiration = TimeSpan.FromMinutes(10) };
        });
        if (builder.Configuration["Redis:Configuration"] is { Length: > 0 } redis)
        {
            // Second level shared by the instances scaled out; keys carry the catalog version, so sharing is exact.
            var prefix = builder.Configuration.DataOptions().DatabasePrefix;
            builder.Services.AddStackExchangeRedisCache(o =>
            {
                o.Configuration = redis;
                o.InstanceName = $"{prefix}:";
            });
        }
        builder.Services.AddSingleton<CatalogCache>();
        builder.AddFileStorage();
        builder.Services.AddOptions<ProductImageOptions>().BindConfiguration(ProductImageOptions.Section)
            .Validate(o => o.MaxBytes > 0, "Catalog:Images:MaxBytes must be positive.").ValidateOnStart();
        builder.Services.AddEventHandler<CatalogDb, StockChanged, StockChangedHandler>(Name);
        builder.Services.AddHttpClient(RefreshStock.ClientName, http => http.Timeout = TimeSpan.FromSeconds(5));
        builder.Services.AddHostedService<DemoCatalog>();
        builder.Services.AddOpenApiExample(Examples.Product);
        builder.Services.AddOpenApiExample(Examples.Page);
        builder.Services.AddOpenApiExample(Examples.NewProduct);
        builder.Services.AddOpenApiExample(Examples.Category);
        builder.Services.AddOpenApiExample(Examples.NewCategory);
        builder.Services.AddOpenApiExample(Examples.Import);
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var products = app.MapGroup("/v1/products").WithTags("Products");
        ListProducts.Map(products);
        GetProduct.Map(products);
        ProductImages.MapServe(products);
        var productAdmin = app.MapGroup("/v1/products").WithTags("Products").RequireAuthorization(AdminRole.Policy).AdminProblems();
        CreateProduct.Map(productAdmin);
        ImportProducts.Map(productAdmin);
        ReplaceProduct.Map(productAdmin);
        PatchProduct.Map(productAdmin);
        DeleteProduct.Map(productAdmin);
        ProductImages.MapUpload(productAdmin);
        RefreshStock.Map(app.MapGroup("/v1/products").WithTags("Products"));

        var categories = app.MapGroup("/v1/categories").WithTags("Categories");
        ListCategories.Map(categories);
        GetCategory.Map(categories);
        var categoryAdmin = app.MapGroup("/v1/categories").WithTags("Categories").RequireAuthorization(AdminRole.Policy).AdminProblems();
        CreateCategory.Map(categoryAdmin);
        UpdateCategory.Map(categoryAdmin);
        DeleteCategory.Map(categoryAdmin);
    }
}

static class OpenApiConventions
{
    /// <summary>401 without a valid token, 403 without the admin role.</summary>
    public static RouteGroupBuilder AdminProblems(this RouteGroupBuilder group) => group
        .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized))
        .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
}
