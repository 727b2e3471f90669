using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TaskFlow.TestKit;

/// <summary>One request a <see cref="WebhookReceiver"/> got: headers (case-insensitive) and the raw body.</summary>
public sealed record WebhookRequest(string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The <c>TaskFlow-Event</c> header (the event kind, e.g. <c>task.assigned</c>).</summary>
    public string? Kind => Headers.TryGetValue("TaskFlow-Event", out var kind) ? kind : null;

    /// <summary>The <c>TaskFlow-Delivery</c> header: one per delivery, the same on a resend of it.</summary>
    public string? DeliveryId => Headers.TryGetValue("TaskFlow-Delivery", out var id) ? id : null;

    /// <summary>The body's event <c>id</c>.</summary>
    public Guid EventId => JsonDocument.Parse(Body).RootElement.GetProperty("id").GetGuid();

    /// <summary>The body's <c>data</c>.</summary>
    public JsonElement Data => JsonDocument.Parse(Body).RootElement.GetProperty("data").Clone();

    /// <summary>
    /// Whether <c>TaskFlow-Signature: t=…,v1=hex(HMAC-SHA256(secret, "t.body"))</c> is valid for <paramref name="secret"/>,
    /// checked the way the integrations README tells receivers to.
    /// </summary>
    public bool IsSignedWith(string secret)
    {
        if (!Headers.TryGetValue("TaskFlow-Signature", out var header)) return false;
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1)) return false;
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{Body}"));
        try
        {
            return CryptographicOperations.FixedTimeEquals(mac, Convert.FromHexString(v1));
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>A real HTTP endpoint (Kestrel on a free port of 127.0.0.1) that answers 200 to every POST and records it.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    readonly WebApplication app;
    readonly ConcurrentQueue<WebhookRequest> requests = new();

    WebhookReceiver(WebApplication app) => this.app = app;

    public IReadOnlyList<WebhookRequest> Requests => [.. requests];

    /// <summary>The URL to subscribe (<c>http://127.0.0.1:port/hook</c>).</summary>
    public string Url { get; private set; } = "";

    public static async Task<WebhookReceiver> Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            receiver.requests.Enqueue(new WebhookRequest(context.Request.Path, headers, body));
            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        await app.StartAsync();
        receiver.Url = app.Urls.Single().TrimEnd('/') + "/hook";
        return receiver;
    }

    /// <summary>Waits until a request matching <paramref name="match"/> arrived and returns it.</summary>
    public async Task<WebhookRequest> WaitFor(Func<WebhookRequest, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (requests.FirstOrDefault(match) is { } found) return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No matching webhook arrived; got {requests.Count}: {string.Join("; ", requests.Select(r => r.Kind + " " + r.Body))}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
