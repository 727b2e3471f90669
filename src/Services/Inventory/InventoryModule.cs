using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Catalog.Contracts;
using TaskFlow.Inventory.Consumers;
using TaskFlow.Inventory.Data;
using TaskFlow.Inventory.Features;

namespace TaskFlow.Inventory;

/// <summary>Inventory (the shop): stock per product, the adjustment ledger and reservations for checkout.</summary>
public sealed class InventoryModule : IServiceModule
{
    public string Name => "inventory";

    public IReadOnlyList<string> RoutePrefixes => ["/v1/inventory"];

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InventoryOptions>()
            .BindConfiguration(InventoryOptions.Section)
            .Validate(o => o.IsValid(), "Inventory options are invalid: lifetimes and the sweep interval must be positive, MaxLifetime at least DefaultLifetime.")
            .ValidateOnStart();
        builder.AddServiceDb<InventoryDb, SqliteInventoryDb, PostgresInventoryDb>(Name);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<ReservationSweep>();
        builder.Services.AddHttpClient(CatalogRefresh.ClientName);
        builder.Services.AddEventHandler<InventoryDb, ProductCreated, ProductCreatedHandler>(Name);
        builder.Services.AddEventHandler<InventoryDb, ProductDeleted, ProductDeletedHandler>(Name);
        AddExamples(builder.Services);
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var inventory = app.MapGroup("/v1/inventory").WithTags("Inventory").RequireAuthorization()
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized));

        // Every write answers once the all-in-one's other services applied its StockChanged (the catalog's stock_quantity).
        var product = inventory.MapGroup("/{productId:guid}");
        GetStock.Map(product);
        SetStock.Map(product).WaitForLocalConsumers<InventoryDb, RouteHandlerBuilder>().RefreshCatalogCopy();
        AdjustStock.Map(product).WaitForLocalConsumers<InventoryDb, RouteHandlerBuilder>().RefreshCatalogCopy();
        GetLedger.Map(product);

        var reservations = inventory.MapGroup("/reservations");
        Reserve.Map(reservations).WaitForLocalConsumers<InventoryDb, RouteHandlerBuilder>().RefreshCatalogCopy();
        GetReservations.Map(reservations);
        CommitReservation.Map(reservations).WaitForLocalConsumers<InventoryDb, RouteHandlerBuilder>().RefreshCatalogCopy();
        ReleaseReservation.Map(reservations).WaitForLocalConsumers<InventoryDb, RouteHandlerBuilder>().RefreshCatalogCopy();
    }

    static void AddExamples(IServiceCollection services)
    {
        var product = Guid.Parse("0193a5b2-7c4e-7d2a-9f1e-3b8c6d5e4f21");
        var order = Guid.Parse("0193a5b3-1a2b-7c3d-8e4f-5a6b7c8d9e0f");
        var line = Guid.Parse("0193a5b3-1a2b-7c3d-8e4f-5a6b7c8d9e10");
        var reservation = Guid.Parse("0193a5b3-2b3c-7d4e-9f50-6b7c8d9e0f11");
        var at = new DateTime(2026, 12, 7, 9, 0, 0, DateTimeKind.Utc);
        services.AddOpenApiExample(new StockResponse(product, 150, 12, 138, 42, at));
        services.AddOpenApiExample(new SetStock.Request(150, "Opening count"));
        services.AddOpenApiExample(new AdjustStock.Request(50, "receiving", "Delivery note DN-20261207-3"));
        var entry = new LedgerEntryResponse(Guid.Parse("0193a5b4-0000-7000-8000-000000000001"), product, 50, "receiving", "Delivery note DN-20261207-3", 200, 43, null, null,
            Guid.Parse("0193a5b0-aaaa-7bbb-8ccc-dddddddddddd"), at);
        services.AddOpenApiExample(entry);
        services.AddOpenApiExample(new AdjustmentResponse(entry, new StockResponse(product, 200, 12, 188, 43, at)));
        services.AddOpenApiExample(new LedgerPage([entry], new PageMetadata(1, 20, 0)));
        services.AddOpenApiExample(new Reserve.Request(order, line, product, 2, 900));
        services.AddOpenApiExample(new ReservationResponse(reservation, order, line, product, 2, "held", at.AddMinutes(15), at, at));
    }
}
