using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TaskFlow.Integrations.Tests;

public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A real HTTP endpoint (Kestrel on a free port of 127.0.0.1) that records every request and answers with the status
/// <see cref="Respond"/> picks for the n-th request (0-based).
/// </summary>
public sealed class Receiver : IAsyncDisposable
{
    readonly WebApplication app;
    readonly ConcurrentQueue<Received> requests = new();
    int count;

    Receiver(WebApplication app) => this.app = app;

    public Func<int, int> Respond { get; set; } = _ => 200;
    public IReadOnlyList<Received> Requests => [.. requests];
    public string BaseUrl { get; private set; } = "";
    public string Url => BaseUrl + "/hook";

    public static async Task<Receiver> Start(Func<int, int>? respond = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new Receiver(app);
        if (respond is not null) receiver.Respond = respond;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            receiver.requests.Enqueue(new Received(context.Request.Path, headers, body));
            var status = receiver.Respond(Interlocked.Increment(ref receiver.count) - 1);
            context.Response.StatusCode = status;
            if (status is >= 300 and < 400) context.Response.Headers.Location = "/redirected";
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Urls.Single().TrimEnd('/');
        return receiver;
    }

    public async Task<IReadOnlyList<Received>> WaitFor(int n)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (requests.Count < n)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The receiver got {requests.Count} of {n} requests.");
            await Task.Delay(50);
        }
        return Requests;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
