using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Catalog.Contracts;

/// <summary>
/// A product was added to the catalog. Published in the same transaction as the product. The inventory service
/// consumes it to open the product's stock with <paramref name="InitialStock"/> units (reason <c>initial</c>) and answers
/// with <c>StockChanged</c>; the catalog shows <paramref name="InitialStock"/> until then.
/// </summary>
/// <param name="ProductId">The new product's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Price">Its price, two decimals.</param>
/// <param name="Currency">ISO 4217 code of the price.</param>
/// <param name="CategoryId">Its category.</param>
/// <param name="InitialStock">Units in stock when created (the request's <c>stock_quantity</c>, 0 when absent).</param>
public sealed record ProductCreated(Guid ProductId, string Name, decimal Price, string Currency, Guid CategoryId, int InitialStock) : IntegrationEvent;

/// <summary>A product's name, price, currency or category changed (PUT or PATCH). The values after the change.</summary>
/// <param name="ProductId">The product.</param>
/// <param name="Name">Its name.</param>
/// <param name="Price">Its price, two decimals.</param>
/// <param name="Currency">ISO 4217 code of the price.</param>
/// <param name="CategoryId">Its category.</param>
public sealed record ProductUpdated(Guid ProductId, string Name, decimal Price, string Currency, Guid CategoryId) : IntegrationEvent;

/// <summary>
/// A product was withdrawn from the catalog (soft delete): it no longer shows in lists or by id; orders keep their lines.
/// Inventory may stop accepting new reservations for it.
/// </summary>
/// <param name="ProductId">The product.</param>
public sealed record ProductDeleted(Guid ProductId) : IntegrationEvent;
