using System.Text.Json.Serialization;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary>A category of the tree.</summary>
/// <param name="Id">The category's id.</param>
/// <param name="Name">Its name, unique in the tree regardless of case; products show it as <c>category</c>.</param>
/// <param name="Slug">Its slug (lower-case letters, digits and '-'), unique; <c>GET /v1/products?category=</c> takes it or the name.</param>
/// <param name="ParentId">The parent category, or null at the top of the tree.</param>
/// <param name="CreatedAt">When it was created (UTC).</param>
/// <param name="UpdatedAt">When it last changed (UTC).</param>
internal sealed record CategoryResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("slug")] string Slug,
    [property: JsonPropertyName("parent_id")] Guid? ParentId,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt)
{
    public static CategoryResponse From(Category c) => new(c.Id, c.Name, c.Slug, c.ParentId,
        DateTime.SpecifyKind(c.CreatedAt, DateTimeKind.Utc), DateTime.SpecifyKind(c.UpdatedAt, DateTimeKind.Utc));
}

/// <summary>Every category, parents before their children.</summary>
/// <param name="Data">The categories.</param>
internal sealed record CategoryList([property: JsonPropertyName("data")] IReadOnlyList<CategoryResponse> Data);

/// <summary>A category as an admin sends it (POST, PUT).</summary>
/// <param name="Name">Required, 1–100 characters, unique regardless of case.</param>
/// <param name="Slug">Optional; made from the name when absent. Lower-case letters, digits and '-', unique.</param>
/// <param name="ParentId">The parent category's id, or null for a top-level category.</param>
internal sealed record CategoryRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("slug")] string? Slug,
    [property: JsonPropertyName("parent_id")] Guid? ParentId);

internal static class CategoryInput
{
    /// <summary>Validates a category request against the tree; <paramref name="self"/> is the category being changed, if any.</summary>
    public static (string Name, string Slug)? Validate(CategoryRequest request, CategoryTree tree, Guid? self, Dictionary<string, string[]> errors)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name)) errors["name"] = ["name is required."];
        else if (name.Length > CatalogDb.CategoryNameMax) errors["name"] = [$"name is at most {CatalogDb.CategoryNameMax} characters."];
        var slug = string.IsNullOrWhiteSpace(request.Slug) ? CategoryTree.Slugify(name ?? "") : request.Slug.Trim();
        if (slug.Length is 0 or > CatalogDb.CategoryNameMax || slug != CategoryTree.Slugify(slug))
            errors["slug"] = ["slug must be 1–100 lower-case letters, digits and single '-' between them."];
        if (request.ParentId is { } parent)
        {
            if (tree.ById(parent) is null) errors["parent_id"] = ["There is no category with this id."];
            else if (self is { } id && tree.Subtree(id).Contains(parent)) errors["parent_id"] = ["A category cannot be moved under itself or one of its subcategories."];
        }
        return errors.Count == 0 ? (name!, slug) : null;
    }

    /// <summary>Another category already using the name or slug, as a detail for 409.</summary>
    public static string? Clash(CategoryTree tree, string name, string slug, Guid? self)
    {
        var others = tree.Nodes.Where(n => n.Id != self).ToList();
        if (others.Any(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase))) return $"A category named '{name}' exists already.";
        if (others.Any(n => n.Slug == slug)) return $"A category with the slug '{slug}' exists already.";
        return null;
    }
}
