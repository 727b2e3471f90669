using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TaskFlow.Web.Client.Auth;

namespace TaskFlow.Web.Client.Api;

/// <summary>An RFC 9457 problem as the API returns it; <see cref="Errors"/> holds the validation messages keyed by camelCase field.</summary>
public sealed record ApiProblem(int Status, string? Type, string? Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    /// <summary>
    /// No answer at all. The browser's own text ("TypeError: Failed to fetch") means nothing to a user: say it in plain words.
    /// </summary>
    /// <param name="message">The browser's text, kept out of sight.</param>
    public static ApiProblem Network(string message)
    {
        _ = message;
        return new(0, "about:network", "Can't reach the server. Check your connection; nothing was saved, so you can try again.", null, new Dictionary<string, string[]>());
    }

    /// <summary>The server could not be reached.</summary>
    public bool IsNetwork => Status == 0;

    /// <summary>The first message for <paramref name="field"/>, for a field's helper text.</summary>
    public string? For(string field) => Errors.TryGetValue(field, out var messages) && messages.Length > 0 ? string.Join(" ", messages) : null;

    /// <summary>What to show when no field is named.</summary>
    public string Message => Detail ?? Title ?? (Status == 0 ? "The server could not be reached." : $"The request failed ({Status}).");
}

/// <summary>The outcome of a call: a value, or a problem. Expected failures are values, not exceptions.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem, string? ETag = null)
{
    public bool Ok => Problem is null;
}

/// <summary>
/// Sends requests to the TaskFlow API on the same origin with the in-memory access token; a 401 renews the token once
/// through the session endpoint and retries.
/// </summary>
public sealed class ApiClient(IApiTransport transport, SessionService session)
{
    /// <summary>
    /// Web defaults, generated metadata only (<see cref="ApiJson"/>): no reflection, so trimming cannot take what the client
    /// reads, and reading 500 cards stays fast in WebAssembly.
    /// </summary>
    internal static JsonSerializerOptions Json => ApiJson.Default.Options;

