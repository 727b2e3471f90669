using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace TaskFlow.Catalog.Tests;

/// <summary><c>POST /v1/products/import</c>: CSV in, a per-row report out; all or nothing unless <c>?partial=true</c>.</summary>
public abstract class ImportTests(ShopApp app) : CatalogTestBase(app)
{
    static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    async Task<HttpResponseMessage> Import(string csv, string query = "") => await Admin().PostAsync("/v1/products/import" + query, Csv(csv), Ct);

    static List<(int Row, string Field)> RowErrors(JsonElement body) =>
        [.. body.GetProperty("row_errors").EnumerateArray().Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("field").GetString()!))];

    async Task<int> Total(string category) => (await GetJson($"/v1/products?category={Uri.EscapeDataString(category)}")).GetProperty("metadata").GetProperty("total").GetInt32();

    [Fact]
    public async Task A_file_with_quoted_commas_quotes_and_line_breaks_is_imported_with_its_stock()
    {
        var category = Unique("Phones");
        await CreateCategory(category);
        var csv = "\uFEFFcategory,name,price,description,stock_quantity,currency\r\n"
            + $"{category},\"Smartphone X, 128 GB\",999.99,\"The \"\"X\"\": 6.1\"\" screen\r\nand a second line\",150,usd\r\n"
            + "\r\n"
            + $"{category},Plain phone,1499,,,\r\n"
            + $"{category},\"-5 degrees\",0.50,\"-20% off, today only\",0,EUR";
        var response = await Import(csv);
        var body = await Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.GetRawText());
        Assert.Equal(3, body.GetProperty("imported").GetInt32());
        Assert.Equal(0, body.GetProperty("rejected").GetInt32());
        Assert.Empty(body.GetProperty("row_errors").EnumerateArray());

        var ids = body.GetProperty("product_ids").EnumerateArray().Select(i => i.GetString()!).ToList();
        var first = await GetJson($"/v1/products/{ids[0]}");
        Assert.Equal("Smartphone X, 128 GB", first.GetProperty("name").GetString());
        Assert.Equal("The \"X\": 6.1\" screen\r\nand a second line", first.GetProperty("description").GetString());
        Assert.Equal("USD", first.GetProperty("currency").GetString());
        Assert.Equal(150, first.GetProperty("stock_quantity").GetInt32());
        var plain = await Anonymous().GetStringAsync($"/v1/products/{ids[1]}", Ct);
        Assert.Contains("\"price\":1499.00,", plain);
        Assert.Contains("\"stock_quantity\":0,", plain);
        Assert.Equal("-5 degrees", (await GetJson($"/v1/products/{ids[2]}")).GetProperty("name").GetString());
        Assert.Equal(3, await Total(category));

        // Stock goes to inventory as a POST's does: ProductCreated with the initial stock.
        var created = (await Outbox("ProductCreated")).Single(e => e.GetProperty("productId").GetString() == ids[0]);
        Assert.Equal(150, created.GetProperty("initialStock").GetInt32());
    }

    [Fact]
    public async Task One_bad_row_imports_nothing_and_the_report_names_each_row_and_field()
    {
        var category = Unique("Tools");
        await CreateCategory(category);
        var csv = "name,price,category,stock_quantity,image_url\n"
            + $"Hammer,12.50,{category},10,\n"
            + $",12.501,{category},-1,ftp://example.com/a.png\n"
            + $"Saw,abc,No such category {Guid.NewGuid():N},ten,\n"
            + $"Drill,99,{category},5\n"
            + $"Level,7.00,{category},3,";
        var response = await Import(csv);
        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "import-invalid");
        Assert.Equal(0, problem.GetProperty("imported").GetInt32());
        Assert.Equal(
            [(3, "image_url"), (3, "name"), (3, "price"), (3, "stock_quantity"), (4, "category"), (4, "price"), (4, "stock_quantity"), (5, "row")],
            RowErrors(problem).Order().ToList());
        Assert.All(problem.GetProperty("row_errors").EnumerateArray(), e => Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("message").GetString())));
        Assert.Equal(0, await Total(category));

        var partial = await Import(csv, "?partial=true");
        var report = await Json(partial);
        Assert.True(partial.StatusCode == HttpStatusCode.OK, report.GetRawText());
        Assert.Equal(2, report.GetProperty("imported").GetInt32());
        Assert.Equal(3, report.GetProperty("rejected").GetInt32());
        Assert.Equal([3, 4, 5], RowErrors(report).Select(e => e.Row).Distinct().Order().ToList());
        Assert.Equal(["Hammer", "Level"], (await Names($"/v1/products?category={category}&sort=name")));
    }

    [Fact]
    public async Task Text_that_starts_like_a_spreadsheet_formula_is_refused()
    {
        var category = Unique("Formulas");
        await CreateCategory(category);
        var csv = "name,description,price,category\n"
            + $"\"=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",fine,1.00,{category}\n"
            + $"+SUM(A1:A9),fine,1.00,{category}\n"
            + $"@cmd,fine,1.00,{category}\n"
            + $"Fine name,\"\tindented\",1.00,{category}\n"
            + $"Price formula,fine,=1+1,{category}\n"
            + $"Minus is text,-fine-,1.00,{category}";
        var problem = await AssertProblem(await Import(csv), HttpStatusCode.BadRequest, "import-invalid");
        Assert.Equal([(2, "name"), (3, "name"), (4, "name"), (5, "description"), (6, "price")], RowErrors(problem).Distinct().Order().ToList());
        Assert.Equal(0, await Total(category));
    }

    [Fact]
    public async Task A_malformed_file_or_header_is_reported_and_nothing_is_imported()
    {
        var category = Unique("Broken");
        await CreateCategory(category);
        Assert.Equal([(0, "file")], RowErrors(await AssertProblem(await Import($"name,price,category\n\"Unclosed,1.00,{category}\n"), HttpStatusCode.BadRequest, "import-invalid")));
        Assert.Equal([(0, "file")], RowErrors(await AssertProblem(await Import($"name,price,category\n\"Quoted\"tail,1.00,{category}\n"), HttpStatusCode.BadRequest, "import-invalid")));
        Assert.Equal([(1, "colour"), (1, "price")], RowErrors(await AssertProblem(await Import($"name,colour,category\nX,red,{category}\n"), HttpStatusCode.BadRequest, "import-invalid")).Order().ToList());
        Assert.Equal([(1, "file")], RowErrors(await AssertProblem(await Import("name,price,category\n"), HttpStatusCode.BadRequest, "import-invalid")));
        Assert.Equal([(1, "file")], RowErrors(await AssertProblem(await Import(""), HttpStatusCode.BadRequest, "import-invalid")));
        var json = await Admin().PostAsync("/v1/products/import", new StringContent("{}", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal([(0, "file")], RowErrors(await AssertProblem(json, HttpStatusCode.BadRequest, "import-invalid")));
        Assert.Equal(0, await Total(category));
    }

    [Fact]
    public async Task A_file_sent_as_multipart_is_imported_too()
    {
        var category = Unique("Multipart");
        await CreateCategory(category);
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes($"name,price,category,stock_quantity\nLamp,25.00,{category},4\n"));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var response = await Admin().PostAsync("/v1/products/import", new MultipartFormDataContent { { file, "file", "products.csv" } }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await Json(response)).GetProperty("imported").GetInt32());
        Assert.Equal(4, (await GetJson($"/v1/products?category={category}")).GetProperty("data")[0].GetProperty("stock_quantity").GetInt32());
    }

    [Fact]
    public async Task A_thousand_rows_are_imported_at_once()
    {
        var category = Unique("Bulk");
        await CreateCategory(category);
        var csv = new StringBuilder("name,description,price,category,stock_quantity\n");
        for (var i = 1; i <= 1000; i++) csv.Append($"\"Bulk item {i}\",\"Item {i}, in bulk\",{i}.{i % 100:00},{category},{i % 50}\n");
        var response = await Import(csv.ToString());
        var body = await Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.GetRawText()[..Math.Min(2000, body.GetRawText().Length)]);
        Assert.Equal(1000, body.GetProperty("imported").GetInt32());
        Assert.Equal(1000, await Total(category));
        var page = await Anonymous().GetStringAsync($"/v1/products?category={category}&sort=-price&limit=1", Ct);
        Assert.Contains("\"price\":1000.00,", page);
        Assert.Contains("\"stock_quantity\":0,", page);
    }
}

public sealed class SqliteImportTests(SqliteShopApp app) : ImportTests(app), IClassFixture<SqliteShopApp>;

public sealed class PostgresImportTests(PostgresShopApp app) : ImportTests(app), IClassFixture<PostgresShopApp>;
