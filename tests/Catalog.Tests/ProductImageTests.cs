using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace TaskFlow.Catalog.Tests;

/// <summary><c>POST /v1/products/{id}/image</c> (admin, multipart) and the public image route it points <c>image_url</c> at.</summary>
public abstract class ProductImageTests(ShopApp app) : CatalogTestBase(app)
{
    static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 1, 2, 3, 4];
    static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1];
    static readonly byte[] WebP = [.. "RIFF"u8, 26, 0, 0, 0, .. "WEBPVP8 "u8, 1, 2, 3, 4];
    static readonly byte[] Svg = """<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"""u8.ToArray();

    static MultipartFormDataContent Form(byte[] bytes, string contentType = "image/png", string field = "file", string fileName = "photo.png")
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, field, fileName } };
    }

    async Task<string> NewProduct()
    {
        var category = await CreateCategory(Unique("Cameras"));
        return (await CreateProduct(category.GetProperty("name").GetString()!, imageUrl: "https://cdn.example.com/old.png")).GetProperty("id").GetString()!;
    }

    [Theory]
    [InlineData("png", "image/png")]
    [InlineData("jpeg", "image/jpeg")]
    [InlineData("webp", "image/webp")]
    public async Task An_admin_uploads_an_image_and_the_product_points_at_a_public_route_serving_it_with_its_type(string kind, string type)
    {
        var bytes = kind switch { "png" => Png, "jpeg" => Jpeg, _ => WebP };
        var id = await NewProduct();
        // The declared type does not matter: the bytes decide.
        var response = await Admin().PostAsync($"/v1/products/{id}/image", Form(bytes, "application/octet-stream", fileName: "x.bin"), Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var url = (await Json(response)).GetProperty("image_url").GetString()!;
        Assert.Matches("^/v1/products/images/[0-9a-f]{32}\\.(png|jpg|webp)$", url);
        Assert.Equal(url, (await GetJson($"/v1/products/{id}")).GetProperty("image_url").GetString());

        var image = await Anonymous().GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal(type, image.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", image.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(bytes, await image.Content.ReadAsByteArrayAsync(Ct));

        // A product read back and sent again (PUT) keeps its uploaded image_url.
        var product = await GetJson($"/v1/products/{id}");
        var put = await Send(Admin(), HttpMethod.Put, $"/v1/products/{id}", new
        {
            name = product.GetProperty("name").GetString(), price = product.GetProperty("price").GetDecimal(),
            category = product.GetProperty("category").GetString(), image_url = url,
        });
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_new_upload_replaces_the_image_and_the_old_one_is_gone()
    {
        var id = await NewProduct();
        var first = (await Json(await Admin().PostAsync($"/v1/products/{id}/image", Form(Png), Ct))).GetProperty("image_url").GetString()!;
        var second = (await Json(await Admin().PostAsync($"/v1/products/{id}/image", Form(Jpeg), Ct))).GetProperty("image_url").GetString()!;
        Assert.NotEqual(first, second);
        Assert.Equal(second, (await GetJson($"/v1/products/{id}")).GetProperty("image_url").GetString());
        await AssertProblem(await Anonymous().GetAsync(first, Ct), HttpStatusCode.NotFound, "product-image-not-found");
        Assert.Equal(HttpStatusCode.OK, (await Anonymous().GetAsync(second, Ct)).StatusCode);
    }

    [Fact]
    public async Task Anything_but_a_PNG_JPEG_or_WebP_is_refused_whatever_it_claims_to_be()
    {
        var id = await NewProduct();
        foreach (var (bytes, type) in new[] { (Svg, "image/svg+xml"), (Svg, "image/png"), ("GIF89a....."u8.ToArray(), "image/gif"), (Encoding.UTF8.GetBytes("<html>hi</html>"), "image/jpeg"), ([], "image/png") })
            await AssertValidation(await Admin().PostAsync($"/v1/products/{id}/image", Form(bytes, type), Ct), "file");
        await AssertValidation(await Admin().PostAsync($"/v1/products/{id}/image", Form(Png, field: "image"), Ct), "file");
        await AssertValidation(await Admin().PostAsync($"/v1/products/{id}/image", new ByteArrayContent(Png) { Headers = { ContentType = new("image/png") } }, Ct), "file");
        Assert.Equal("https://cdn.example.com/old.png", (await GetJson($"/v1/products/{id}")).GetProperty("image_url").GetString());
    }

    [Fact]
    public async Task An_image_over_the_size_limit_is_refused()
    {
        var id = await NewProduct();
        var big = new byte[2 * 1024 * 1024 + 1];
        Png.CopyTo(big, 0);
        await AssertValidation(await Admin().PostAsync($"/v1/products/{id}/image", Form(big), Ct), "file");
        var atLimit = new byte[2 * 1024 * 1024];
        Png.CopyTo(atLimit, 0);
        Assert.Equal(HttpStatusCode.OK, (await Admin().PostAsync($"/v1/products/{id}/image", Form(atLimit), Ct)).StatusCode);
    }

    [Fact]
    public async Task Only_admins_upload_and_an_unknown_product_or_image_is_404()
    {
        var id = await NewProduct();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().PostAsync($"/v1/products/{id}/image", Form(Png), Ct)).StatusCode);
        await AssertProblem(await Customer().PostAsync($"/v1/products/{id}/image", Form(Png), Ct), HttpStatusCode.Forbidden);
        await AssertProblem(await Admin().PostAsync($"/v1/products/{Guid.NewGuid()}/image", Form(Png), Ct), HttpStatusCode.NotFound, "product-not-found");
        await AssertProblem(await Admin().PostAsync("/v1/products/not-a-uuid/image", Form(Png), Ct), HttpStatusCode.NotFound, "product-not-found");
        await AssertProblem(await Anonymous().GetAsync($"/v1/products/images/{Guid.NewGuid():N}.png", Ct), HttpStatusCode.NotFound, "product-image-not-found");
        await AssertProblem(await Anonymous().GetAsync("/v1/products/images/..%2F..%2Fcatalog.db", Ct), HttpStatusCode.NotFound, "product-image-not-found");
        Assert.Equal("https://cdn.example.com/old.png", (await GetJson($"/v1/products/{id}")).GetProperty("image_url").GetString());
    }
}

public sealed class SqliteProductImageTests(SqliteShopApp app) : ProductImageTests(app), IClassFixture<SqliteShopApp>;

public sealed class PostgresProductImageTests(PostgresShopApp app) : ProductImageTests(app), IClassFixture<PostgresShopApp>;
