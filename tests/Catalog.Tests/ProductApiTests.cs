using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TaskFlow.Catalog.Tests;

/// <summary>The design's <c>/v1/products</c> API, to the letter: shapes, defaults, names, errors.</summary>
public abstract class ProductApiTests(ShopApp app) : CatalogTestBase(app)
{
    static readonly string[] ProductFields = ["category", "created_at", "currency", "description", "id", "image_url", "name", "price", "stock_quantity", "updated_at"];

    [Fact]
    public async Task The_list_has_the_designs_shape_defaults_and_snake_case_fields()
    {
        var category = Unique("Electronics");
        await CreateCategory(category);
        var created = await CreateProduct(category, "Smartphone X", 999.99m, 150, imageUrl: "https://cdn.ecommerce.com/images/prod_123.jpg");

        var response = await Anonymous().GetAsync($"/v1/products?category={category}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var raw = await response.Content.ReadAsStringAsync(Ct);
        var body = JsonDocument.Parse(raw).RootElement;
        Assert.Equal(["data", "metadata"], body.EnumerateObject().Select(p => p.Name).ToArray());
        var metadata = body.GetProperty("metadata");
        Assert.Equal(["total", "limit", "offset"], metadata.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(1, metadata.GetProperty("total").GetInt32());
        Assert.Equal(20, metadata.GetProperty("limit").GetInt32());
        Assert.Equal(0, metadata.GetProperty("offset").GetInt32());

        var product = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal(ProductFields, product.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal(created.GetProperty("id").GetGuid(), product.GetProperty("id").GetGuid());
        Assert.Equal("Smartphone X", product.GetProperty("name").GetString());
        Assert.Equal("Latest model smartphone...", product.GetProperty("description").GetString());
        Assert.Equal(JsonValueKind.Number, product.GetProperty("price").ValueKind);
        Assert.Equal("999.99", product.GetProperty("price").GetRawText());
        Assert.Equal("USD", product.GetProperty("currency").GetString());
        Assert.Equal(category, product.GetProperty("category").GetString());
        Assert.Equal(150, product.GetProperty("stock_quantity").GetInt32());
        Assert.Equal("https://cdn.ecommerce.com/images/prod_123.jpg", product.GetProperty("image_url").GetString());
        Assert.EndsWith("Z", product.GetProperty("created_at").GetString());
        Assert.EndsWith("Z", product.GetProperty("updated_at").GetString());

        // GET /v1/products/{id}: the same object.
        var one = await GetJson($"/v1/products/{product.GetProperty("id").GetGuid()}");
        Assert.Equal(product.GetRawText(), one.GetRawText());
    }

    [Fact]
    public async Task Prices_are_json_numbers_with_two_decimals_end_to_end()
    {
        var category = Unique("Laptops");
        await CreateCategory(category);
        var response = await Admin().PostAsync("/v1/products", new StringContent(
            $$"""{"name":"New Laptop Pro","description":"High-performance laptop.","price":1499.00,"currency":"USD","category":"{{category}}","stock_quantity":50,"image_url":"https://cdn.ecommerce.com/images/new_laptop.jpg"}""",
            System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("\"price\":1499.00,", await response.Content.ReadAsStringAsync(Ct));
        var cheap = await CreateProduct(category, "Cable", 5m);
        Assert.Equal("5.00", cheap.GetProperty("price").GetRawText());
        var read = await Anonymous().GetStringAsync($"/v1/products/{cheap.GetProperty("id").GetGuid()}", Ct);
        Assert.Contains("\"price\":5.00,", read);
        var list = await Anonymous().GetStringAsync($"/v1/products?category={category}&sort=price", Ct);
        Assert.Contains("\"price\":5.00,", list);
        Assert.Contains("\"price\":1499.00,", list);
    }

    [Fact]
    public async Task Create_answers_201_with_location_and_the_created_object_as_in_the_design()
    {
        var category = Unique("Electronics");
        await CreateCategory(category);
        var response = await Admin().PostAsJsonAsync("/v1/products", new
        {
            name = "New Laptop Pro",
            description = "High-performance laptop.",
            price = 1499.00m,
            currency = "USD",
            category,
            stock_quantity = 50,
            image_url = "https://cdn.ecommerce.com/images/new_laptop.jpg",
        }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json(response);
        Assert.Equal(ProductFields, body.EnumerateObject().Select(p => p.Name).Order().ToArray());
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/v1/products/{id}", response.Headers.Location?.ToString());
        Assert.Equal("New Laptop Pro", body.GetProperty("name").GetString());
        Assert.Equal(category, body.GetProperty("category").GetString());
        Assert.Equal(50, body.GetProperty("stock_quantity").GetInt32());
        Assert.Equal(body.GetProperty("created_at").GetString(), body.GetProperty("updated_at").GetString());
        Assert.Equal(body.GetRawText(), (await GetJson($"/v1/products/{id}")).GetRawText());

        // The initial stock goes to the inventory service with the product.
        var created = Assert.Single(await Outbox("ProductCreated"), e => e.GetProperty("productId").GetGuid() == id);
        Assert.Equal(50, created.GetProperty("initialStock").GetInt32());
        Assert.Equal(1499.00m, created.GetProperty("price").GetDecimal());
    }

    [Fact]
    public async Task Currency_defaults_to_USD_and_stock_to_zero()
    {
        var category = Unique("Misc");
        await CreateCategory(category);
        var response = await Admin().PostAsJsonAsync("/v1/products", new { name = "Thing", price = 1m, category }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json(response);
        Assert.Equal("USD", body.GetProperty("currency").GetString());
        Assert.Equal(0, body.GetProperty("stock_quantity").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("description").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("image_url").ValueKind);
    }

    [Fact]
    public async Task Create_refuses_invalid_input_naming_each_field()
    {
        var category = Unique("Valid");
        await CreateCategory(category);
        var admin = Admin();
        async Task Refused(object body, params string[] fields) => await AssertValidation(await admin.PostAsJsonAsync("/v1/products", body, Ct), fields);

        await Refused(new { price = 1m, category }, "name");
        await Refused(new { name = "  ", price = 1m, category }, "name");
        await Refused(new { name = new string('x', 256), price = 1m, category }, "name");
        await Refused(new { name = "Ok", price = -0.01m, category }, "price");
        await Refused(new { name = "Ok", price = 1.999m, category }, "price");
        await Refused(new { name = "Ok", category }, "price");
        await Refused(new { name = "Ok", price = 1m, currency = "XYZ", category }, "currency");
        await Refused(new { name = "Ok", price = 1m, currency = "US", category }, "currency");
        await Refused(new { name = "Ok", price = 1m, category = "No such category " + Guid.NewGuid() }, "category");
        await Refused(new { name = "Ok", price = 1m }, "category");
        await Refused(new { name = "Ok", price = 1m, category, image_url = "/images/relative.jpg" }, "image_url");
        await Refused(new { name = "Ok", price = 1m, category, image_url = "ftp://cdn.example.com/a.jpg" }, "image_url");
        await Refused(new { name = "Ok", price = 1m, category, image_url = "https://cdn.example.com/" + new string('a', 2030) }, "image_url");
        await Refused(new { name = "Ok", price = 1m, category, stock_quantity = -1 }, "stock_quantity");
        await Refused(new { name = "", price = -5m, currency = "ABC", category = "nope-" + Guid.NewGuid(), image_url = "nope" },
            "name", "price", "currency", "category", "image_url");

        // 255 characters and exactly 2048 are fine.
        await CreateProduct(category, new string('n', 255), imageUrl: "https://cdn.example.com/" + new string('a', 2048 - 24));
        Assert.Equal(0, (await GetJson($"/v1/products?category={category}&search=ok")).GetProperty("metadata").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Create_without_a_token_is_401_and_without_the_admin_role_is_403()
    {
        var category = Unique("Guarded");
        await CreateCategory(category);
        var body = new { name = "Sneaky", price = 1m, category };

        var anonymous = await Anonymous().PostAsJsonAsync("/v1/products", body, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var forged = App.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.PostAsJsonAsync("/v1/products", body, Ct)).StatusCode);
        var customer = await Customer().PostAsJsonAsync("/v1/products", body, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, customer.StatusCode);

        Assert.Equal(0, (await GetJson($"/v1/products?category={category}")).GetProperty("metadata").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task An_unknown_or_invalid_product_id_is_404_problem_details()
    {
        await AssertProblem(await Anonymous().GetAsync($"/v1/products/{Guid.NewGuid()}", Ct), HttpStatusCode.NotFound, "product-not-found");
        await AssertProblem(await Anonymous().GetAsync("/v1/products/prod_123", Ct), HttpStatusCode.NotFound, "product-not-found");
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=-5", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("offset=x", "offset")]
    [InlineData("sort=cheapest", "sort")]
    [InlineData("sort=relevance", "sort")]
    [InlineData("min_price=-1", "min_price")]
    [InlineData("min_price=10&max_price=5", "max_price")]
    [InlineData("in_stock=maybe", "in_stock")]
    [InlineData("search=%21%21%21", "search")]
    [InlineData("limit=0&offset=-1", "limit", "offset")]
    public async Task Parameters_out_of_range_are_400_naming_the_parameter(string query, params string[] fields) =>
        await AssertValidation(await Anonymous().GetAsync("/v1/products?" + query, Ct), fields);

    [Fact]
    public async Task Limit_and_offset_page_through_the_list()
    {
        var category = Unique("Paged");
        await CreateCategory(category);
        for (var i = 0; i < 5; i++) await CreateProduct(category, $"Item {i}", 10m + i);

        var page = await GetJson($"/v1/products?category={category}&limit=2&offset=1&sort=price");
        Assert.Equal(["Item 1", "Item 2"], page.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(5, page.GetProperty("metadata").GetProperty("total").GetInt32());
        Assert.Equal(2, page.GetProperty("metadata").GetProperty("limit").GetInt32());
        Assert.Equal(1, page.GetProperty("metadata").GetProperty("offset").GetInt32());
        var beyond = await GetJson($"/v1/products?category={category}&offset=10");
        Assert.Empty(beyond.GetProperty("data").EnumerateArray());
        Assert.Equal(5, beyond.GetProperty("metadata").GetProperty("total").GetInt32());
        Assert.Equal(100, (await GetJson($"/v1/products?category={category}&limit=100")).GetProperty("metadata").GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task Category_filter_takes_a_name_or_slug_and_includes_subcategories()
    {
        var top = await CreateCategory(Unique("Electronics"));
        var phones = await CreateCategory(Unique("Phones"), top.GetProperty("id").GetGuid());
        var smart = await CreateCategory(Unique("Smartphones"), phones.GetProperty("id").GetGuid());
        var other = await CreateCategory(Unique("Garden"));
        await CreateProduct(top.GetProperty("name").GetString()!, "Television");
        await CreateProduct(phones.GetProperty("name").GetString()!, "Desk Phone");
        await CreateProduct(smart.GetProperty("slug").GetString()!, "Smartphone X");
        await CreateProduct(other.GetProperty("name").GetString()!, "Rake");

        Assert.Equal(["Desk Phone", "Smartphone X", "Television"], (await Names($"/v1/products?category={top.GetProperty("name").GetString()}&sort=name")).ToArray());
        Assert.Equal(["Desk Phone", "Smartphone X"], (await Names($"/v1/products?category={phones.GetProperty("slug").GetString()}&sort=name")).ToArray());
        Assert.Equal(["Smartphone X"], (await Names($"/v1/products?category={smart.GetProperty("name").GetString()!.ToUpperInvariant()}")).ToArray());
        Assert.Empty(await Names("/v1/products?category=no-such-category"));
    }

    [Fact]
    public async Task Search_is_full_text_with_prefixes_over_name_and_description()
    {
        var category = Unique("Search");
        var word = Unique("zq");
        await CreateCategory(category);
        await CreateProduct(category, $"Smartphone X {word}", description: "Latest model.");
        await CreateProduct(category, $"Phone case {word}", description: "Fits the smartphone X.");
        await CreateProduct(category, $"Laptop {word}", description: "A smart choice for work.");
        await CreateProduct(category, $"Desk lamp {word}", description: "Bright.");

        var smart = await Names($"/v1/products?category={category}&search=smart");
        Assert.Equal(3, smart.Count);
        Assert.DoesNotContain(smart, n => n.StartsWith("Desk", StringComparison.Ordinal));
        Assert.Equal([$"Smartphone X {word}"], (await Names($"/v1/products?search=smartphone%20{word}&sort=name")).Where(n => n.StartsWith("Smart", StringComparison.Ordinal)).ToArray());
        Assert.Equal(["Desk lamp " + word], (await Names($"/v1/products?search=BRIGH%20{word}")).ToArray());
        Assert.Equal(4, (await GetJson($"/v1/products?search={word}")).GetProperty("metadata").GetProperty("total").GetInt32());
        Assert.Empty(await Names($"/v1/products?search={word}%20nothinglikethis"));
    }

    [Fact]
    public async Task Relevance_ranks_better_matches_first()
    {
        var category = Unique("Rank");
        var word = Unique("kw");
        await CreateCategory(category);
        await CreateProduct(category, "Plain thing", description: $"Mentions {word} once among many other words that dilute the match a good deal.");
        await CreateProduct(category, $"{word} {word}", description: $"{word} {word} {word}");

        var names = await Names($"/v1/products?search={word}");
        Assert.Equal(2, names.Count);
        Assert.Equal($"{word} {word}", names[0]);
    }

    [Fact]
    public async Task Sorts_price_range_stock_and_facets_stay_within_the_designs_shape()
    {
        var top = await CreateCategory(Unique("Sport"));
        var topName = top.GetProperty("name").GetString()!;
        var bikes = await CreateCategory(Unique("Bikes"), top.GetProperty("id").GetGuid());
        var bikesName = bikes.GetProperty("name").GetString()!;
        await CreateProduct(topName, "Ball", 10m, stock: 0);
        await CreateProduct(topName, "Net", 25.50m, stock: 3);
        await CreateProduct(bikesName, "Bike", 499.99m, stock: 1);
        await CreateProduct(bikesName, "Bell", 7.25m, stock: 9);

        Assert.Equal(["Bell", "Ball", "Net", "Bike"], (await Names($"/v1/products?category={topName}&sort=price")).ToArray());
        Assert.Equal(["Bike", "Net", "Ball", "Bell"], (await Names($"/v1/products?category={topName}&sort=-price")).ToArray());
        Assert.Equal(["Ball", "Bell", "Bike", "Net"], (await Names($"/v1/products?category={topName}&sort=name")).ToArray());
        Assert.Equal(["Bell", "Bike", "Net", "Ball"], (await Names($"/v1/products?category={topName}&sort=newest")).ToArray());
        Assert.Equal(["Ball", "Net"], (await Names($"/v1/products?category={topName}&min_price=10&max_price=25.50&sort=price")).ToArray());
        Assert.Equal(["Bell", "Net", "Bike"], (await Names($"/v1/products?category={topName}&in_stock=true&sort=price")).ToArray());

        var faceted = await GetJson($"/v1/products?category={topName}&in_stock=true&facets=category");
        var facets = faceted.GetProperty("metadata").GetProperty("facets").GetProperty("category").EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("count").GetInt32());
        Assert.Equal(new Dictionary<string, int> { [bikesName] = 2, [topName] = 1 }, facets);
        Assert.Equal(3, faceted.GetProperty("metadata").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Put_patch_and_delete_change_the_product_and_delete_hides_it()
    {
        var category = Unique("Edit");
        var second = Unique("Moved");
        await CreateCategory(category);
        await CreateCategory(second);
        var product = await CreateProduct(category, "Old name", 10m, imageUrl: "https://cdn.example.com/a.jpg");
        var id = product.GetProperty("id").GetGuid();
        var admin = Admin();

        var put = await admin.PutAsJsonAsync($"/v1/products/{id}", new { name = "New name", price = 12.5m, currency = "EUR", category = second }, Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var replaced = await Json(put);
        Assert.Equal("New name", replaced.GetProperty("name").GetString());
        Assert.Equal("12.50", replaced.GetProperty("price").GetRawText());
        Assert.Equal("EUR", replaced.GetProperty("currency").GetString());
        Assert.Equal(second, replaced.GetProperty("category").GetString());
        Assert.Equal(JsonValueKind.Null, replaced.GetProperty("image_url").ValueKind);
        Assert.Equal(150, replaced.GetProperty("stock_quantity").GetInt32());
        await AssertValidation(await admin.PutAsJsonAsync($"/v1/products/{id}", new { name = "x", price = -1m, category = second }, Ct), "price");

        var patch = await Send(admin, HttpMethod.Patch, $"/v1/products/{id}", new { description = "Now described", image_url = "https://cdn.example.com/b.png" });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var patched = await Json(patch);
        Assert.Equal("New name", patched.GetProperty("name").GetString());
        Assert.Equal("Now described", patched.GetProperty("description").GetString());
        Assert.Equal("https://cdn.example.com/b.png", patched.GetProperty("image_url").GetString());
        await AssertValidation(await Send(admin, HttpMethod.Patch, $"/v1/products/{id}", new { price = 1.234m, currency = "???" }), "price", "currency");
        var cleared = await Json(await Send(admin, HttpMethod.Patch, $"/v1/products/{id}", new Dictionary<string, object?> { ["image_url"] = null }));
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("image_url").ValueKind);
        Assert.Equal(3, (await Outbox("ProductUpdated")).Count(e => e.GetProperty("productId").GetGuid() == id));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/products/{id}", Ct)).StatusCode);
        await AssertProblem(await Anonymous().GetAsync($"/v1/products/{id}", Ct), HttpStatusCode.NotFound, "product-not-found");
        Assert.Empty(await Names($"/v1/products?category={second}"));
        await AssertProblem(await admin.DeleteAsync($"/v1/products/{id}", Ct), HttpStatusCode.NotFound, "product-not-found");
        await AssertProblem(await admin.PutAsJsonAsync($"/v1/products/{id}", new { name = "Back", price = 1m, category }, Ct), HttpStatusCode.NotFound, "product-not-found");
        Assert.Single(await Outbox("ProductDeleted"), e => e.GetProperty("productId").GetGuid() == id);
    }
}

public sealed class SqliteProductApiTests(SqliteShopApp app) : ProductApiTests(app), IClassFixture<SqliteShopApp>;

public sealed class PostgresProductApiTests(PostgresShopApp app) : ProductApiTests(app), IClassFixture<PostgresShopApp>;
