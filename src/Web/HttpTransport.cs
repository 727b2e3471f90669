using System.Net.Http.Headers;
using TaskFlow.Web.Client.Api;

namespace TaskFlow.Web;

/// <summary>
/// The client's <see cref="IApiTransport"/> over <see cref="HttpClient"/>, for prerendering (which never calls the API) and
/// for component tests. The browser uses the client's fetch transport, so System.Net.Http stays out of its download
/// (docs/adr/0017-web-third-pass.md).
/// </summary>
public sealed class HttpTransport(HttpClient http) : IApiTransport
{
    public async Task<ApiResponse> Send(ApiRequest request, CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Url);
        if (request.Json is { } json)
            message.Content = new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } };
        Stream? fileStream = null;
        if (request.File is { } file)
        {
            fileStream = file.Open();
            var part = new StreamContent(fileStream);
            part.Headers.ContentType = MediaTypeHeaderValue.TryParse(string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType, out var type)
                ? type : new MediaTypeHeaderValue("application/octet-stream");
            message.Content = new MultipartFormDataContent { { part, file.Field, file.FileName } };
        }
        foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);
        try
        {
            using var response = await http.SendAsync(message, ct);
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            return new ApiResponse((int)response.StatusCode, response.ReasonPhrase, response.Headers.ETag?.ToString(),
                response.Content.Headers.ContentType?.ToString(), response.Content.Headers.ContentDisposition?.ToString(), body);
        }
        catch (HttpRequestException e)
        {
            throw new ApiNetworkException(e.Message, e);
        }
        finally
        {
            if (fileStream is not null) await fileStream.DisposeAsync();
        }
    }
}
