using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary><c>GET /v1/products</c>: the design's list, with its filters, and sorts, price range, stock and facets beyond it.</summary>
internal static class ListProducts
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
    public const int MaxSearchLength = 200;
    static readonly string[] Sorts = ["newest", "price", "-price", "name", "-name", "relevance"];

    public static RouteHandlerBuilder Map(RouteGroupBuilder products) =>
        products.MapGet("", Handle)
            .AllowAnonymous()
            .WithName("ListProducts")
            .WithSummary("List products, with optional filtering and pagination")
            .WithDescription("category: a category's name or slug; its subcategories' products are included. search: full-text over name and description, each word also as a prefix (smart finds Smartphone). " +
                "limit 1–100 (default 20), offset ≥ 0 (default 0). Beyond the design: sort = newest (default), price, -price, name, -name or relevance (best match first; the default with search); " +
                "min_price/max_price (inclusive); in_stock=true (only products with stock); facets=category adds metadata.facets.category, the matching products per category. " +
                "Any other value is 400 naming the parameter.");

    sealed record Query(string? Category, IReadOnlyList<string>? Terms, int Limit, int Offset, string Sort, decimal? MinPrice, decimal? MaxPrice, bool InStock, bool Facets)
    {
        /// <summary>What selects the products (not how they are sorted or paged): the key of their counts.</summary>
        public string FilterKey() => string.Create(CultureInfo.InvariantCulture,
            $"{Category?.Trim().ToLowerInvariant()}|{(Terms is null ? "" : string.Join(' ', Terms))}|{MinPrice}|{MaxPrice}|{InStock}");

        public string Key() => string.Create(CultureInfo.InvariantCulture, $"list:{FilterKey()}|{Limit}|{Offset}|{Sort}|{Facets}");
    }

    static async Task<Results<Ok<ProductPage>, ValidationProblem, CachedJson>> Handle(
        string? category, string? search, string? limit, string? offset, string? sort,
        [FromQuery(Name = "min_price")] string? minPrice, [FromQuery(Name = "max_price")] string? maxPrice,
        [FromQuery(Name = "in_stock")] string? inStock, string? facets,
        HttpContext http, CatalogCache cache, CancellationToken ct)
    {
        var errors = Validate(category, search, limit, offset, sort, minPrice, maxPrice, inStock, facets, out var query);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var version = await cache.Version(ct);
        // The DbContext only on a miss: renting one from the pool for every cached read showed in the profile.
        var json = await cache.GetOrCreate(version, query.Key(),
            async token => JsonSerializer.SerializeToUtf8Bytes(await Run(http.RequestServices.GetRequiredService<CatalogDb>(), cache, version, query, token), ProductQueries.Json), ct);
        return new CachedJson(json!);
    }

    static Dictionary<string, string[]> Validate(
        string? category, string? search, string? limit, string? offset, string? sort, string? minPrice, string? maxPrice, string? inStock, string? facets,
        out Query query)
    {
        var found = new Dictionary<string, string[]>();
        var take = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxLimit))
            found["limit"] = [$"limit must be a whole number from 1 to {MaxLimit}."];
        var skip = 0;
        if (offset is not null && !int.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out skip))
            found["offset"] = ["offset must be a whole number, 0 or more."];
        IReadOnlyList<string>? terms = null;
        if (search is not null)
        {
            if (search.Length > MaxSearchLength) found["search"] = [$"search is at most {MaxSearchLength} characters."];
            else if ((terms = Terms(search)).Count == 0) found["search"] = ["search needs at least one letter or digit."];
        }
        var order = sort ?? (terms is null ? "newest" : "relevance");
        if (!Sorts.Contains(order)) found["sort"] = [$"sort must be one of {string.Join(", ", Sorts)}."];
        else if (order == "relevance" && terms is null) found["sort"] = ["sort=relevance ranks search results: give search too."];
        var min = Price(minPrice, "min_price", found);
        var max = Price(maxPrice, "max_price", found);
        if (min is not null && max is not null && min > max) found["max_price"] = ["max_price must not be below min_price."];
        var stocked = false;
        if (inStock is not null && !bool.TryParse(inStock, out stocked)) found["in_stock"] = ["in_stock must be true or false."];
        if (facets is not null && facets != "category") found["facets"] = ["facets can only be category."];
        if (category is { Length: > 100 }) found["category"] = ["category is at most 100 characters."];
        query = new Query(string.IsNullOrWhiteSpace(category) ? null : category, terms, take, skip, order, min, max, stocked, facets is not null);
        return found;
    }

    static decimal? Price(string? value, string name, Dictionary<string, string[]> found)
    {
        if (value is null) return null;
        if (decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var price)) return price;
        found[name] = [$"{name} must be a number such as 19.99, 0 or more."];
        return null;
    }

    /// <summary>The words of a search (letters and digits, lower case), at most 10; each is matched as a prefix.</summary>
    internal static List<string> Terms(string search)
    {
        var terms = new List<string>();
        var word = new System.Text.StringBuilder();
        foreach (var ch in search + " ")
        {
            if (char.IsLetterOrDigit(ch)) word.Append(char.ToLowerInvariant(ch));
            else if (word.Length > 0)
            {
                if (!terms.Contains(word.ToString())) terms.Add(word.ToString());
                word.Clear();
            }
        }
        return terms.Take(10).ToList();
    }

    sealed class Ranked
    {
        public required Product P { get; init; }
        public double Rank { get; init; }
    }

    /// <summary>
    /// A page costs at most two round trips besides the shared version read: the matching products counted per category
    /// (one grouped statement; the total is their sum, and the facets are these counts), cached per filter and version
    /// because every page of a filter shares them; and the page itself, whose products are sorted and cut to the page
    /// before their stock is joined (the category's name comes from the tree in memory). docs/adr/0041-shop-catalog-read-path.md
    /// </summary>
    static async Task<ProductPage> Run(CatalogDb db, CatalogCache cache, long version, Query query, CancellationToken ct)
    {
        var tree = await cache.Tree(db, version, ct);
        var products = ProductQueries.Visible(db);
        if (query.Category is not null)
        {
            if (tree.Find(query.Category) is not { } root) return new ProductPage([], new PageMetadata(0, query.Limit, query.Offset, query.Facets ? new Facets([]) : null));
            var ids = tree.Subtree(root.Id);
            // One category (a leaf, the usual case) as an equality: PostgreSQL then reads the (category, created_at) index
            // in order and stops at the page; "= ANY(array)" gives no order and joins every product of the category.
            var only = root.Id;
            products = ids.Count == 1 ? products.Where(p => p.CategoryId == only) : products.Where(p => ids.Contains(p.CategoryId));
        }
        if (query.MinPrice is { } min) products = products.Where(p => p.Price >= min);
        if (query.MaxPrice is { } max) products = products.Where(p => p.Price <= max);
        if (query.InStock) products = products.Where(p => db.Stock.Any(s => s.ProductId == p.Id && s.Available > 0));

        IQueryable<Ranked> ranked = query.Terms is { } terms
            ? from p in products join h in db.Search(terms) on p.Id equals h.ProductId select new Ranked { P = p, Rank = h.Rank }
            : products.Select(p => new Ranked { P = p, Rank = 0 });

        var counts = await CategoryCounts(cache, version, query, ranked, ct);
        var total = counts.Sum(c => c.Count);

        var data = new List<ProductResponse>();
        if (total > query.Offset)
        {
            var page = Sorted(ranked, query.Sort).Skip(query.Offset).Take(query.Limit);
            var rows = from r in page
                       join s in db.Stock on r.P.Id equals s.ProductId into stock
                       from s in stock.DefaultIfEmpty()
                       select new Row
                       {
                           Rank = r.Rank, Id = r.P.Id, Name = r.P.Name, Description = r.P.Description, Price = r.P.Price, Currency = r.P.Currency,
                           CategoryId = r.P.CategoryId, Stock = s == null ? 0 : s.Available, ImageUrl = r.P.ImageUrl, CreatedAt = r.P.CreatedAt, UpdatedAt = r.P.UpdatedAt,
                       };
            var pageRows = await Sorted(rows, query.Sort).ToListAsync(ct);
            // A category created after the version was read (with a product in it since): its name is in the database.
            if (pageRows.Any(r => tree.ById(r.CategoryId) is null)) tree = await CategoryTree.Load(db, ct);
            foreach (var r in pageRows)
                data.Add(new ProductResponse(r.Id, r.Name, r.Description, r.Price, r.Currency, tree.ById(r.CategoryId)?.Name ?? "", r.Stock, r.ImageUrl, r.CreatedAt, r.UpdatedAt).Normalized());
        }

        Facets? facets = null;
        if (query.Facets)
        {
            if (counts.Any(c => tree.ById(c.CategoryId) is null)) tree = await CategoryTree.Load(db, ct);
            facets = new Facets(counts
                .Select(c => tree.ById(c.CategoryId) is { } node ? new CategoryFacet(node.Id, node.Name, node.Slug, c.Count) : null)
                .OfType<CategoryFacet>()
                .OrderByDescending(f => f.Count).ThenBy(f => f.Name, StringComparer.Ordinal)
                .ToList());
        }
        return new ProductPage(data, new PageMetadata(total, query.Limit, query.Offset, facets));
    }

    /// <summary>A row of the page (properties, not a constructor, so that the outer query can sort by them).</summary>
    sealed class Row
    {
        public double Rank { get; init; }
        public Guid Id { get; init; }
        public required string Name { get; init; }
        public string? Description { get; init; }
        public decimal Price { get; init; }
        public required string Currency { get; init; }
        public Guid CategoryId { get; init; }
        public int Stock { get; init; }
        public string? ImageUrl { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime UpdatedAt { get; init; }
    }

    internal readonly record struct CategoryCount(Guid CategoryId, int Count);

    static IQueryable<Ranked> Sorted(IQueryable<Ranked> ranked, string sort) => sort switch
    {
        "price" => ranked.OrderBy(r => r.P.Price).ThenBy(r => r.P.Id),
        "-price" => ranked.OrderByDescending(r => r.P.Price).ThenBy(r => r.P.Id),
        "name" => ranked.OrderBy(r => r.P.Name).ThenBy(r => r.P.Id),
        "-name" => ranked.OrderByDescending(r => r.P.Name).ThenBy(r => r.P.Id),
        "relevance" => ranked.OrderByDescending(r => r.Rank).ThenByDescending(r => r.P.CreatedAt).ThenByDescending(r => r.P.Id),
        // Ids are UUIDv7, in order of creation: the tie-break within one second.
        _ => ranked.OrderByDescending(r => r.P.CreatedAt).ThenByDescending(r => r.P.Id),
    };

    /// <summary>The page's rows in the same order as <see cref="Sorted(IQueryable{Ranked}, string)"/> (SQL keeps no order through a subquery).</summary>
    static IQueryable<Row> Sorted(IQueryable<Row> rows, string sort) => sort switch
    {
        "price" => rows.OrderBy(r => r.Price).ThenBy(r => r.Id),
        "-price" => rows.OrderByDescending(r => r.Price).ThenBy(r => r.Id),
        "name" => rows.OrderBy(r => r.Name).ThenBy(r => r.Id),
        "-name" => rows.OrderByDescending(r => r.Name).ThenBy(r => r.Id),
        "relevance" => rows.OrderByDescending(r => r.Rank).ThenByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id),
        _ => rows.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id),
    };

    /// <summary>
    /// Matching products per category, in one grouped statement, cached under the filter (every page and sort of it shares
    /// them) and the catalog version, like the pages: never older than the version the request read.
    /// </summary>
    static async Task<List<CategoryCount>> CategoryCounts(CatalogCache cache, long version, Query query, IQueryable<Ranked> ranked, CancellationToken ct)
    {
        var bytes = await cache.GetOrCreate(version, "counts:" + query.FilterKey(), async token =>
        {
            var rows = await ranked.GroupBy(r => r.P.CategoryId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(token);
            return EncodeCounts(rows.Select(r => new CategoryCount(r.Key, r.Count)).ToList());
        }, ct);
        return DecodeCounts(bytes ?? []);
    }

    /// <summary>16 bytes of category id and 4 of count per category (no serializer, trim-safe).</summary>
    internal static byte[] EncodeCounts(IReadOnlyList<CategoryCount> counts)
    {
        // Never empty: the cache reads an empty entry as "nothing found".
        var bytes = new byte[1 + counts.Count * 20];
        for (var i = 0; i < counts.Count; i++)
        {
            counts[i].CategoryId.TryWriteBytes(bytes.AsSpan(1 + i * 20, 16));
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1 + i * 20 + 16, 4), counts[i].Count);
        }
        return bytes;
    }

    internal static List<CategoryCount> DecodeCounts(byte[] bytes)
    {
        var counts = new List<CategoryCount>((bytes.Length - 1) / 20);
        for (var at = 1; at + 20 <= bytes.Length; at += 20)
            counts.Add(new CategoryCount(new Guid(bytes.AsSpan(at, 16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 16, 4))));
        return counts;
    }
}
