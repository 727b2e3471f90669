using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.BuildingBlocks.Storage;
using TaskFlow.Catalog.Contracts;
using TaskFlow.Catalog.Data;
using TaskFlow.Catalog.Features;

namespace TaskFlow.Catalog.Demo;

/// <summary>
/// A first run of the shop all-in-one has something to show: when the catalog database is new (no category, no
/// product), about 300 products in a two-level category tree are added, each with stock (through ProductCreated, as an
/// admin's POST would), and an image per top category shipped in the repository (<c>Demo/Images</c>). <c>Catalog:DemoData=false</c> turns it off. Only in the all-in-one shape (every service in one
/// process, in-process events); a scaled-out catalog never loads it by itself.
/// </summary>
internal sealed class DemoCatalog(IServiceProvider services, IConfiguration configuration, ILogger<DemoCatalog> logger) : IHostedService
{
    public const string Key = "Catalog:DemoData";

    public static bool Wanted(IConfiguration configuration)
    {
        var services = configuration["services"];
        var allInOne = string.IsNullOrWhiteSpace(services) || services.Split(',').Any(s => s.Trim().Equals("all", StringComparison.OrdinalIgnoreCase));
        var inProcess = !string.Equals(configuration["Messaging:Transport"], "RabbitMQ", StringComparison.OrdinalIgnoreCase);
        return allInOne && inProcess && configuration.GetValue(Key, true);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Wanted(configuration)) return;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDb>();
        if (await db.Categories.AnyAsync(cancellationToken) || await db.Products.AnyAsync(cancellationToken)) return;
        await StoreImages(scope.ServiceProvider.GetRequiredService<IFileStorage>(), cancellationToken);
        var count = Fill(db, Clock.Now(TimeProvider.System));
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Loaded the demo catalog: {Products} products ({Key}=false turns this off)", count, Key);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The images shipped in this assembly (<c>Demo/Images</c>, one per top category) into the file storage, where the image route serves them.</summary>
    internal static async Task StoreImages(IFileStorage storage, CancellationToken ct)
    {
        var assembly = typeof(DemoCatalog).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("demo-", StringComparison.Ordinal)))
        {
            await using var image = assembly.GetManifestResourceStream(name)!;
            await storage.PutAsync(ProductImages.Key(name), image, "image/png", ct);
        }
    }

    static string ImageOf(string top) => $"{ProductImages.PathPrefix}demo-{CategoryTree.Slugify(top)}.png";

    static readonly (string Top, (string Name, string[] Items)[] Leaves)[] Tree =
    [
        ("Electronics", [
            ("Smartphones", ["Smartphone", "Phone", "Flip Phone", "Rugged Phone"]),
            ("Laptops", ["Laptop", "Ultrabook", "Notebook", "Gaming Laptop"]),
            ("Headphones", ["Headphones", "Earbuds", "Headset", "Studio Monitors"]),
            ("Speakers", ["Speaker", "Soundbar", "Smart Speaker", "Subwoofer"]),
            ("Cameras", ["Camera", "Action Camera", "Lens", "Tripod"]),
            ("Wearables", ["Smartwatch", "Fitness Band", "Smart Ring", "VR Headset"]),
        ]),
        ("Home & Kitchen", [
            ("Kitchen", ["Chef's Knife", "Frying Pan", "Blender", "Kettle"]),
            ("Furniture", ["Desk", "Office Chair", "Bookshelf", "Side Table"]),
            ("Lighting", ["Desk Lamp", "Floor Lamp", "LED Strip", "Pendant Light"]),
        ]),
        ("Books", [
            ("Fiction", ["Novel", "Short Stories", "Thriller", "Fantasy Saga"]),
            ("Non-fiction", ["Biography", "History", "Cookbook", "Field Guide"]),
            ("Children's Books", ["Picture Book", "Bedtime Stories", "Activity Book", "First Reader"]),
        ]),
        ("Sports & Outdoors", [
            ("Fitness", ["Yoga Mat", "Dumbbell Set", "Kettlebell", "Resistance Bands"]),
            ("Camping", ["Tent", "Sleeping Bag", "Camping Stove", "Headlamp"]),
            ("Cycling", ["Bike Helmet", "Bike Light", "Cycling Gloves", "Water Bottle"]),
        ]),
        ("Clothing", [
            ("Jackets", ["Rain Jacket", "Down Jacket", "Fleece", "Windbreaker"]),
            ("Shoes", ["Running Shoes", "Hiking Boots", "Sneakers", "Sandals"]),
            ("T-Shirts", ["T-Shirt", "Long Sleeve Tee", "Polo Shirt", "Tank Top"]),
        ]),
    ];

    static readonly string[] Lines = ["Nova", "Aurora", "Summit", "Pixel", "Harbor"];
    static readonly string[] Qualities = ["light and sturdy", "made to last", "our best seller", "great value", "for every day"];

    /// <summary>Adds the demo categories and products (with their stock and ProductCreated events) to <paramref name="db"/>; the caller saves.</summary>
    internal static int Fill(CatalogDb db, DateTime now)
    {
        var random = new Random(20261207);
        var count = 0;
        foreach (var (top, leaves) in Tree)
        {
            var parent = AddCategory(db, top, null, now);
            foreach (var (leaf, items) in leaves)
            {
                var category = AddCategory(db, leaf, parent.Id, now);
                foreach (var item in items)
                {
                    foreach (var line in Lines)
                    {
                        var price = Money.TwoDecimals(Math.Round((decimal)(random.NextDouble() * 480 + 9), 0) - 0.01m);
                        var stock = random.Next(0, 8) == 0 ? 0 : random.Next(1, 250);
                        var created = now.AddMinutes(-count);
                        var product = new Product
                        {
                            Id = Guid.CreateVersion7(),
                            Name = $"{item} {line}",
                            Description = $"The {line} {item.ToLowerInvariant()}: {Qualities[random.Next(Qualities.Length)]}. Filed under {leaf} in {top}.",
                            Price = price,
                            Currency = "USD",
                            CategoryId = category.Id,
                            ImageUrl = ImageOf(top),
                            CreatedAt = created,
                            UpdatedAt = created,
                        };
                        db.Products.Add(product);
                        db.Stock.Add(new ProductStock { ProductId = product.Id, Available = stock, Version = 0, UpdatedAt = now });
                        db.Publish(new ProductCreated(product.Id, product.Name, product.Price, product.Currency, product.CategoryId, stock));
                        count++;
                    }
                }
            }
        }
        return count;
    }

    static Category AddCategory(CatalogDb db, string name, Guid? parentId, DateTime now)
    {
        var category = new Category
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            NormalizedName = name.ToLowerInvariant(),
            Slug = CategoryTree.Slugify(name),
            ParentId = parentId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Categories.Add(category);
        return category;
    }
}
