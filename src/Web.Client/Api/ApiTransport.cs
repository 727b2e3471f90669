namespace TaskFlow.Web.Client.Api;

/// <summary>
/// One HTTP exchange with the same origin. In the browser it is <see cref="FetchTransport"/> (the browser's <c>fetch</c>, so
/// System.Net.Http is not downloaded: docs/adr/0017-web-third-pass.md); prerendering and component tests use the server's
/// <c>HttpTransport</c>. Network failures throw <see cref="ApiNetworkException"/>; a cancelled call throws
/// <see cref="OperationCanceledException"/>.
/// </summary>
public interface IApiTransport
{
    Task<ApiResponse> Send(ApiRequest request, CancellationToken ct = default);
}

/// <summary>A request: relative URL, headers, and a JSON body or one file (multipart/form-data), or none.</summary>
public sealed class ApiRequest(string method, string url)
{
    public string Method { get; } = method;
    public string Url { get; } = url;
    public List<KeyValuePair<string, string>> Headers { get; } = [];

    /// <summary>UTF-8 JSON, sent as application/json.</summary>
    public byte[]? Json { get; init; }

    /// <summary>One file sent as multipart/form-data.</summary>
    public ApiFile? File { get; init; }

    public ApiRequest WithHeader(string name, string value)
    {
        Headers.Add(new(name, value));
        return this;
    }
}

/// <summary>
/// A file for a multipart upload: the form field, the file's name and type, and its content (<see cref="Open"/> is called once
/// per attempt; the transport reads it to the end before sending, so a wrapping stream observes the progress).
/// </summary>
public sealed record ApiFile(string Field, string FileName, string ContentType, Func<Stream> Open);

/// <summary>A response, read to the end.</summary>
public sealed record ApiResponse(int Status, string? StatusText, string? ETag, string? ContentType, string? ContentDisposition, byte[] Body)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}

/// <summary>The server could not be reached (or the connection failed mid-way).</summary>
public sealed class ApiNetworkException(string message, Exception? inner = null) : Exception(message, inner);
