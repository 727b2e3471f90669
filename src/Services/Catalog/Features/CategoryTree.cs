using Microsoft.EntityFrameworkCore;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary>The category tree in memory (a shop has hundreds of categories, not millions): lookups by name or slug, subtrees.</summary>
internal sealed class CategoryTree(IReadOnlyList<CategoryTree.Node> nodes)
{
    internal sealed record Node(Guid Id, string Name, string Slug, Guid? ParentId);

    readonly Dictionary<Guid, Node> byId = nodes.ToDictionary(n => n.Id);

    public IReadOnlyList<Node> Nodes { get; } = nodes;

    public static async Task<CategoryTree> Load(CatalogDb db, CancellationToken ct) =>
        new(await db.Categories.AsNoTracking().Select(c => new Node(c.Id, c.Name, c.Slug, c.ParentId)).ToListAsync(ct));

    /// <summary>The category whose name (any case) or slug is <paramref name="nameOrSlug"/>.</summary>
    public Node? Find(string nameOrSlug)
    {
        var value = nameOrSlug.Trim();
        return Nodes.FirstOrDefault(n => string.Equals(n.Name, value, StringComparison.OrdinalIgnoreCase))
            ?? Nodes.FirstOrDefault(n => string.Equals(n.Slug, value, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary><paramref name="root"/> and every category below it.</summary>
    public List<Guid> Subtree(Guid root)
    {
        var children = Nodes.Where(n => n.ParentId is not null).ToLookup(n => n.ParentId!.Value, n => n.Id);
        var result = new List<Guid> { root };
        for (var i = 0; i < result.Count; i++) result.AddRange(children[result[i]]);
        return result;
    }

    public Node? ById(Guid id) => byId.GetValueOrDefault(id);

    /// <summary>A slug from a name: lower-case letters and digits, words joined by '-'.</summary>
    public static string Slugify(string name)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var ch in name.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(ch)) builder.Append(ch);
            else if (builder.Length > 0 && builder[^1] != '-') builder.Append('-');
        }
        return builder.ToString().Trim('-');
    }
}
