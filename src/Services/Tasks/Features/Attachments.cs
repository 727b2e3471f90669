using System.Text;
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
using TaskFlow.Tasks.Data;
using TaskFlow.Tasks.Contracts;

namespace TaskFlow.Tasks.Features;

/// <summary>Configuration section <c>Tasks:Attachments</c>.</summary>
internal sealed class AttachmentOptions
{
    public const string Section = "Tasks:Attachments";

    /// <summary>Largest file accepted, in bytes (default 25 MB); larger uploads get 413 attachment-too-large.</summary>
    public long MaxBytes { get; set; } = 25L * 1024 * 1024;
}

/// <summary>A file attached to a task.</summary>
/// <param name="Id">Attachment id; download at <c>/v1/attachments/{id}/content</c>.</param>
/// <param name="TaskId">The task.</param>
/// <param name="FileName">The uploaded file's name, made safe (no path, no control characters).</param>
/// <param name="ContentType">The media type the uploader declared (active content such as HTML is still only downloaded, as application/octet-stream).</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="UploadedBy">Who uploaded it.</param>
/// <param name="UploadedAt">When (UTC).</param>
internal sealed record AttachmentResponse(Guid Id, Guid TaskId, string FileName, string ContentType, long Size, Guid UploadedBy, DateTime UploadedAt)
{
    public static AttachmentResponse From(Attachment a) => new(a.Id, a.TaskId, a.FileName, a.ContentType, a.Size, a.UploadedBy, a.UploadedAt);
}

internal static class Attachments
{
    const string FileField = "file";
    /// <summary>Room for the multipart boundaries and part headers on top of the file itself.</summary>
    const long MultipartOverhead = 64 * 1024;

    public static RouteGroupBuilder MapAttachmentGroup(this IEndpointRouteBuilder app) =>
        TaskAccess.Guarded(app.MapGroup("/v1/attachments/{attachmentId:guid}"), async (http, db, ct) =>
        {
            var id = Guid.Parse(http.Request.RouteValues["attachmentId"]!.ToString()!);
            var taskId = await db.Attachments.AsNoTracking().Where(a => a.Id == id).Select(a => (Guid?)a.TaskId).SingleOrDefaultAsync(ct);
            var task = taskId is null ? null : await db.Tasks.Include(t => t.Assignees).SingleOrDefaultAsync(t => t.Id == taskId, ct);
            return (task?.ProjectId, task, null, AttachmentProblems.NotFound(), null);
        });

    public static void Map(RouteGroupBuilder task, RouteGroupBuilder attachment)
    {
        task.MapPost("/attachments", Upload)
            .RequireProjectRole(ProjectRole.Member)
            .DocumentFileUpload(FileField, "Exactly one file, in the form field `file`.")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithName("AddAttachment")
            .WithSummary("Attach a file to a task")
            .WithDescription("Project members and admins. multipart/form-data with one file in the field `file`, streamed to storage. Larger than Tasks:Attachments:MaxBytes (default 25 MB): 413 attachment-too-large. An image or PDF whose bytes do not match its declared type: 400 naming `file`. Publishes AttachmentAdded.");
        task.MapGet("/attachments", List)
            .WithName("ListAttachments")
            .WithSummary("A task's attachments, oldest first");
        attachment.MapGet("/content", Download)
            .WithName("DownloadAttachment")
            .WithSummary("Download an attachment")
            .WithDescription("Always a download (Content-Disposition: attachment, X-Content-Type-Options: nosniff); active content such as HTML, SVG or JavaScript is served as application/octet-stream. Supports Range requests.");
        attachment.MapDelete("", Delete)
            .RequireProjectRole(ProjectRole.Member)
            .WithName("DeleteAttachment")
            .WithSummary("Delete an attachment")
            .WithDescription("Its uploader, or a project admin (403 not-your-attachment otherwise). The file is removed from storage after the delete commits. Publishes AttachmentDeleted.");
    }

