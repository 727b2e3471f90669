using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Catalog.Contracts;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary><c>POST /v1/products</c> (admin): adds a product; <c>stock_quantity</c> opens its stock at the inventory service.</summary>
internal static class CreateProduct
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder admin) =>
        admin.MapPost("", Handle)
            .WithName("CreateProduct")
            .WithSummary("Add a new product to the catalog (admin)")
            .WithDescription("201 with Location and the product. 400 naming each invalid field: name missing or over 255 characters, negative price or more than two decimals, " +
                "unknown ISO 4217 currency, unknown category (name or slug), image_url not an absolute http(s) address or over 2048 characters, negative stock_quantity. " +
                "401 without a valid token, 403 without the admin role. The stock is the inventory service's: ProductCreated carries stock_quantity to it, and the product shows that stock at once.")
            .WaitForLocalConsumers<CatalogDb, RouteHandlerBuilder>();

    static async Task<Results<Created<ProductResponse>, ValidationProblem>> Handle(ProductRequest request, CatalogDb db, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var tree = await CategoryTree.Load(db, ct);
        var name = ProductInput.Name(request.Name, errors);
        var description = ProductInput.Description(request.Description, errors);
        var price = ProductInput.Price(request.Price, errors);
        var currency = ProductInput.Currency(request.Currency, errors);
        var category = ProductInput.Category(request.Category, tree, errors);
        var stock = ProductInput.Stock(request.StockQuantity, errors);
        var imageUrl = ProductInput.ImageUrl(request.ImageUrl, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var now = Clock.Now(time);
        var product = new Product
        {
            Id = Guid.CreateVersion7(),
            Name = name!,
            Description = description,
            Price = price!.Value,
            Currency = currency,
            CategoryId = category!.Id,
            ImageUrl = imageUrl,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Products.Add(product);
        // Version 0: the catalog's own note of the initial stock, replaced by inventory's StockChanged (version 1 on).
        db.Stock.Add(new ProductStock { ProductId = product.Id, Available = stock, Version = 0, UpdatedAt = now });
        db.Publish(new ProductCreated(product.Id, product.Name, Money.TwoDecimals(product.Price), product.Currency, product.CategoryId, stock));
        await db.SaveChangesAsync(ct);
        var response = new ProductResponse(product.Id, product.Name, product.Description, product.Price, product.Currency, category.Name, stock, product.ImageUrl, now, now).Normalized();
        return TypedResults.Created($"/v1/products/{product.Id}", response);
    }
}
