using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Catalog.Contracts;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary>One problem of an imported file: the row (the line it starts on; the header is row 1, as a spreadsheet numbers it), the column and why.</summary>
internal sealed record ImportError(
    [property: JsonPropertyName("row")] int Row,
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("message")] string Message);

/// <summary>What an import did: products added (their ids, in file order), rows refused and why.</summary>
internal sealed record ImportReport(
    [property: JsonPropertyName("imported")] int Imported,
    [property: JsonPropertyName("rejected")] int Rejected,
    [property: JsonPropertyName("product_ids")] IReadOnlyList<Guid> ProductIds,
    [property: JsonPropertyName("row_errors")] IReadOnlyList<ImportError> RowErrors);

/// <summary>
/// <c>POST /v1/products/import</c> (admin): products from a CSV file (RFC 4180: a header row, commas, double quotes around
/// fields with commas, quotes or line breaks, <c>""</c> for a quote; UTF-8, a BOM is ignored). Columns, any order, by
/// header name: <c>name</c>, <c>price</c>, <c>category</c> (required), <c>description</c>, <c>currency</c>,
/// <c>stock_quantity</c>, <c>image_url</c>; each value is checked exactly as in <c>POST /v1/products</c>. Text that
/// starts like a spreadsheet formula (<c>=</c>, <c>+</c>, <c>@</c>, tab, carriage return) is refused, so a file cannot
/// plant a formula that a later export would run. All rows are checked first; by default one bad row imports nothing
/// (400 with every row's errors), <c>?partial=true</c> imports the good rows and reports the others. The good rows are
/// saved in one transaction; each publishes ProductCreated with its stock_quantity, as a POST does.
/// </summary>
internal static class ImportProducts
{
    public const int MaxRows = 10_000;
    public const int MaxBytes = 10 * 1024 * 1024;
    const string FileField = "file";

    static readonly string[] Known = ["name", "description", "price", "currency", "category", "stock_quantity", "image_url"];
    static readonly string[] Required = ["name", "price", "category"];