    /// <summary>The generated metadata of <typeparamref name="T"/>; a type missing from <see cref="ApiJson"/> fails here, loudly.</summary>
    internal static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)Info(typeof(T));

    internal static JsonTypeInfo Info(Type type) =>
        ApiJson.Default.GetTypeInfo(type) ?? throw new NotSupportedException($"{type} has no generated JSON metadata: add it to ApiJson.");

    public Task<ApiResult<T>> Get<T>(string url, CancellationToken ct = default) =>
        Send<T>(() => new ApiRequest("GET", url), ct);

    public Task<ApiResult<T>> Post<T>(string url, object? body, CancellationToken ct = default) =>
        Send<T>(() => WithBody("POST", url, body), ct);

    public Task<ApiResult<T>> Patch<T>(string url, object body, string? ifMatch = null, CancellationToken ct = default) =>
        Send<T>(() =>
        {
            var request = WithBody("PATCH", url, body);
            return ifMatch is null ? request : request.WithHeader("If-Match", ifMatch);
        }, ct);

    public Task<ApiResult<T>> Put<T>(string url, object body, CancellationToken ct = default) =>
        Send<T>(() => WithBody("PUT", url, body), ct);

    public Task<ApiResult<T>> Delete<T>(string url, CancellationToken ct = default) =>
        Send<T>(() => new ApiRequest("DELETE", url), ct);

    /// <summary>A DELETE that needs a body (deleting the account sends the password).</summary>
    public Task<ApiResult<T>> Delete<T>(string url, object body, CancellationToken ct = default) =>
        Send<T>(() => WithBody("DELETE", url, body), ct);

    /// <summary>Posts one file as multipart/form-data; <see cref="ApiFile.Open"/> is called again for the one retry after a renewal.</summary>
    public Task<ApiResult<T>> PostFile<T>(string url, ApiFile file, CancellationToken ct = default) =>
        Send<T>(() => new ApiRequest("POST", url) { File = file }, ct);

    /// <summary>A binary response (a download) with its file name from Content-Disposition.</summary>
    public async Task<ApiResult<(byte[] Bytes, string? FileName, string ContentType)>> GetBytes(string url, CancellationToken ct = default)
    {
        try
        {
            var response = await SendAuthorized(() => new ApiRequest("GET", url), ct);
            if (!response.IsSuccess) return new(default, ReadProblem(response));
            var contentType = response.ContentType is { } type ? type.Split(';')[0].Trim() : "application/octet-stream";
            return new((response.Body, FileName(response.ContentDisposition), contentType), null);
        }
        catch (ApiNetworkException e)
        {
            return new(default, ApiProblem.Network(e.Message));
        }
    }

    /// <summary>The file name of a Content-Disposition header: <c>filename*</c> (RFC 5987, UTF-8) first, else <c>filename</c>.</summary>
    internal static string? FileName(string? disposition)
    {
        if (disposition is null) return null;
        string? plain = null;
        foreach (var part in disposition.Split(';'))
        {
            var p = part.Trim();
            if (p.StartsWith("filename*=", StringComparison.OrdinalIgnoreCase))
            {
                var value = p["filename*=".Length..].Trim('"');
                var quote = value.IndexOf("''", StringComparison.Ordinal);
                return Uri.UnescapeDataString(quote >= 0 ? value[(quote + 2)..] : value);
            }
            if (p.StartsWith("filename=", StringComparison.OrdinalIgnoreCase)) plain = p["filename=".Length..].Trim('"');
        }
        return plain;
    }

    static ApiRequest WithBody(string method, string url, object? body) =>
        new(method, url) { Json = body is null ? "{}"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(body, Info(body.GetType())) };

    async Task<ApiResult<T>> Send<T>(Func<ApiRequest> build, CancellationToken ct)
    {
        try
        {
            var response = await SendAuthorized(build, ct);
            if (!response.IsSuccess) return new ApiResult<T>(default, ReadProblem(response));
            if (response.Status == 204 || typeof(T) == typeof(NoBody) || response.Body.Length == 0)
                return new ApiResult<T>(default, null, response.ETag);
            return new ApiResult<T>(JsonSerializer.Deserialize(response.Body, Info<T>()), null, response.ETag);
        }
        catch (ApiNetworkException e)
        {
            return new ApiResult<T>(default, ApiProblem.Network(e.Message));
        }
    }

    async Task<ApiResponse> SendAuthorized(Func<ApiRequest> build, CancellationToken ct)
    {
        var token = await session.GetAccessToken();
        var request = build();
        if (token is not null) request.WithHeader("Authorization", "Bearer " + token);
        var response = await transport.Send(request, ct);
        if (response.Status != 401 || token is null) return response;

        // The token may have expired while the tab slept: renew once through the session cookie and retry.
        token = await session.Renew();
        var retry = build();
        if (token is not null) retry.WithHeader("Authorization", "Bearer " + token);
        return await transport.Send(retry, ct);
    }

    internal static ApiProblem ReadProblem(ApiResponse response)
    {
        try
        {
            var body = response.Body.AsSpan().TrimStart(" \t\r\n"u8);
            if (body.Length > 0 && body[0] == (byte)'{')
            {
                using var doc = JsonDocument.Parse(response.Body);
                var root = doc.RootElement;
                var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
                if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                    foreach (var field in e.EnumerateObject())
                        errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                            ? [.. field.Value.EnumerateArray().Select(m => m.GetString() ?? "")]
                            : [field.Value.ToString()];
                return new ApiProblem(response.Status, Text(root, "type"), Text(root, "title"), Text(root, "detail"), errors);
            }
        }
        catch (JsonException)
        {
        }
        return new ApiProblem(response.Status, null, string.IsNullOrEmpty(response.StatusText) ? null : response.StatusText, null, new Dictionary<string, string[]>());
    }

    static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>For calls whose success has no body (204).</summary>
public sealed record NoBody;
