using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using TaskFlow.BuildingBlocks.Web;

namespace TaskFlow.Realtime.Hub;

/// <summary>
/// Ties a connection token to the user who negotiated it. Long polling and server-sent events carry the token in the query
/// string of every request (so it reaches proxy and access logs); another signed-in user holding it must not poll, send
/// on or close that connection. Connections live on the instance that negotiated them, so this instance's memory is the
/// whole truth; a token negotiated elsewhere is not in it and SignalR refuses it anyway.
/// </summary>
internal sealed class ConnectionOwners(IMemoryCache owners)
{
    static readonly MemoryCacheEntryOptions Kept = new() { SlidingExpiration = TimeSpan.FromMinutes(10) };

    public async Task Guard(HttpContext http, RequestDelegate next)
    {
        var user = http.User.UserId();
        if (http.Request.Path.Value?.EndsWith("/negotiate", StringComparison.Ordinal) == true)
        {
            var body = http.Response.Body;
            using var buffer = new MemoryStream();
            http.Response.Body = buffer;
            try
            {
                await next(http);
            }
            finally
            {
                http.Response.Body = body;
            }
            if (http.Response.StatusCode == StatusCodes.Status200OK && Token(buffer.ToArray()) is { } token) owners.Set(token, user, Kept);
            buffer.Position = 0;
            await buffer.CopyToAsync(body, http.RequestAborted);
            return;
        }
        if (http.Request.Query["id"].ToString() is { Length: > 0 } id && owners.TryGetValue(id, out Guid owner) && owner != user)
        {
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "This connection belongs to another user.").ExecuteAsync(http);
            return;
        }
        await next(http);
    }

    /// <summary>The id later requests carry: <c>connectionToken</c> (negotiate version 1), else <c>connectionId</c> (version 0).</summary>
    static string? Token(byte[] negotiated)
    {
        try
        {
            using var json = JsonDocument.Parse(negotiated);
            return json.RootElement.TryGetProperty("connectionToken", out var token) ? token.GetString()
                : json.RootElement.TryGetProperty("connectionId", out var id) ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
