using System.Text.RegularExpressions;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.BuildingBlocks.Storage;

/// <summary>
/// Blob storage for files users upload. Keys are relative paths of safe segments (<c>[A-Za-z0-9_.-]</c>, no <c>.</c> or
/// <c>..</c>), e.g. <c>tasks/{projectId}/{attachmentId}</c>; anything else is refused with <see cref="ArgumentException"/>.
/// A put replaces the whole object or leaves the old one (never a half-written file); a delete of a missing key is a no-op.
/// </summary>
public interface IFileStorage
{
    /// <summary>Stores <paramref name="content"/> (read to its end, not rewound) under <paramref name="key"/>; returns its length.</summary>
    Task<long> PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken);

    /// <summary>The object under <paramref name="key"/>, or null when there is none. The caller disposes it.</summary>
    Task<StoredFile?> OpenReadAsync(string key, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken);
}

/// <summary>An open object: a seekable read stream (so HTTP range requests work) and its length in bytes.</summary>
public sealed class StoredFile(Stream content, long length) : IAsyncDisposable, IDisposable
{
    public Stream Content { get; } = content;
    public long Length { get; } = length;

    public ValueTask DisposeAsync() => Content.DisposeAsync();

    public void Dispose() => Content.Dispose();
}

/// <summary>Configuration section <c>Storage</c>: <c>Provider</c> is <c>local</c> (files under <c>{DataDir}/files</c>, the default) or <c>s3</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public string Provider { get; set; } = "local";

    public S3Options S3 { get; set; } = new();

    public bool IsS3 => string.Equals(Provider, "s3", StringComparison.OrdinalIgnoreCase);

    /// <summary>Any S3-compatible service. Without <c>AccessKey</c> the SDK's default credential chain is used.</summary>
    public sealed class S3Options
    {
        /// <summary>Endpoint of an S3-compatible server (e.g. <c>http://127.0.0.1:4568</c>); empty for AWS itself.</summary>
        public string? ServiceUrl { get; set; }
        public string? Bucket { get; set; }
        public string? AccessKey { get; set; }
        public string? SecretKey { get; set; }
        public string Region { get; set; } = "us-east-1";
        /// <summary>Path-style addressing (<c>host/bucket/key</c>); most self-hosted servers need it.</summary>
        public bool ForcePathStyle { get; set; }
    }
}

public static partial class StorageSetup
{
    /// <summary>Registers the configured <see cref="IFileStorage"/> once (several modules may call this).</summary>
    public static void AddFileStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section)
            .Validate(o => o.IsS3 || string.Equals(o.Provider, "local", StringComparison.OrdinalIgnoreCase), "Storage:Provider must be local or s3.")
            .Validate(o => !o.IsS3 || !string.IsNullOrWhiteSpace(o.S3.Bucket), "Storage:S3:Bucket is required when Storage:Provider is s3.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<IFileStorage>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.IsS3
                ? new S3FileStorage(CreateS3Client(options.S3), options.S3.Bucket!)
                : new LocalFileStorage(Path.Combine(sp.GetRequiredService<IConfiguration>().DataDir(), "files"));
        });
    }

    public static IAmazonS3 CreateS3Client(StorageOptions.S3Options options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // Checksums only where S3 requires them: S3-compatible servers (s3rver, older MinIO) reject the newer trailers.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.ServiceUrl is { Length: > 0 } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        return options.AccessKey is { Length: > 0 } accessKey
            ? new AmazonS3Client(new BasicAWSCredentials(accessKey, options.SecretKey ?? ""), config)
            : new AmazonS3Client(config);
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,200}$")]
    private static partial Regex Segment();

    /// <summary>Throws unless <paramref name="key"/> is a relative path of safe segments: it can never leave the storage root.</summary>
    public static void ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length is 0 or > 512) throw new ArgumentException("A storage key has 1 to 512 characters.", nameof(key));
        foreach (var segment in key.Split('/'))
        {
            if (!Segment().IsMatch(segment) || segment is "." or ".." || segment.EndsWith(".tmp", StringComparison.Ordinal))
                throw new ArgumentException($"'{key}' is not a safe storage key.", nameof(key));
        }
    }
}
