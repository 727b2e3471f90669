using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.BuildingBlocks.Storage;
using TaskFlow.Catalog.Data;

namespace TaskFlow.Catalog.Features;

/// <summary>Configuration section <c>Catalog:Images</c>.</summary>
internal sealed class ProductImageOptions
{
    public const string Section = "Catalog:Images";

    /// <summary><c>Catalog:Images:MaxBytes</c>: the largest image accepted (default 2 MB); larger is 400 naming <c>file</c>.</summary>
    public int MaxBytes { get; set; } = 2 * 1024 * 1024;
}

/// <summary>
/// Product images in the platform's file storage (<see cref="IFileStorage"/>: local disk all-in-one, S3-compatible scaled
/// out), under <c>catalog/images/{name}</c>. An upload gets a new name each time, so a served image never changes and can
/// be cached for good; the product's <c>image_url</c> is the path <c>/v1/products/images/{name}</c>. The type is decided by
/// the file's first bytes alone (PNG, JPEG, WebP; never SVG or anything a browser could run), not by what the client says.
/// </summary>
internal static partial class ProductImages
{
    public const string PathPrefix = "/v1/products/images/";
    const string KeyPrefix = "catalog/images/";
    const string FileField = "file";
    const int MultipartOverhead = 16 * 1024;

    [GeneratedRegex("^[a-z0-9-]{1,80}\\.(png|jpg|webp)$")]
    private static partial Regex Name();

    [GeneratedRegex("^[0-9a-f]{32}\\.(png|jpg|webp)$")]
    private static partial Regex UploadedName();

    /// <summary>True when <paramref name="url"/> is one of ours (<c>/v1/products/images/{name}</c>), an accepted <c>image_url</c>.</summary>
    public static bool IsOwnUrl(string url) =>
        url.StartsWith(PathPrefix, StringComparison.Ordinal) && Name().IsMatch(url[PathPrefix.Length..]);

    public static string Key(string name) => KeyPrefix + name;

    public static void MapUpload(RouteGroupBuilder admin) =>
        admin.MapPost("/{productId}/image", Upload)
            .DocumentFileUpload(FileField, "One PNG, JPEG or WebP image in the form field `file`.")
            .WithName("UploadProductImage")
            .WithSummary("Upload the product's image (admin)")
            .WithDescription("multipart/form-data with one file in the field `file`: PNG, JPEG or WebP, recognised by its first bytes (SVG and anything else: 400 naming `file`), " +
                "at most Catalog:Images:MaxBytes (2 MB; larger: 400 naming `file`). 200 with the product, whose image_url is now /v1/products/images/{name}. 404 product-not-found.");

    public static void MapServe(RouteGroupBuilder products) =>
        products.MapGet("/images/{name}", Serve)
            .AllowAnonymous()
            .WithName("GetProductImage")
            .WithSummary("A product image")
            .WithDescription("The image with its type (image/png, image/jpeg, image/webp), X-Content-Type-Options: nosniff, cached for a year (a new upload gets a new name). 404 product-image-not-found.");

    static async Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> Upload(
        string productId, HttpRequest request, CatalogDb db, IFileStorage storage, IOptions<ProductImageOptions> options, TimeProvider time,
        ILoggerFactory loggers, CancellationToken ct)
    {
        if (!Guid.TryParse(productId, out var id)) return Problems.ProductNotFound();
        var product = await db.Products.SingleOrDefaultAsync(p => p.Id == id && p.DeletedAt == null, ct);
        if (product is null) return Problems.ProductNotFound();

        var max = options.Value.MaxBytes;
        if (request.ContentLength > max + MultipartOverhead) return TooLarge(max);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            bodyLimit.MaxRequestBodySize = max + MultipartOverhead;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
            return Invalid("Send one image as multipart/form-data, in the field file.");

        byte[]? image = null;
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition()) continue;
                if (image is not null || !string.Equals(disposition.Name.Value, FileField, StringComparison.Ordinal))
                    return Invalid("Send exactly one image, in the field file.");
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                while (await section.Body.ReadAsync(chunk, ct) is var n and > 0)
                {
                    if (buffer.Length + n > max) return TooLarge(max);
                    buffer.Write(chunk, 0, n);
                }
                image = buffer.ToArray();
            }
        }
        catch (InvalidDataException)
        {
            return Invalid("The multipart body is malformed.");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(max);
        }
        if (image is null) return Invalid("Send one image as multipart/form-data, in the field file.");
        if (Sniff(image) is not { } extension) return Invalid("The file must be a PNG, JPEG or WebP image.");

        var name = $"{Guid.CreateVersion7():N}.{extension}";
        using (var content = new MemoryStream(image, writable: false))
            await storage.PutAsync(Key(name), content, ContentType(extension), ct);
        var previous = product.ImageUrl;
        product.ImageUrl = PathPrefix + name;
        product.UpdatedAt = Clock.Now(time);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            await DeleteQuietly(storage, name, loggers);
            throw;
        }
        // The old upload is no longer anyone's (demo images are shared, never deleted). A cached page that still names it
        // is of an older catalog version, which no reader asks for after this answer.
        if (previous is not null && IsOwnUrl(previous) && UploadedName().IsMatch(previous[PathPrefix.Length..]))
            await DeleteQuietly(storage, previous[PathPrefix.Length..], loggers);
        return TypedResults.Ok((await ProductQueries.One(db, id, ct))!);
    }

    static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Serve(string name, IFileStorage storage, HttpResponse response, CancellationToken ct)
    {
        if (!Name().IsMatch(name) || await storage.OpenReadAsync(Key(name), ct) is not { } file)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, type: "https://taskflow.dev/problems/product-image-not-found",
                title: "Image not found.", detail: "No product image has this name.");
        response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        response.Headers[HeaderNames.ContentSecurityPolicy] = "default-src 'none'; sandbox";
        response.Headers[HeaderNames.CacheControl] = "public, max-age=31536000, immutable";
        return TypedResults.Stream(file.Content, ContentType(name[(name.LastIndexOf('.') + 1)..]));
    }

    /// <summary>The extension for the image's real type, from its first bytes; null for anything else.</summary>
    internal static string? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return "png";
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "jpg";
        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8)) return "webp";
        return null;
    }

    static string ContentType(string extension) => extension switch
    {
        "png" => "image/png",
        "jpg" => "image/jpeg",
        _ => "image/webp",
    };

    static ValidationProblem Invalid(string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [FileField] = [message] });

    static ValidationProblem TooLarge(int max) => Invalid($"The image must be at most {max:N0} bytes.");

    static async Task DeleteQuietly(IFileStorage storage, string name, ILoggerFactory loggers)
    {
        try
        {
            await storage.DeleteAsync(Key(name), CancellationToken.None);
        }
        catch (Exception e)
        {
            loggers.CreateLogger(typeof(ProductImages)).LogWarning(e, "Could not delete the product image {Name}", name);
        }
    }
}