    static async Task<Results<Created<AttachmentResponse>, ValidationProblem, ProblemHttpResult>> Upload(
        HttpRequest request, CurrentAccess access, TasksDb db, IFileStorage storage, IOptions<AttachmentOptions> options,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var max = options.Value.MaxBytes;
        if (request.ContentLength > max + MultipartOverhead) return AttachmentProblems.TooLarge(max);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            bodyLimit.MaxRequestBodySize = max + MultipartOverhead;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
            return Invalid("Send one file as multipart/form-data, in the field file.");

        var task = access.Task!;
        var attachment = new Attachment
        {
            Id = Guid.CreateVersion7(),
            TaskId = task.Id,
            ProjectId = task.ProjectId,
            FileName = "",
            ContentType = "",
            StorageKey = "",
            UploadedBy = access.UserId,
            UploadedAt = Clock.UtcNow(),
        };
        attachment.StorageKey = $"tasks/{task.ProjectId:N}/{attachment.Id:N}";
        var stored = false;
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition()) continue;
                if (stored || !string.Equals(disposition.Name.Value, FileField, StringComparison.Ordinal))
                {
                    stored = false; // the finally block removes a file already stored
                    return Invalid("Send exactly one file, in the field file.");
                }

                attachment.FileName = FileNames.Safe(disposition.FileNameStar.Value ?? disposition.FileName.Value);
                attachment.ContentType = ContentTypes.Normalize(section.ContentType);
                var head = await ReadHead(section.Body, ct);
                if (!ContentTypes.MatchesMagicBytes(attachment.ContentType, head))
                    return Invalid($"The file's content is not {attachment.ContentType}.");
                try
                {
                    attachment.Size = await storage.PutAsync(attachment.StorageKey, new UploadStream(head, section.Body, max), attachment.ContentType, ct);
                }
                catch (FileTooLargeException)
                {
                    return AttachmentProblems.TooLarge(max);
                }
                stored = true;
            }
            if (!stored) return Invalid("Send one file as multipart/form-data, in the field file.");
        }
        catch (InvalidDataException)
        {
            // Malformed multipart (or more than the body size limit in part headers).
            return Invalid("The multipart body is malformed.");
        }
        finally
        {
            if (!stored) await DeleteBlob(storage, attachment.StorageKey, loggers);
        }

        try
        {
            db.Attachments.Add(attachment);
            TaskLog.Record(db, task, access.UserId, attachment.UploadedAt, "attachment", null, attachment.FileName);
            db.Publish(new AttachmentAdded(attachment.Id, task.Id, task.ProjectId, access.Project.WorkspaceId, attachment.FileName, attachment.Size, access.UserId));
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            await DeleteBlob(storage, attachment.StorageKey, loggers);
            throw;
        }
        return TypedResults.Created($"/v1/attachments/{attachment.Id}/content", AttachmentResponse.From(attachment));
    }

    static ValidationProblem Invalid(string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [FileField] = [message] });

    /// <summary>The first bytes of the upload, for the magic-byte check; they are replayed into storage.</summary>
    static async Task<byte[]> ReadHead(Stream body, CancellationToken ct)
    {
        var head = new byte[ContentTypes.SniffLength];
        var read = 0;
        while (read < head.Length && await body.ReadAsync(head.AsMemory(read), ct) is var n and > 0) read += n;
        return head[..read];
    }

    static async Task<Ok<List<AttachmentResponse>>> List(CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var taskId = access.Task!.Id;
        var rows = await db.Attachments.AsNoTracking().Where(a => a.TaskId == taskId)
            .OrderBy(a => a.UploadedAt).ThenBy(a => a.Id)
            .Select(a => new AttachmentResponse(a.Id, a.TaskId, a.FileName, a.ContentType, a.Size, a.UploadedBy, a.UploadedAt))
            .ToListAsync(ct);
        return TypedResults.Ok(rows);
    }

    static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(
        Guid attachmentId, CurrentAccess access, TasksDb db, IFileStorage storage, HttpResponse response, CancellationToken ct)
    {
        var attachment = await db.Attachments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == attachmentId && a.TaskId == access.Task!.Id, ct);
        if (attachment is null) return AttachmentProblems.NotFound();
        var file = await storage.OpenReadAsync(attachment.StorageKey, ct);
        if (file is null) return AttachmentProblems.NotFound();

        response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        // Should a browser render it anyway (an old one, a misconfigured proxy), it runs nothing and loads nothing.
        response.Headers[HeaderNames.ContentSecurityPolicy] = "default-src 'none'; sandbox";
        response.Headers[HeaderNames.CacheControl] = "private, no-cache";
        // The result disposes the stream once written.
        return TypedResults.Stream(file.Content, ContentTypes.Served(attachment.ContentType), attachment.FileName,
            lastModified: new DateTimeOffset(attachment.UploadedAt), entityTag: new EntityTagHeaderValue($"\"{attachment.Id:N}\""),
            enableRangeProcessing: true);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid attachmentId, CurrentAccess access, TasksDb db, IFileStorage storage, ILoggerFactory loggers, CancellationToken ct)
    {
        var task = access.Task!;
        var attachment = await db.Attachments.SingleOrDefaultAsync(a => a.Id == attachmentId && a.TaskId == task.Id, ct);
        if (attachment is null) return AttachmentProblems.NotFound();
        if (attachment.UploadedBy != access.UserId && !access.Role.IsAtLeast(ProjectRole.Admin)) return AttachmentProblems.NotYours();

        db.Attachments.Remove(attachment);
        TaskLog.Record(db, task, access.UserId, Clock.UtcNow(), "attachment", attachment.FileName, null);
        db.Publish(new AttachmentDeleted(attachment.Id, task.Id, task.ProjectId, access.Project.WorkspaceId, access.UserId));
        await db.SaveChangesAsync(ct);
        await DeleteBlob(storage, attachment.StorageKey, loggers);
        return TypedResults.NoContent();
    }

    /// <summary>Best effort: a blob that cannot be deleted now is an orphan (logged), never a reason to fail the request.</summary>
    static async Task DeleteBlob(IFileStorage storage, string key, ILoggerFactory loggers)
    {
        try
        {
            await storage.DeleteAsync(key, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Amazon.Runtime.AmazonServiceException or HttpRequestException)
        {
            loggers.CreateLogger(typeof(Attachments).FullName!).LogWarning(ex, "Could not delete the stored file {StorageKey}; it is left as an orphan", key);
        }
    }
}

