using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Catalog.Contracts;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary><c>PUT /v1/products/{productId}</c> (admin): replaces every field a client sets (absent optional fields become empty).</summary>
internal static class ReplaceProduct
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder admin) =>
        admin.MapPut("/{productId}", Handle)
            .WithName("ReplaceProduct")
            .WithSummary("Replace a product's fields (admin)")
            .WithDescription("The body of POST; description and image_url become null when absent, currency USD. stock_quantity is ignored: stock changes go through the inventory service. 400 as for POST; 404 for an unknown or deleted product.")
            .WaitForLocalConsumers<CatalogDb, RouteHandlerBuilder>();

    static async Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        string productId, ProductRequest request, CatalogDb db, TimeProvider time, CancellationToken ct)
    {
        if (!Guid.TryParse(productId, out var id) || await db.Products.SingleOrDefaultAsync(p => p.Id == id && p.DeletedAt == null, ct) is not { } product)
            return Problems.ProductNotFound();
        var errors = new Dictionary<string, string[]>();
        var tree = await CategoryTree.Load(db, ct);
        var name = ProductInput.Name(request.Name, errors);
        var description = ProductInput.Description(request.Description, errors);
        var price = ProductInput.Price(request.Price, errors);
        var currency = ProductInput.Currency(request.Currency, errors);
        var category = ProductInput.Category(request.Category, tree, errors);
        var imageUrl = ProductInput.ImageUrl(request.ImageUrl, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        product.Name = name!;
        product.Description = description;
        product.Price = price!.Value;
        product.Currency = currency;
        product.CategoryId = category!.Id;
        product.ImageUrl = imageUrl;
        return TypedResults.Ok(await Save(db, product, time, ct));
    }

    /// <summary>Saves a changed product with its ProductUpdated event and answers it as read back.</summary>
    internal static async Task<ProductResponse> Save(CatalogDb db, Product product, TimeProvider time, CancellationToken ct)
    {
        product.UpdatedAt = Clock.Now(time);
        db.Publish(new ProductUpdated(product.Id, product.Name, Money.TwoDecimals(product.Price), product.Currency, product.CategoryId));
        await db.SaveChangesAsync(ct);
        return (await ProductQueries.One(db, product.Id, ct))!;
    }
}
