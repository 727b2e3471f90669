using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Catalog.Data;
using TaskFlow.Catalog.Features;
using TaskFlow.Inventory.Contracts;

namespace TaskFlow.Catalog.Consumers;

/// <summary>
/// Keeps <c>product_stock</c> in step with the inventory service: the available units of each product, applied only
/// when the event's version is newer than the copy's, so redelivered or late events never go back in time. The inbox
/// drops a message delivered twice; applying raises the catalog version, so cached reads show the new stock at once.
/// </summary>
internal sealed class StockChangedHandler(CatalogDb db, TimeProvider time) : IIntegrationEventHandler<StockChanged>
{
    public Task Handle(StockChanged e, CancellationToken ct) => StockCopy.Apply(db, e.ProductId, e.Available, e.Version, Clock.Now(time), ct);
}

/// <summary>
/// The one way the stock copy is written, by the event consumer and by the refresh inventory asks for before it answers
/// (<see cref="RefreshStock"/>, docs/adr/0038-shop-stock-read-your-writes.md). Two writers can race, so the version check
/// is part of the UPDATE's WHERE (PostgreSQL re-checks it on the locked row; SQLite writers queue): an older version
/// never overwrites a newer one, whoever commits last.
/// </summary>
internal static class StockCopy
{
    /// <summary>Applies <paramref name="available"/> at <paramref name="version"/> inside the caller's transaction; true when the copy changed.</summary>
    public static async Task<bool> Apply(CatalogDb db, Guid productId, int available, long version, DateTime now, CancellationToken ct)
    {
        var changed = await db.Stock.Where(s => s.ProductId == productId && s.Version < version)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Available, available).SetProperty(x => x.Version, version).SetProperty(x => x.UpdatedAt, now), ct);
        if (changed == 1)
        {
            // ExecuteUpdate bypasses SaveChanges, which raises the catalog version for tracked changes: raise it here.
            await db.Database.ExecuteSqlRawAsync("UPDATE catalog_state SET version = version + 1 WHERE id = 1", ct);
            return true;
        }
        if (await db.Stock.AnyAsync(s => s.ProductId == productId, ct)) return false;
        // The first stock of a product the catalog did not create with stock: tracked, so SaveChanges raises the version.
        db.Stock.Add(new ProductStock { ProductId = productId, Available = available, Version = version, UpdatedAt = now });
        return true;
    }
}
