using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TaskFlow.Web.Client.Auth;

namespace TaskFlow.Web.Client.Api;

/// <summary>An RFC 9457 problem as the API returns it; <see cref="Errors"/> holds the validation messages keyed by camelCase field.</summary>
public sealed record ApiProblem(int Status, string? Type, string? Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    public static ApiProblem Network(string message) => new(0, null, message, null, new Dictionary<string, string[]>());

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
public sealed class ApiClient(HttpClient http, SessionService session)
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
        Send<T>(() => new HttpRequestMessage(HttpMethod.Get, url), ct);

    public Task<ApiResult<T>> Post<T>(string url, object? body, CancellationToken ct = default) =>
        Send<T>(() => WithBody(HttpMethod.Post, url, body), ct);

    public Task<ApiResult<T>> Patch<T>(string url, object body, string? ifMatch = null, CancellationToken ct = default) =>
        Send<T>(() =>
        {
            var request = WithBody(HttpMethod.Patch, url, body);
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            return request;
        }, ct);

    public Task<ApiResult<T>> Put<T>(string url, object body, CancellationToken ct = default) =>
        Send<T>(() => WithBody(HttpMethod.Put, url, body), ct);

    public Task<ApiResult<T>> Delete<T>(string url, CancellationToken ct = default) =>
        Send<T>(() => new HttpRequestMessage(HttpMethod.Delete, url), ct);

    /// <summary>Posts a body built by <paramref name="content"/> (e.g. a multipart upload); it is called again for the one retry after a renewal.</summary>
    public Task<ApiResult<T>> PostContent<T>(string url, Func<HttpContent> content, CancellationToken ct = default) =>
        Send<T>(() => new HttpRequestMessage(HttpMethod.Post, url) { Content = content() }, ct);

    /// <summary>A binary response (a download) with its file name from Content-Disposition.</summary>
    public async Task<ApiResult<(byte[] Bytes, string? FileName, string ContentType)>> GetBytes(string url, CancellationToken ct = default)
    {
        try
        {
            using var response = await SendAuthorized(() => new HttpRequestMessage(HttpMethod.Get, url), ct);
            if (!response.IsSuccessStatusCode) return new(default, await ReadProblem(response, ct));
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            var disposition = response.Content.Headers.ContentDisposition;
            var name = (disposition?.FileNameStar ?? disposition?.FileName)?.Trim('"');
            return new((bytes, name, response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream"), null);
        }
        catch (HttpRequestException e)
        {
            return new(default, ApiProblem.Network(e.Message));
        }
    }

    static HttpRequestMessage WithBody(HttpMethod method, string url, object? body) =>
        new(method, url)
        {
            Content = body is null ? new StringContent("{}", Encoding.UTF8, "application/json") : JsonContent.Create(body, Info(body.GetType())),
        };

    async Task<ApiResult<T>> Send<T>(Func<HttpRequestMessage> build, CancellationToken ct)
    {
        try
        {
            using var response = await SendAuthorized(build, ct);
            var etag = response.Headers.ETag?.ToString();
            if (response.IsSuccessStatusCode)
            {
                if (response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(NoBody) || response.Content.Headers.ContentLength == 0)
                    return new ApiResult<T>(default, null, etag);
                var value = await response.Content.ReadFromJsonAsync(Info<T>(), ct);
                return new ApiResult<T>(value, null, etag);
            }
            return new ApiResult<T>(default, await ReadProblem(response, ct));
        }
        catch (HttpRequestException e)
        {
            return new ApiResult<T>(default, ApiProblem.Network(e.Message));
        }
    }

    async Task<HttpResponseMessage> SendAuthorized(Func<HttpRequestMessage> build, CancellationToken ct)
    {
        var token = await session.GetAccessToken();
        var request = build();
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request, ct);
        request.Dispose();
        if (response.StatusCode != HttpStatusCode.Unauthorized || token is null) return response;

        // The token may have expired while the tab slept: renew once through the session cookie and retry.
        response.Dispose();
        token = await session.Renew();
        var retry = build();
        if (token is not null) retry.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var second = await http.SendAsync(retry, ct);
        retry.Dispose();
        return second;
    }

    internal static async Task<ApiProblem> ReadProblem(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        try
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (body.Length > 0 && body.TrimStart().StartsWith('{'))
            {
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
                if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                    foreach (var field in e.EnumerateObject())
                        errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                            ? [.. field.Value.EnumerateArray().Select(m => m.GetString() ?? "")]
                            : [field.Value.ToString()];
                return new ApiProblem(status, Text(root, "type"), Text(root, "title"), Text(root, "detail"), errors);
            }
        }
        catch (JsonException)
        {
        }
        return new ApiProblem(status, null, response.ReasonPhrase, null, new Dictionary<string, string[]>());
    }

    static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>For calls whose success has no body (204).</summary>
public sealed record NoBody;
