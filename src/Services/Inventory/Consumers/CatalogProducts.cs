using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Catalog.Contracts;
using TaskFlow.Inventory.Data;
using TaskFlow.Inventory.Features;

namespace TaskFlow.Inventory.Consumers;

/// <summary>
/// A product added to the catalog opens its stock with <see cref="ProductCreated.InitialStock"/> units (ledger reason
/// <c>initial</c>, version 1, <c>StockChanged</c> published), as an admin's first PUT would. Stock that already exists
/// (an admin set it first, or a redelivery the inbox did not catch) is left as it is: the catalog's copy follows its
/// events already.
/// </summary>
internal sealed class ProductCreatedHandler(InventoryDb db, TimeProvider time) : IIntegrationEventHandler<ProductCreated>
{
    public async Task Handle(ProductCreated e, CancellationToken ct)
    {
        if (await db.Stock.AnyAsync(s => s.ProductId == e.ProductId, ct)) return;
        var now = time.GetUtcNow().UtcDateTime;
        var stock = new StockItem
        {
            ProductId = e.ProductId,
            OnHand = Math.Clamp(e.InitialStock, 0, StockWrites.OnHandMax),
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Stock.Add(stock);
        db.Ledger.Add(new LedgerEntry
        {
            Id = Guid.CreateVersion7(),
            ProductId = stock.ProductId,
            Quantity = stock.OnHand,
            Reason = LedgerReasons.Initial,
            Note = "Product created in the catalog",
            OnHandAfter = stock.OnHand,
            Version = stock.Version,
            CreatedAt = now,
        });
        StockWrites.PublishChange(db, stock, LedgerReasons.Initial);
    }
}

/// <summary>
/// A product withdrawn from the catalog takes no new reservations (409 product-withdrawn); held reservations can still
/// be committed or released, and admins can still adjust its stock. Unknown to inventory: nothing to do.
/// </summary>
internal sealed class ProductDeletedHandler(InventoryDb db, TimeProvider time) : IIntegrationEventHandler<ProductDeleted>
{
    public async Task Handle(ProductDeleted e, CancellationToken ct)
    {
        var stock = await db.Stock.SingleOrDefaultAsync(s => s.ProductId == e.ProductId, ct);
        if (stock is null || stock.WithdrawnAt is not null) return;
        stock.WithdrawnAt = time.GetUtcNow().UtcDateTime;
    }
}
