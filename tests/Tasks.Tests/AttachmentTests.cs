using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Storage;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>Attachments through HTTP: streamed upload, list, download (ranges, safe headers), delete, limits and cleanup.</summary>
public abstract class AttachmentTests(TaskFlowApp app) : TasksTestBase(app)
{
    /// <summary>The attachment fixtures' Tasks:Attachments:MaxBytes, so the limit is cheap to cross.</summary>
    public const long MaxBytes = 300_000;

    static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    static byte[] Png(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        PngSignature.CopyTo(bytes, 0);
        return bytes;
    }

    /// <summary>A multipart form with one file; <paramref name="chunked"/>: of unknown length, so no Content-Length is sent.</summary>
    static MultipartFormDataContent Form(byte[] bytes, string fileName, string contentType, bool chunked = false, string field = "file")
    {
        var form = new MultipartFormDataContent();
        HttpContent file = chunked ? new StreamContent(new UnknownLengthStream(bytes)) : new ByteArrayContent(bytes);
        file.Headers.TryAddWithoutValidation("Content-Type", contentType);
        form.Add(file, field, fileName);
        return form;
    }

    static Task<HttpResponseMessage> Upload(User user, Guid taskId, HttpContent content) =>
        user.Client.PostAsync($"/v1/tasks/{taskId}/attachments", content, Ct);

