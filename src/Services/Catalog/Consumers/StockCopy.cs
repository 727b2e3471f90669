using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Catalog.Data;
using TaskFlow.Catalog.Features;
using TaskFlow.Inventory.Contracts;

namespace TaskFlow.Catalog.Consumers;

/// <summary>
/// Keeps <c>product_stock</c> in step with the inventory service: the available units of each product, applied only
/// when the event's version is newer than the copy's, so redelivered or late events never go back in time. The inbox
/// drops a message delivered twice; saving raises the catalog version, so cached reads show the new stock at once.
/// </summary>
internal sealed class StockChangedHandler(CatalogDb db, TimeProvider time) : IIntegrationEventHandler<StockChanged>
{
    public async Task Handle(StockChanged e, CancellationToken ct)
    {
        var copy = await db.Stock.FindAsync([e.ProductId], ct);
        if (copy is null)
        {
            db.Stock.Add(new ProductStock { ProductId = e.ProductId, Available = e.Available, Version = e.Version, UpdatedAt = Clock.Now(time) });
            return;
        }
        if (e.Version <= copy.Version) return;
        copy.Available = e.Available;
        copy.Version = e.Version;
        copy.UpdatedAt = Clock.Now(time);
    }
}
