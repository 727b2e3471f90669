using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TaskFlow.Catalog.Features;

/// <summary>The domain errors of this service, each with a stable <c>type</c> clients can switch on.</summary>
internal static class Problems
{
    const string Base = "https://taskflow.dev/problems/";

    public static ProblemHttpResult ProductNotFound() => Make(StatusCodes.Status404NotFound, "product-not-found",
        "Product not found.", "No product exists with this id.");

    public static ProblemHttpResult CategoryNotFound() => Make(StatusCodes.Status404NotFound, "category-not-found",
        "Category not found.", "No category exists with this id.");

    public static ProblemHttpResult CategoryTaken(string detail) => Make(StatusCodes.Status409Conflict, "category-taken",
        "The category name or slug is taken.", detail);

    public static ProblemHttpResult CategoryInUse(string detail) => Make(StatusCodes.Status409Conflict, "category-in-use",
        "The category is in use.", detail);

    static ProblemHttpResult Make(int status, string slug, string title, string detail) =>
        TypedResults.Problem(statusCode: status, type: Base + slug, title: title, detail: detail);
}
