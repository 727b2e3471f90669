using System.Net;
using System.Net.Http.Json;

namespace TaskFlow.Catalog.Tests;

public abstract class CategoryTests(ShopApp app) : CatalogTestBase(app)
{
    [Fact]
    public async Task Categories_form_a_tree_that_admins_create_rename_move_and_delete()
    {
        var top = await CreateCategory(Unique("Home "));
        var topId = top.GetProperty("id").GetGuid();
        Assert.Equal(top.GetProperty("name").GetString()!.ToLowerInvariant().Replace(' ', '-'), top.GetProperty("slug").GetString());
        var kitchen = await CreateCategory(Unique("Kitchen"), topId);
        var kitchenId = kitchen.GetProperty("id").GetGuid();
        Assert.Equal(topId, kitchen.GetProperty("parent_id").GetGuid());
        var knives = await CreateCategory(Unique("Knives"), kitchenId);
        var knivesId = knives.GetProperty("id").GetGuid();

        var all = (await GetJson("/v1/categories")).GetProperty("data").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList();
        Assert.True(all.IndexOf(topId) < all.IndexOf(kitchenId) && all.IndexOf(kitchenId) < all.IndexOf(knivesId), "parents come before their children");
        Assert.Equal(kitchen.GetRawText(), (await GetJson($"/v1/categories/{kitchenId}")).GetRawText());

        var admin = Admin();
        // A move under its own subtree is refused; names and slugs are unique.
        await AssertValidation(await admin.PutAsJsonAsync($"/v1/categories/{topId}", new { name = "Loop", parent_id = knivesId }, Ct), "parent_id");
        await AssertValidation(await admin.PutAsJsonAsync($"/v1/categories/{topId}", new { name = "Loop", parent_id = topId }, Ct), "parent_id");
        await AssertProblem(await admin.PostAsJsonAsync("/v1/categories", new { name = kitchen.GetProperty("name").GetString()!.ToUpperInvariant() }, Ct), HttpStatusCode.Conflict, "category-taken");
        await AssertValidation(await admin.PostAsJsonAsync("/v1/categories", new { name = "", slug = "Not A Slug" }, Ct), "name", "slug");
        await AssertValidation(await admin.PostAsJsonAsync("/v1/categories", new { name = "Orphan", parent_id = Guid.NewGuid() }, Ct), "parent_id");

        // Renaming shows in its products at once; moving to the top keeps the products.
        var product = await CreateProduct(knives.GetProperty("name").GetString()!, "Chef's knife");
        var renamed = Unique("Blades");
        var put = await admin.PutAsJsonAsync($"/v1/categories/{knivesId}", new { name = renamed, parent_id = (Guid?)null }, Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(renamed, (await GetJson($"/v1/products/{product.GetProperty("id").GetGuid()}")).GetProperty("category").GetString());
        Assert.Empty(await Names($"/v1/products?category={top.GetProperty("slug").GetString()}"));

        // Deleting: not while it has products or subcategories.
        await AssertProblem(await admin.DeleteAsync($"/v1/categories/{knivesId}", Ct), HttpStatusCode.Conflict, "category-in-use");
        await AssertProblem(await admin.DeleteAsync($"/v1/categories/{topId}", Ct), HttpStatusCode.Conflict, "category-in-use");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/categories/{kitchenId}", Ct)).StatusCode);
        await AssertProblem(await Anonymous().GetAsync($"/v1/categories/{kitchenId}", Ct), HttpStatusCode.NotFound, "category-not-found");
        await AssertProblem(await Anonymous().GetAsync("/v1/categories/not-an-id", Ct), HttpStatusCode.NotFound, "category-not-found");
    }
}

public sealed class SqliteCategoryTests(SqliteShopApp app) : CategoryTests(app), IClassFixture<SqliteShopApp>;

public sealed class PostgresCategoryTests(PostgresShopApp app) : CategoryTests(app), IClassFixture<PostgresShopApp>;
