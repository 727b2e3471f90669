using System.Text.Json;

namespace TaskFlow.Web.Client.Api;

/// <summary>
/// "Download my data": one JSON file with what each service keeps about the signed-in user, each part as that service's
/// API answers it: identity's account export (profile, sessions), the workspaces and roles, the tasks and comments they
/// wrote (where they can still read them), every in-app notification, and the notification preferences and delivery
/// settings (docs/adr/0030-personal-data.md).
/// </summary>
public sealed class MyDataExport(ApiClient api)
{
    public const string FileName = "taskflow-my-data.json";

    static readonly (string Name, string Url)[] Parts =
    [
        ("account", "v1/users/me/export"),
        ("workspaces", "v1/workspaces"),
        ("tasksAndComments", "v1/tasks/authored-by-me"),
        ("notificationPreferences", "v1/notifications/preferences"),
        ("notificationDelivery", "v1/notifications/preferences/delivery"),
    ];

    public async Task<ApiResult<byte[]>> Build(CancellationToken ct = default)
    {
        using var file = new MemoryStream();
        using (var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("exportedAt", DateTime.UtcNow);
            foreach (var (name, url) in Parts)
            {
                var part = await api.GetBytes(url, ct);
                if (part.Problem is { } problem) return new(null, problem);
                json.WritePropertyName(name);
                json.WriteRawValue(part.Value.Bytes);
            }
            json.WritePropertyName("notifications");
            json.WriteStartArray();
            for (string? cursor = null; ;)
            {
                var page = await api.GetBytes("v1/notifications?limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), ct);
                if (page.Problem is { } problem) return new(null, problem);
                using var document = JsonDocument.Parse(page.Value.Bytes);
                foreach (var item in document.RootElement.GetProperty("data").EnumerateArray()) item.WriteTo(json);
                cursor = document.RootElement.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
                if (cursor is null) break;
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return new(file.ToArray(), null);
    }
}
