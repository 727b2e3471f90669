using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;

namespace TaskFlow.Web.Client.Api;

/// <summary>
/// API calls through the browser's <c>fetch</c> (<c>js/api.js</c>), bodies as bytes both ways. HttpClient does the same
/// in WebAssembly but brings System.Net.Http and its headers model (~70 KB compressed) into the first download
/// (docs/adr/0017-web-third-pass.md). <c>js/api.js</c> also answers the board's first reads from requests it started
/// itself while the runtime was loading.
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed partial class FetchTransport : IApiTransport
{
    static int lastId;

    public async Task<ApiResponse> Send(ApiRequest request, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var headers = new string[request.Headers.Count * 2];
        for (var i = 0; i < request.Headers.Count; i++) (headers[2 * i], headers[2 * i + 1]) = (request.Headers[i].Key, request.Headers[i].Value);
        byte[]? body = request.Json;
        string? fileField = null, fileName = null, fileType = null;
        if (request.File is { } file)
        {
            (fileField, fileName, fileType) = (file.Field, file.FileName, string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType);
            await using var content = file.Open();
            using var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, ct);
            body = buffer.ToArray();
        }
        var id = Interlocked.Increment(ref lastId);
        using var abort = ct.CanBeCanceled ? ct.Register(() => Abort(id)) : default;
        JSObject response;
        try
        {
            response = await Fetch(id, request.Method, request.Url, headers, request.Json is null ? null : "application/json", body, fileField, fileName, fileType);
        }
        catch (JSException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
        catch (JSException e)
        {
            throw new ApiNetworkException(e.Message, e);
        }
        using (response)
        {
            return new ApiResponse(
                response.GetPropertyAsInt32("status"),
                response.GetPropertyAsString("statusText"),
                response.GetPropertyAsString("etag"),
                response.GetPropertyAsString("contentType"),
                response.GetPropertyAsString("disposition"),
                response.GetPropertyAsByteArray("body") ?? []);
        }
    }

    [JSImport("globalThis.taskflowApi.send")]
    [return: JSMarshalAs<JSType.Promise<JSType.Object>>]
    private static partial Task<JSObject> Fetch(
        int id, string method, string url, [JSMarshalAs<JSType.Array<JSType.String>>] string[] headers, string? bodyType,
        [JSMarshalAs<JSType.Array<JSType.Number>>] byte[]? body, string? fileField, string? fileName, string? fileType);

    [JSImport("globalThis.taskflowApi.abort")]
    private static partial void Abort(int id);
}