/// <summary>Thrown by <see cref="UploadStream"/> when the upload passes the size limit.</summary>
internal sealed class FileTooLargeException() : IOException("The file is larger than the limit.");

/// <summary>The upload as storage reads it: the sniffed head replayed, then the rest of the part, cut off past the limit.</summary>
internal sealed class UploadStream(byte[] head, Stream rest, long maxBytes) : Stream
{
    int headPosition;
    long total;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        if (headPosition < head.Length)
        {
            read = Math.Min(buffer.Length, head.Length - headPosition);
            head.AsMemory(headPosition, read).CopyTo(buffer);
            headPosition += read;
        }
        else
        {
            read = await rest.ReadAsync(buffer, cancellationToken);
        }
        total += read;
        if (total > maxBytes) throw new FileTooLargeException();
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

internal static class FileNames
{
    /// <summary>The last path segment, without control or reserved characters, at most 255 characters; "file" if nothing is left.</summary>
    public static string Safe(string? name)
    {
        name ??= "";
        var last = name.Replace('\\', '/').Split('/')[^1];
        var builder = new StringBuilder(last.Length);
        foreach (var c in last.Normalize(NormalizationForm.FormC))
        {
            if (char.IsControl(c) || c is '"' or '<' or '>' or ':' or '|' or '?' or '*' || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format) continue;
            builder.Append(c);
        }
        var safe = builder.ToString().Trim().TrimStart('.').Trim();
        if (safe.Length > AttachmentsAndLinksModel.FileNameMax)
        {
            // Keep the extension.
            var extension = Path.GetExtension(safe);
            if (extension.Length > 20) extension = "";
            safe = safe[..(AttachmentsAndLinksModel.FileNameMax - extension.Length)] + extension;
        }
        return safe.Length == 0 ? "file" : safe;
    }
}

internal static class ContentTypes
{
    public const int SniffLength = 16;
    const string Binary = "application/octet-stream";