    async Task<JsonElement> Uploaded(User user, Guid taskId, byte[] bytes, string fileName, string contentType)
    {
        var response = await Upload(user, taskId, Form(bytes, fileName, contentType));
        Assert.True(HttpStatusCode.Created == response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        return await Json(response);
    }

    IFileStorage Storage => App.Services.GetRequiredService<IFileStorage>();

    Task<string?> StorageKey(Guid attachmentId) =>
        WithDb(db => db.Attachments.Where(a => a.Id == attachmentId).Select(a => a.StorageKey).SingleOrDefaultAsync(Ct));

    /// <summary>With local storage: the files stored for a project (none left behind by a refused upload, no temp files).</summary>
    string[] LocalFiles(Guid projectId) =>
        Storage is LocalFileStorage local && Directory.Exists(Path.Combine(local.Root, "tasks", projectId.ToString("N")))
            ? Directory.GetFiles(Path.Combine(local.Root, "tasks", projectId.ToString("N")))
            : [];

    [Fact]
    public async Task An_uploaded_file_is_listed_and_downloads_whole_or_by_range_with_safe_headers()
    {
        var s = await WorkspaceWithProject();
        var member = await ProjectMember(s, "member");
        var reader = await JoinWorkspace(s.Owner, s.WorkspaceId, "viewer");
        var task = await CreateTask(s.Owner, s.ProjectId);
        var bytes = Png(200_000);

        var created = await Uploaded(member, Id(task), bytes, "screen shot.png", "image/png");
        Assert.Equal("screen shot.png", created.GetProperty("fileName").GetString());
        Assert.Equal("image/png", created.GetProperty("contentType").GetString());
        Assert.Equal(bytes.Length, created.GetProperty("size").GetInt64());
        Assert.Equal(member.Id, created.GetProperty("uploadedBy").GetGuid());
        Assert.Equal(Id(task), created.GetProperty("taskId").GetGuid());

        var list = await reader.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(task)}/attachments", Ct);
        var listed = Assert.Single(list.EnumerateArray());
        Assert.Equal(Id(created), Id(listed));
        Assert.Equal(created.GetProperty("uploadedAt").GetDateTime(), listed.GetProperty("uploadedAt").GetDateTime());

        // Anyone who reads the project downloads it.
        var download = await reader.Client.GetAsync($"/v1/attachments/{Id(created)}/content", Ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(bytes.Length, download.Content.Headers.ContentLength);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("screen shot.png", download.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("nosniff", Assert.Single(download.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("bytes", Assert.Single(download.Headers.AcceptRanges));

        using var range = new HttpRequestMessage(HttpMethod.Get, $"/v1/attachments/{Id(created)}/content");
        range.Headers.Range = new RangeHeaderValue(150_000, 150_099);
        var partial = await reader.Client.SendAsync(range, Ct);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(bytes[150_000..150_100], await partial.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(100, partial.Content.Headers.ContentLength);

        var activity = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(task)}/activity", Ct);
        var entry = activity.GetProperty("data").EnumerateArray().First(a => a.GetProperty("field").GetString() == "attachment");
        Assert.Equal("screen shot.png", entry.GetProperty("newValue").GetString());
        Assert.Equal(member.Id, entry.GetProperty("actorId").GetGuid());

        var added = (await Outbox("AttachmentAdded")).Single(e => e.GetProperty("attachmentId").GetGuid() == Id(created));
        Assert.Equal(Id(task), added.GetProperty("taskId").GetGuid());
        Assert.Equal(s.ProjectId, added.GetProperty("projectId").GetGuid());
        Assert.Equal(s.WorkspaceId, added.GetProperty("workspaceId").GetGuid());
        Assert.Equal("screen shot.png", added.GetProperty("fileName").GetString());
        Assert.Equal(bytes.Length, added.GetProperty("size").GetInt64());
        Assert.Equal(member.Id, added.GetProperty("actorId").GetGuid());

        // The task itself did not change: attachments do not move its ETag.
        Assert.Equal("\"1\"", (await GetTask(s.Owner, Id(task))).ETag);
    }

    [Fact]
    public async Task File_names_are_made_safe_and_active_content_is_only_ever_downloaded()
    {
        var s = await WorkspaceWithProject();
        var task = await CreateTask(s.Owner, s.ProjectId);

        var html = Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>");
        // A path, quotes and a CR LF (header injection) in the name, sent as RFC 5987 filename*.
        var raw = new ByteArrayContent(html);
        raw.Headers.ContentType = MediaTypeHeaderValue.Parse("text/html; charset=utf-8");
        raw.Headers.TryAddWithoutValidation("Content-Disposition", "form-data; name=\"file\"; filename*=UTF-8''..%2F..%2Fetc%2F%22evil%22%0D%0A.html");
        var form = new MultipartFormDataContent { raw };
        var uploaded = await Upload(s.Owner, Id(task), form);
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var page = await Json(uploaded);
        Assert.Equal("evil.html", page.GetProperty("fileName").GetString());
        Assert.Equal("text/html", page.GetProperty("contentType").GetString());

        var download = await s.Owner.Client.GetAsync($"/v1/attachments/{Id(page)}/content", Ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("evil.html", download.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("nosniff", Assert.Single(download.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(html, await download.Content.ReadAsByteArrayAsync(Ct));

        var svg = await Uploaded(s.Owner, Id(task), "<svg onload=\"alert(1)\"/>"u8.ToArray(), "logo.svg", "image/svg+xml");
        var svgDownload = await s.Owner.Client.GetAsync($"/v1/attachments/{Id(svg)}/content", Ct);
        Assert.Equal("application/octet-stream", svgDownload.Content.Headers.ContentType?.MediaType);

        // Any XML-based type (a browser renders +xml documents and runs their scripts) and the legacy JavaScript types.
        foreach (var type in new[] { "application/vnd.mozilla.xul+xml", "application/x-foo+xml", "text/xml-external-parsed-entity", "application/xml-dtd",
                     "text/jscript", "text/livescript", "text/x-javascript", "text/x-ecmascript", "application/x-ecmascript", "text/javascript1.5", "text/vbscript" })
        {
            var active = await Uploaded(s.Owner, Id(task), "<x:x xmlns:x='urn:x'/>"u8.ToArray(), "active.bin", type);
            Assert.Equal(type, active.GetProperty("contentType").GetString());
            using var served = await s.Owner.Client.GetAsync($"/v1/attachments/{Id(active)}/content", Ct);
            Assert.True("application/octet-stream" == served.Content.Headers.ContentType?.MediaType, $"{type} was served as {served.Content.Headers.ContentType}");
            Assert.Equal("attachment", served.Content.Headers.ContentDisposition?.DispositionType);
        }
        // Harmless types keep their declared type.
        using (var text = await s.Owner.Client.GetAsync($"/v1/attachments/{Id(await Uploaded(s.Owner, Id(task), "hello"u8.ToArray(), "notes.txt", "text/plain"))}/content", Ct))
            Assert.Equal("text/plain", text.Content.Headers.ContentType?.MediaType);

        Assert.Equal("report.pdf", (await Uploaded(s.Owner, Id(task), "%PDF-1.4"u8.ToArray(), "C:\\Users\\me\\report.pdf", "application/pdf")).GetProperty("fileName").GetString());
        var noName = await Uploaded(s.Owner, Id(task), "x"u8.ToArray(), "...", "not a type");
        Assert.Equal("file", noName.GetProperty("fileName").GetString());
        Assert.Equal("application/octet-stream", noName.GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task A_file_whose_bytes_are_not_its_declared_image_or_pdf_type_is_refused()
    {
        var s = await WorkspaceWithProject();
        var task = await CreateTask(s.Owner, s.ProjectId);
        var html = "<html><body>not an image</body></html>"u8.ToArray();

        foreach (var type in new[] { "image/png", "image/jpeg", "image/gif", "application/pdf" })
            await AssertValidation(await Upload(s.Owner, Id(task), Form(html, "x.bin", type)), "file");
        await AssertValidation(await Upload(s.Owner, Id(task), Form(Png(100), "x.pdf", "application/pdf")), "file");

        Assert.Empty((await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(task)}/attachments", Ct)).EnumerateArray());
        Assert.Empty(LocalFiles(s.ProjectId));
        Assert.DoesNotContain(await Outbox("AttachmentAdded"), e => e.GetProperty("taskId").GetGuid() == Id(task));

        // The real thing passes.
        await Uploaded(s.Owner, Id(task), "%PDF-1.7\n..."u8.ToArray(), "spec.pdf", "application/pdf");
        await Uploaded(s.Owner, Id(task), [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3], "photo.jpg", "image/jpeg");
    }

    [Fact]
    public async Task Uploads_over_the_limit_get_413_whether_or_not_their_length_is_declared()
    {
        var s = await WorkspaceWithProject();
        var task = await CreateTask(s.Owner, s.ProjectId);
        var tooBig = Png((int)MaxBytes + 1);

        await AssertProblem(await Upload(s.Owner, Id(task), Form(tooBig, "big.png", "image/png")), HttpStatusCode.RequestEntityTooLarge, "attachment-too-large");
        await AssertProblem(await Upload(s.Owner, Id(task), Form(tooBig, "big.png", "image/png", chunked: true)), HttpStatusCode.RequestEntityTooLarge, "attachment-too-large");
        Assert.Empty((await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(task)}/attachments", Ct)).EnumerateArray());
        Assert.Empty(LocalFiles(s.ProjectId));

        // Exactly the limit, streamed without a length, is fine.
        var response = await Upload(s.Owner, Id(task), Form(Png((int)MaxBytes), "max.png", "image/png", chunked: true));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(MaxBytes, (await Json(response)).GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task The_upload_must_be_one_file_in_a_multipart_form()
    {
        var s = await WorkspaceWithProject();
        var task = await CreateTask(s.Owner, s.ProjectId);

        await AssertValidation(await s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{Id(task)}/attachments", new { file = "x" }, Ct), "file");
        var noFile = new MultipartFormDataContent { { new StringContent("hello"), "comment" } };
        await AssertValidation(await Upload(s.Owner, Id(task), noFile), "file");
        await AssertValidation(await Upload(s.Owner, Id(task), Form("x"u8.ToArray(), "a.txt", "text/plain", field: "upload")), "file");

        var two = Form("first"u8.ToArray(), "a.txt", "text/plain");
        two.Add(new ByteArrayContent("second"u8.ToArray()), "file", "b.txt");
        await AssertValidation(await Upload(s.Owner, Id(task), two), "file");

        Assert.Empty((await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(task)}/attachments", Ct)).EnumerateArray());
        Assert.Empty(LocalFiles(s.ProjectId));
    }

    [Fact]
    public async Task The_uploader_or_a_project_admin_deletes_an_attachment_and_its_file()
    {
        var s = await WorkspaceWithProject();
        var uploader = await ProjectMember(s, "member");
        var other = await ProjectMember(s, "member");
        var task = await CreateTask(s.Owner, s.ProjectId);
        var first = await Uploaded(uploader, Id(task), "one"u8.ToArray(), "one.txt", "text/plain");
        var second = await Uploaded(uploader, Id(task), "two"u8.ToArray(), "two.txt", "text/plain");
        var firstKey = (await StorageKey(Id(first)))!;
        Assert.True(await Storage.ExistsAsync(firstKey, Ct));

        await AssertProblem(await other.Client.DeleteAsync($"/v1/attachments/{Id(first)}", Ct), HttpStatusCode.Forbidden, "not-your-attachment");

        Assert.Equal(HttpStatusCode.NoContent, (await uploader.Client.DeleteAsync($"/v1/attachments/{Id(first)}", Ct)).StatusCode);
        Assert.False(await Storage.ExistsAsync(firstKey, Ct));
        await AssertProblem(await uploader.Client.GetAsync($"/v1/attachments/{Id(first)}/content", Ct), HttpStatusCode.NotFound, "attachment-not-found");
        await AssertProblem(await uploader.Client.DeleteAsync($"/v1/attachments/{Id(first)}", Ct), HttpStatusCode.NotFound, "attachment-not-found");

        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/attachments/{Id(second)}", Ct)).StatusCode);
        Assert.Empty((await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(task)}/attachments", Ct)).EnumerateArray());

        var deleted = (await Outbox("AttachmentDeleted")).Where(e => e.GetProperty("taskId").GetGuid() == Id(task)).ToList();
        Assert.Equal([(Id(first), uploader.Id), (Id(second), s.Owner.Id)],
            deleted.Select(e => (e.GetProperty("attachmentId").GetGuid(), e.GetProperty("actorId").GetGuid())).ToList());
        Assert.All(deleted, e => Assert.Equal(s.WorkspaceId, e.GetProperty("workspaceId").GetGuid()));

        var activity = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/tasks/{Id(task)}/activity", Ct);
        Assert.Contains(activity.GetProperty("data").EnumerateArray(), a =>
            a.GetProperty("field").GetString() == "attachment" && a.GetProperty("oldValue").GetString() == "one.txt" && a.GetProperty("newValue").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task Deleting_a_task_deletes_its_attachments_files_after_the_delete()
    {
        var s = await WorkspaceWithProject();
        var task = await CreateTask(s.Owner, s.ProjectId);
        var kept = await CreateTask(s.Owner, s.ProjectId, new { title = "Kept" });
        var a = await Uploaded(s.Owner, Id(task), "a"u8.ToArray(), "a.txt", "text/plain");
        var b = await Uploaded(s.Owner, Id(task), "b"u8.ToArray(), "b.txt", "text/plain");
        var c = await Uploaded(s.Owner, Id(kept), "c"u8.ToArray(), "c.txt", "text/plain");
        var keys = new[] { (await StorageKey(Id(a)))!, (await StorageKey(Id(b)))! };
        var keptKey = (await StorageKey(Id(c)))!;

        Assert.Equal(HttpStatusCode.NoContent, (await s.Owner.Client.DeleteAsync($"/v1/tasks/{Id(task)}", Ct)).StatusCode);
        await AssertProblem(await s.Owner.Client.GetAsync($"/v1/attachments/{Id(a)}/content", Ct), HttpStatusCode.NotFound, "attachment-not-found");
        await WaitUntil(db => db.Attachments.AllAsync(x => x.TaskId != Id(task), Ct), "the deleted task's attachments to be cleaned up");
        foreach (var key in keys) Assert.False(await Storage.ExistsAsync(key, Ct));
        Assert.True(await Storage.ExistsAsync(keptKey, Ct));
        Assert.Equal(HttpStatusCode.OK, (await s.Owner.Client.GetAsync($"/v1/attachments/{Id(c)}/content", Ct)).StatusCode);
    }
}

/// <summary>A request body of unknown length, so HttpClient sends it chunked.</summary>
sealed class UnknownLengthStream(byte[] content) : MemoryStream(content)
{
    public override bool CanSeek => false;
}

public sealed class SqliteAttachmentApp() : TaskFlowApp(Provider.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Tasks:Attachments:MaxBytes", AttachmentTests.MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}

public sealed class PostgresAttachmentApp() : TaskFlowApp(Provider.Postgres)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Tasks:Attachments:MaxBytes", AttachmentTests.MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}

/// <summary>PostgreSQL with the files in a real S3-compatible server (s3rver), started before the app.</summary>
public sealed class PostgresS3AttachmentApp() : TaskFlowApp(Provider.Postgres), IAsyncLifetime
{
    S3Server? s3;

    public async ValueTask InitializeAsync() => s3 = await S3Server.Start("attachments");

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [.. s3!.Settings, new("Tasks:Attachments:MaxBytes", AttachmentTests.MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (s3 is not null) await s3.DisposeAsync();
    }
}

public sealed class SqliteAttachmentTests(SqliteAttachmentApp app) : AttachmentTests(app), IClassFixture<SqliteAttachmentApp>;

public sealed class PostgresAttachmentTests(PostgresAttachmentApp app) : AttachmentTests(app), IClassFixture<PostgresAttachmentApp>;

public sealed class PostgresS3AttachmentTests(PostgresS3AttachmentApp app) : AttachmentTests(app), IClassFixture<PostgresS3AttachmentApp>;
