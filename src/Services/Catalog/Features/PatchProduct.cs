using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary><c>PATCH /v1/products/{productId}</c> (admin): changes only the fields present (JSON merge patch: null clears an optional field).</summary>
internal static class PatchProduct
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder admin) =>
        admin.MapPatch("/{productId}", Handle)
            .WithName("PatchProduct")
            .WithSummary("Change some of a product's fields (admin)")
            .WithDescription("Send only the fields to change, with the names and rules of POST; null clears description or image_url. stock_quantity is ignored: stock changes go through the inventory service. 404 for an unknown or deleted product.")
            .Accepts<ProductRequest>("application/json", "application/merge-patch+json")
            .WaitForLocalConsumers<CatalogDb, RouteHandlerBuilder>();

    static async Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        string productId, HttpRequest http, CatalogDb db, TimeProvider time, CancellationToken ct)
    {
        if (!Guid.TryParse(productId, out var id) || await db.Products.SingleOrDefaultAsync(p => p.Id == id && p.DeletedAt == null, ct) is not { } product)
            return Problems.ProductNotFound();
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Body, ProductQueries.Json, ct);
        }
        catch (JsonException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The body must be a JSON object."] });
        }
        if (body.ValueKind != JsonValueKind.Object)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The body must be a JSON object."] });

        var errors = new Dictionary<string, string[]>();
        var tree = await CategoryTree.Load(db, ct);
        foreach (var field in body.EnumerateObject())
        {
            var value = field.Value;
            var isNull = value.ValueKind == JsonValueKind.Null;
            string? Text() => value.ValueKind == JsonValueKind.String ? value.GetString() : isNull ? null : Wrong("a string");
            string? Wrong(string what)
            {
                errors[field.Name] = [$"{field.Name} must be {what}."];
                return null;
            }
            switch (field.Name)
            {
                case "name":
                    if (ProductInput.Name(Text(), errors) is { } name) product.Name = name;
                    break;
                case "description":
                    product.Description = ProductInput.Description(Text(), errors);
                    break;
                case "price":
                    decimal? price = value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var p) ? p : null;
                    if (price is null && value.ValueKind != JsonValueKind.Null) Wrong("a number such as 19.99");
                    else if (ProductInput.Price(price, errors) is { } ok) product.Price = ok;
                    break;
                case "currency":
                    if (isNull) Wrong("an ISO 4217 code");
                    else product.Currency = ProductInput.Currency(Text(), errors);
                    break;
                case "category":
                    if (ProductInput.Category(Text(), tree, errors) is { } category) product.CategoryId = category.Id;
                    break;
                case "image_url":
                    product.ImageUrl = ProductInput.ImageUrl(Text(), errors);
                    break;
            }
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await ReplaceProduct.Save(db, product, time, ct));
    }
}