    public static RouteHandlerBuilder Map(RouteGroupBuilder admin) =>
        admin.MapPost("/import", Handle)
            .DocumentFileUpload(FileField, "The CSV file as the body (text/csv), or as the field `file` of multipart/form-data. " +
                "Example:\n\nname,description,price,currency,category,stock_quantity,image_url\n\"Smartphone X\",\"Latest model, 6.1\"\" screen\",999.99,USD,Electronics,150,", "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithName("ImportProducts")
            .WithSummary("Import products from a CSV file (admin)")
            .WithDescription("Columns name, price, category (required), description, currency, stock_quantity, image_url, checked as in POST /v1/products; " +
                "at most 10,000 rows and 10 MB. 200 with {imported, rejected, product_ids, row_errors:[{row, field, message}]} (row 1 is the header). " +
                "By default any bad row imports nothing: 400 problem import-invalid with the same row_errors; ?partial=true imports the good rows. " +
                "Text starting with =, +, @, tab or carriage return is refused (spreadsheet formulas).")
            .WaitForLocalConsumers<CatalogDb, RouteHandlerBuilder>();

    static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> Handle(
        HttpRequest request, CatalogDb db, TimeProvider time, CancellationToken ct, bool? partial = null)
    {
        if (request.ContentLength > MaxBytes + 16 * 1024) return Invalid([new(0, FileField, $"The file is larger than {MaxBytes:N0} bytes.")]);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            bodyLimit.MaxRequestBodySize = MaxBytes + 16 * 1024;
        string text;
        try
        {
            if (await ReadFile(request, ct) is not { } read)
                return Invalid([new(0, FileField, "Send the CSV as text/csv, or as the field file of multipart/form-data.")]);
            text = read;
        }
        catch (InvalidDataException e)
        {
            return Invalid([new(0, FileField, e.Message)]);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Invalid([new(0, FileField, $"The file is larger than {MaxBytes:N0} bytes.")]);
        }

        List<(int Row, string[] Fields)> records;
        try
        {
            records = Csv.Parse(text);
        }
        catch (FormatException e)
        {
            return Invalid([new(0, FileField, e.Message)]);
        }
        if (records.Count == 0) return Invalid([new(1, FileField, "The file is empty: it needs a header row and at least one product.")]);
        var header = records[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        var headerErrors = new List<ImportError>();
        foreach (var (column, index) in header.Select((h, i) => (h, i)))
        {
            if (!Known.Contains(column)) headerErrors.Add(new(1, column.Length == 0 ? $"column {index + 1}" : column, $"Unknown column; expected {string.Join(", ", Known)}."));
            else if (Array.IndexOf(header, column) != index) headerErrors.Add(new(1, column, "The column appears twice."));
        }
        foreach (var column in Required.Where(c => !header.Contains(c))) headerErrors.Add(new(1, column, "This column is required."));
        if (headerErrors.Count > 0) return Invalid(headerErrors);
        if (records.Count == 1) return Invalid([new(1, FileField, "The file has a header but no products.")]);
        if (records.Count - 1 > MaxRows) return Invalid([new(MaxRows + 2, FileField, $"At most {MaxRows:N0} products per file.")]);

        var tree = await CategoryTree.Load(db, ct);
        var now = Clock.Now(time);
        var errors = new List<ImportError>();
        var products = new List<(Product Product, int Stock)>();
        foreach (var (row, fields) in records.Skip(1))
        {
            string? Cell(string column) => Array.IndexOf(header, column) is var i and >= 0 && i < fields.Length ? fields[i] : null;
            var rowErrors = new Dictionary<string, string[]>();
            if (fields.Length != header.Length)
                rowErrors["row"] = [$"The row has {fields.Length} fields; the header has {header.Length}."];
            foreach (var column in header)
                if (Cell(column) is { Length: > 0 } value && value[0] is '=' or '+' or '@' or '\t' or '\r')
                    rowErrors[column] = ["The value starts like a spreadsheet formula (=, +, @, tab or carriage return)."];
            var name = ProductInput.Name(Cell("name"), rowErrors);
            var description = ProductInput.Description(Cell("description"), rowErrors);
            decimal? price = null;
            if (Cell("price")?.Trim() is { Length: > 0 } priceText)
            {
                if (decimal.TryParse(priceText, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
                    price = ProductInput.Price(parsed, rowErrors);
                else rowErrors["price"] = ["price must be a number with at most two decimals and a point, such as 999.99."];
            }
            else ProductInput.Price(null, rowErrors);
            var currency = ProductInput.Currency(Cell("currency") is { Length: > 0 } c ? c : null, rowErrors);
            var category = ProductInput.Category(Cell("category"), tree, rowErrors);
            var stock = 0;
            if (Cell("stock_quantity")?.Trim() is { Length: > 0 } stockText)
            {
                if (int.TryParse(stockText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)) stock = ProductInput.Stock(parsed, rowErrors);
                else rowErrors["stock_quantity"] = ["stock_quantity must be a whole number, 0 or more."];
            }
            var imageUrl = ProductInput.ImageUrl(Cell("image_url"), rowErrors);
            if (rowErrors.Count > 0)
            {
                errors.AddRange(rowErrors.SelectMany(e => e.Value.Select(m => new ImportError(row, e.Key, m))));
                continue;
            }
            products.Add((new Product
            {
                Id = Guid.CreateVersion7(),
                Name = name!,
                Description = description,
                Price = price!.Value,
                Currency = currency,
                CategoryId = category!.Id,
                ImageUrl = imageUrl,
                CreatedAt = now,
                UpdatedAt = now,
            }, stock));
        }
        if (errors.Count > 0 && partial != true) return Invalid(errors);

        foreach (var (product, stock) in products)
        {
            db.Products.Add(product);
            db.Stock.Add(new ProductStock { ProductId = product.Id, Available = stock, Version = 0, UpdatedAt = now });
            db.Publish(new ProductCreated(product.Id, product.Name, Money.TwoDecimals(product.Price), product.Currency, product.CategoryId, stock));
        }
        if (products.Count > 0) await db.SaveChangesAsync(ct);
        var rejected = errors.Select(e => e.Row).Distinct().Count();
        return TypedResults.Ok(new ImportReport(products.Count, rejected, [.. products.Select(p => p.Product.Id)], errors));
    }

    static ProblemHttpResult Invalid(IReadOnlyList<ImportError> errors) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest, type: "https://taskflow.dev/problems/import-invalid", title: "The file cannot be imported.",
        detail: "Nothing was imported. row_errors names each problem (row 1 is the header); fix them, or send ?partial=true to import the good rows.",
        extensions: new Dictionary<string, object?> { ["imported"] = 0, ["row_errors"] = errors });

    /// <summary>The CSV text from a text/csv body or the multipart field <c>file</c>; null for any other body.</summary>
    static async Task<string?> ReadFile(HttpRequest request, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)) return null;
        Stream? source = null;
        if (mediaType.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)) source = request.Body;
        else if (mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            && HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is { Length: > 0 } boundary)
        {
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFileDisposition()
                    && string.Equals(disposition.Name.Value, FileField, StringComparison.Ordinal))
                    return await ReadText(section.Body, ct);
            }
            return null;
        }
        return source is null ? null : await ReadText(source, ct);
    }

    static async Task<string> ReadText(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (await body.ReadAsync(chunk, ct) is var n and > 0)
        {
            if (buffer.Length + n > MaxBytes) throw new InvalidDataException($"The file is larger than {MaxBytes:N0} bytes.");
            buffer.Write(chunk, 0, n);
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException("The file is not UTF-8 text.");
        }
    }
}

/// <summary>RFC 4180 records with the row (line) each starts on; blank lines are skipped.</summary>
internal static class Csv
{
    public static List<(int Row, string[] Fields)> Parse(string text)
    {
        var records = new List<(int, string[])>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var start = 1;
        var i = 0;
        var quoted = false;
        var any = false;
        void EndField()
        {
            fields.Add(field.ToString());
            field.Clear();
            quoted = false;
        }
        void EndRecord()
        {
            EndField();
            if (any || fields.Count > 1 || fields[0].Length > 0) records.Add((start, [.. fields]));
            fields.Clear();
            any = false;
        }
        while (i < text.Length)
        {
            var ch = text[i];
            if (field.Length == 0 && !quoted && ch == '"' && (i == 0 || text[i - 1] is ',' or '\n' or '\r'))
            {
                // A quoted field: up to the closing quote, "" is a quote, line breaks are kept.
                quoted = any = true;
                i++;
                while (true)
                {
                    if (i >= text.Length) throw new FormatException($"Row {start}: a quoted field is not closed.");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    if (text[i] == '\n') line++;
                    field.Append(text[i++]);
                }
                if (i < text.Length && text[i] is not (',' or '\n' or '\r'))
                    throw new FormatException($"Row {start}: text after a closing quote; a quote inside a quoted field is written \"\".");
                continue;
            }
            switch (ch)
            {
                case ',':
                    any = true;
                    EndField();
                    i++;
                    break;
                case '\r' or '\n':
                    EndRecord();
                    if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                    i++;
                    line++;
                    start = line;
                    break;
                default:
                    field.Append(ch);
                    i++;
                    break;
            }
        }
        if (field.Length > 0 || fields.Count > 0 || quoted) EndRecord();
        return records;
    }
}