    /// <summary>Types a browser would run or render as a document: stored as declared, served only as opaque bytes.</summary>
    static readonly HashSet<string> Active = new(StringComparer.Ordinal)
    {
        "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml", "text/xsl", "application/xslt+xml",
        "application/javascript", "text/javascript", "application/ecmascript", "text/ecmascript", "application/x-javascript",
        "application/x-shockwave-flash", "application/wasm", "text/cache-manifest", "multipart/x-mixed-replace", "application/rss+xml",
        "application/atom+xml", "application/mathml+xml", "application/vnd.wap.xhtml+xml", "application/pdf+html",
    };

    static readonly Dictionary<string, Func<byte[], bool>> Signatures = new(StringComparer.Ordinal)
    {
        ["image/png"] = b => StartsWith(b, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ["image/jpeg"] = b => StartsWith(b, [0xFF, 0xD8, 0xFF]),
        ["image/gif"] = b => StartsWith(b, "GIF87a"u8) || StartsWith(b, "GIF89a"u8),
        ["image/webp"] = b => StartsWith(b, "RIFF"u8) && b.Length >= 12 && b.AsSpan(8, 4).SequenceEqual("WEBP"u8),
        ["image/bmp"] = b => StartsWith(b, "BM"u8),
        ["image/x-icon"] = b => StartsWith(b, [0x00, 0x00, 0x01, 0x00]),
        ["image/vnd.microsoft.icon"] = b => StartsWith(b, [0x00, 0x00, 0x01, 0x00]),
        ["image/tiff"] = b => StartsWith(b, [0x49, 0x49, 0x2A, 0x00]) || StartsWith(b, [0x4D, 0x4D, 0x00, 0x2A]),
        ["application/pdf"] = b => StartsWith(b, "%PDF-"u8),
    };

    static bool StartsWith(byte[] bytes, ReadOnlySpan<byte> prefix) => bytes.AsSpan().StartsWith(prefix);

    /// <summary>The declared media type, lowercase without parameters; application/octet-stream when missing or malformed.</summary>
    public static string Normalize(string? declared) =>
        MediaTypeHeaderValue.TryParse(declared, out var parsed) && parsed.MediaType.Value is { } type
            && !type.Contains('*', StringComparison.Ordinal) && type.Length <= AttachmentsAndLinksModel.ContentTypeMax
            ? type.ToLowerInvariant()
            : Binary;

    /// <summary>For the common images and PDF, the file must start with that format's signature.</summary>
    public static bool MatchesMagicBytes(string contentType, byte[] head) =>
        !Signatures.TryGetValue(contentType, out var matches) || matches(head);

    public static string Served(string contentType) => IsActive(contentType) ? Binary : contentType;

    /// <summary>
    /// The list above, every XML-based type (<c>*/xml</c>, <c>*+xml</c>, <c>xml-*</c>: a browser renders them as documents that
    /// may run scripts), every script type (legacy <c>text/jscript</c>, <c>text/livescript</c>, <c>text/javascript1.5</c>,
    /// <c>text/vbscript</c>, …), every HTML variant and multipart types.
    /// </summary>
    static bool IsActive(string t) =>
        Active.Contains(t)
        || t.EndsWith("+xml", StringComparison.Ordinal) || t.EndsWith("/xml", StringComparison.Ordinal) || t.Contains("/xml-", StringComparison.Ordinal)
        || t.Contains("script", StringComparison.Ordinal) || t.Contains("html", StringComparison.Ordinal)
        || t.StartsWith("multipart/", StringComparison.Ordinal);
}

internal static class AttachmentProblems
{
    const string Base = "https://taskflow.dev/problems/";

    public static ProblemHttpResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, type: Base + "attachment-not-found",
        title: "Attachment not found.", detail: "No attachment exists at this address, or you cannot see its project.");

    public static ProblemHttpResult NotYours() => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, type: Base + "not-your-attachment",
        title: "Not your attachment.", detail: "Only its uploader or a project admin can delete an attachment.");

    public static ProblemHttpResult TooLarge(long maxBytes) => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, type: Base + "attachment-too-large",
        title: "The file is too large.", detail: $"Attachments are at most {maxBytes} bytes.");
}
