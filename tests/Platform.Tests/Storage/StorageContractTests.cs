using TaskFlow.BuildingBlocks.Storage;
using TaskFlow.TestKit;

namespace TaskFlow.Platform.Tests.Storage;

/// <summary>What every <see cref="IFileStorage"/> promises; run against local disk and a real S3-compatible server.</summary>
public abstract class StorageContractTests
{
    protected abstract IFileStorage Storage { get; }

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A unique key prefix per test, so tests sharing one bucket or folder never see each other's objects.</summary>
    readonly string prefix = "tests/" + Guid.NewGuid().ToString("N");

    static byte[] Bytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    static async Task<byte[]> ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }

    [Fact]
    public async Task A_stream_of_unknown_length_round_trips_with_its_length()
    {
        var key = $"{prefix}/a.bin";
        var content = Bytes(300_000);
        var length = await Storage.PutAsync(key, new ForwardOnlyStream(content), "application/octet-stream", Ct);
        Assert.Equal(content.Length, length);

        await using var stored = await Storage.OpenReadAsync(key, Ct);
        Assert.NotNull(stored);
        Assert.Equal(content.Length, stored.Length);
        Assert.Equal(content, await ReadAll(stored.Content));
    }

    [Fact]
    public async Task An_empty_object_is_an_object()
    {
        var key = $"{prefix}/empty";
        Assert.Equal(0, await Storage.PutAsync(key, new MemoryStream(), "text/plain", Ct));
        Assert.True(await Storage.ExistsAsync(key, Ct));
        await using var stored = await Storage.OpenReadAsync(key, Ct);
        Assert.Equal(0, stored!.Length);
        Assert.Empty(await ReadAll(stored.Content));
    }

    [Fact]
    public async Task The_read_stream_seeks_for_range_requests()
    {
        var key = $"{prefix}/seek.bin";
        var content = Bytes(100_000, seed: 2);
        await Storage.PutAsync(key, new MemoryStream(content), "application/octet-stream", Ct);

        await using var stored = await Storage.OpenReadAsync(key, Ct);
        Assert.True(stored!.Content.CanSeek);
        var head = new byte[10];
        await stored.Content.ReadExactlyAsync(head, Ct);
        Assert.Equal(content[..10], head);

        stored.Content.Seek(90_000, SeekOrigin.Begin);
        Assert.Equal(content[90_000..], await ReadAll(stored.Content));
        stored.Content.Seek(5, SeekOrigin.Begin);
        var middle = new byte[20];
        await stored.Content.ReadExactlyAsync(middle, Ct);
        Assert.Equal(content[5..25], middle);
    }

    [Fact]
    public async Task A_put_replaces_and_a_delete_removes_idempotently()
    {
        var key = $"{prefix}/nested/deeper/file.txt";
        Assert.False(await Storage.ExistsAsync(key, Ct));
        Assert.Null(await Storage.OpenReadAsync(key, Ct));

        await Storage.PutAsync(key, new MemoryStream("first"u8.ToArray()), "text/plain", Ct);
        await Storage.PutAsync(key, new MemoryStream("second"u8.ToArray()), "text/plain", Ct);
        await using (var stored = await Storage.OpenReadAsync(key, Ct))
            Assert.Equal("second"u8.ToArray(), await ReadAll(stored!.Content));

        await Storage.DeleteAsync(key, Ct);
        Assert.False(await Storage.ExistsAsync(key, Ct));
        Assert.Null(await Storage.OpenReadAsync(key, Ct));
        await Storage.DeleteAsync(key, Ct);
        await Storage.DeleteAsync($"{prefix}/never/written", Ct);
    }

    [Fact]
    public async Task A_failed_upload_leaves_the_previous_object_whole()
    {
        var key = $"{prefix}/kept.txt";
        await Storage.PutAsync(key, new MemoryStream("original"u8.ToArray()), "text/plain", Ct);

        await Assert.ThrowsAsync<IOException>(() => Storage.PutAsync(key, new ForwardOnlyStream(Bytes(200_000), failAfter: 100_000), "text/plain", Ct));

        await using var stored = await Storage.OpenReadAsync(key, Ct);
        Assert.Equal("original"u8.ToArray(), await ReadAll(stored!.Content));
        Assert.False(await Storage.ExistsAsync($"{prefix}/other.txt", Ct));
        await Assert.ThrowsAsync<IOException>(() => Storage.PutAsync($"{prefix}/other.txt", new ForwardOnlyStream(Bytes(1000), failAfter: 10), "text/plain", Ct));
        Assert.False(await Storage.ExistsAsync($"{prefix}/other.txt", Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    [InlineData("a/./b")]
    [InlineData("a/b/")]
    [InlineData("name with space")]
    [InlineData("file.tmp")]
    public async Task Unsafe_keys_are_refused(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.PutAsync(key, new MemoryStream([1]), "text/plain", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.OpenReadAsync(key, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.ExistsAsync(key, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.DeleteAsync(key, Ct));
    }
}

/// <summary>A request body: readable once, no length, no seeking; optionally fails part way like a dropped connection.</summary>
sealed class ForwardOnlyStream(byte[] content, int failAfter = -1) : Stream
{
    int position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (failAfter >= 0 && position >= failAfter) throw new IOException("The client went away.");
        var n = Math.Min(Math.Min(count, content.Length - position), 8192);
        Array.Copy(content, position, buffer, offset, n);
        position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

public sealed class LocalStorageTests : StorageContractTests, IDisposable
{
    readonly string root = Path.Combine(Path.GetTempPath(), "taskflow-storage-tests", Guid.NewGuid().ToString("N"));
    readonly LocalFileStorage storage;

    public LocalStorageTests() => storage = new LocalFileStorage(root);

    protected override IFileStorage Storage => storage;

    [Fact]
    public async Task Objects_are_files_under_the_root_and_no_temporary_file_is_left_behind()
    {
        await storage.PutAsync("tasks/p/a", new ForwardOnlyStream([1, 2, 3]), "application/octet-stream", TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<IOException>(() => storage.PutAsync("tasks/p/b", new ForwardOnlyStream(new byte[50_000], failAfter: 20_000), "text/plain", TestContext.Current.CancellationToken));
        Assert.Equal([Path.Combine(root, "tasks", "p", "a")], Directory.GetFiles(root, "*", SearchOption.AllDirectories));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

/// <summary>One s3rver for the S3 contract tests.</summary>
public sealed class S3Fixture : IAsyncLifetime
{
    public S3Server Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await S3Server.Start("contract");

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

public sealed class S3StorageTests(S3Fixture fixture) : StorageContractTests, IClassFixture<S3Fixture>
{
    readonly S3FileStorage storage = new(StorageSetup.CreateS3Client(new StorageOptions.S3Options
    {
        ServiceUrl = fixture.Server.ServiceUrl,
        Bucket = fixture.Server.Bucket,
        AccessKey = S3Server.AccessKey,
        SecretKey = S3Server.SecretKey,
        ForcePathStyle = true,
    }), fixture.Server.Bucket);

    protected override IFileStorage Storage => storage;
}
