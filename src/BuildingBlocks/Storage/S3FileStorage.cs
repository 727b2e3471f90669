using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace TaskFlow.BuildingBlocks.Storage;

/// <summary>
/// Objects in one bucket of an S3-compatible service. An upload of unknown length (a request body) is first spooled to a
/// temporary file, never to memory: a single PUT needs the length, and S3-compatible servers often lack chunked signing.
/// </summary>
public sealed class S3FileStorage(IAmazonS3 client, string bucket) : IFileStorage
{
    public async Task<long> PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        StorageSetup.ValidateKey(key);
        if (content.CanSeek) return await Put(key, content, contentType, cancellationToken);

        var temp = Path.Combine(Path.GetTempPath(), $"taskflow-upload-{Guid.NewGuid():N}.tmp");
        await using var spool = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        await content.CopyToAsync(spool, cancellationToken);
        spool.Position = 0;
        return await Put(key, spool, contentType, cancellationToken);
    }

    async Task<long> Put(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        var length = content.Length - content.Position;
        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = content,
            ContentType = contentType,
            AutoCloseStream = false,
            // A signed payload hash instead of aws-chunked encoding, which S3-compatible servers often do not speak.
            UseChunkEncoding = false,
        }, cancellationToken);
        return length;
    }

    public async Task<StoredFile?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        StorageSetup.ValidateKey(key);
        try
        {
            var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken);
            var length = response.ContentLength;
            return new StoredFile(new S3ObjectStream(client, bucket, key, response, length), length);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        StorageSetup.ValidateKey(key);
        await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key }, cancellationToken);
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        StorageSetup.ValidateKey(key);
        try
        {
            await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}

/// <summary>
/// A seekable read stream over one object: reads continue the open response; a seek elsewhere (an HTTP range request)
/// reopens the object with a byte range at the next read. So a plain download is one GET and a range costs one more.
/// </summary>
sealed class S3ObjectStream(IAmazonS3 client, string bucket, string key, GetObjectResponse first, long length) : Stream
{
    GetObjectResponse? response = first;
    long position;
    long responsePosition;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        position = target;
        return position;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (position >= length || buffer.Length == 0) return 0;
        if (response is null || responsePosition != position)
        {
            response?.Dispose();
            response = null;
            response = await client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = bucket,
                Key = key,
                ByteRange = new ByteRange(position, length - 1),
            }, cancellationToken);
            responsePosition = position;
        }
        var read = await response.ResponseStream.ReadAsync(buffer, cancellationToken);
        position += read;
        responsePosition += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) response?.Dispose();
        response = null;
        base.Dispose(disposing);
    }
}
