using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TaskFlow.Web.Tests;

/// <summary>Sets up preconditions of browser tests through the API.</summary>
static class SeedApi
{
    static readonly TimeSpan Eventually = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Services learn about new workspaces, projects, members, statuses and labels from events, so a write that depends on
    /// one may be refused for a moment (404 unknown, 400 unknown assignee or label, 403 role not known yet, 409
    /// workflow-unknown): retry until it succeeds or <see cref="Eventually"/> passes. The answer's JSON (default when empty).
    /// </summary>
    public static async Task<JsonElement> Post(HttpClient api, string url, object body, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + Eventually;
        while (true)
        {
            using var response = await api.PostAsJsonAsync(url, body, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode)
                return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            if (response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.Conflict)
                || DateTime.UtcNow > deadline)
                throw new HttpRequestException($"POST {url}: {(int)response.StatusCode} {text}");
            await Task.Delay(200, ct);
        }
    }

    public static async Task<T> Post<T>(HttpClient api, string url, object body, CancellationToken ct = default) =>
        (await Post(api, url, body, ct)).Deserialize<T>(JsonSerializerOptions.Web)!;

    /// <summary>The id of what a POST created.</summary>
    public static async Task<Guid> Create(HttpClient api, string url, object body, CancellationToken ct = default) =>
        (await Post(api, url, body, ct)).GetProperty("id").GetGuid();
}
