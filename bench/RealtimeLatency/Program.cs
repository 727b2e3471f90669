// Latency from a task update (PATCH returns) to the SignalR "event" at a connected client, at a fixed arrival rate
// (open loop: updates are sent on schedule whether or not earlier ones have answered). See bench/README.md.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

var options = Options.Parse(args);
var root = FindRoot();
Process? server = null;
var dataDir = Path.Combine(Path.GetTempPath(), "taskflow-bench-rt-" + Guid.NewGuid().ToString("N")[..8]);
var baseUrl = options.Url;
try
{
    if (baseUrl is null)
    {
        var port = options.Port;
        baseUrl = $"http://127.0.0.1:{port}/";
        Console.Error.WriteLine($"Starting the all-in-one host (Release) on {baseUrl}, data in {dataDir}");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        foreach (var a in new[] { "run", "-c", "Release", "--no-launch-profile", "--project", "src/Host", "--", "--urls", baseUrl.TrimEnd('/'), "--DataDir", dataDir, "--RateLimits:Enabled", "false", "--Messaging:OutboxPollInterval", "00:00:00.200" })
            info.ArgumentList.Add(a);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        server = Process.Start(info)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("[host] " + e.Data); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
    }
    using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
    await WaitReady(http, server);

    // Set-up through the API: an account, a workspace, a project and the tasks to update.
    var email = $"bench-{Guid.NewGuid():N}@example.com";
    const string password = "bench-password-long-enough-1";
    (await http.PostAsJsonAsync("/v1/auth/register", new { email, password, displayName = "Bench" })).EnsureSuccessStatusCode();
    var login = await (await http.PostAsJsonAsync("/v1/auth/login", new { email, password })).Content.ReadFromJsonAsync<JsonElement>();
    var token = login.GetProperty("accessToken").GetString()!;
    http.DefaultRequestHeaders.Authorization = new("Bearer", token);
    var workspaceId = await Id(await http.PostAsJsonAsync("/v1/workspaces", new { name = "Bench" }));
    var projectId = await Retry(async () => await Id(await http.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Bench", key = "BEN" })));
    var taskIds = new Guid[options.Tasks];
    for (var i = 0; i < taskIds.Length; i++)
        taskIds[i] = await Retry(async () => await Id(await http.PostAsJsonAsync($"/v1/projects/{projectId}/tasks", new { title = $"Task {i}" })));
    Console.Error.WriteLine($"{taskIds.Length} tasks created");

    // The client: WebSockets with the token in the query string, as a browser.
    var received = new ConcurrentDictionary<Guid, ConcurrentQueue<long>>();
    var clock = Stopwatch.StartNew();
    await using var hub = new HubConnectionBuilder()
        .WithUrl(new Uri(new Uri(baseUrl), "v1/realtime/hub"), o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
            o.WebSocketFactory = async (context, ct) =>
            {
                var socket = new System.Net.WebSockets.ClientWebSocket();
                await socket.ConnectAsync(new UriBuilder(context.Uri) { Query = "access_token=" + Uri.EscapeDataString(token) }.Uri, ct);
                return socket;
            };
        })
        .Build();
    hub.On<JsonElement>("event", e =>
    {
        var at = clock.ElapsedTicks;
        if (e.GetProperty("type").GetString() == "TaskUpdated" && e.GetProperty("taskId").GetGuid() is var id)
            received.GetOrAdd(id, _ => new()).Enqueue(at);
    });
    await hub.StartAsync();
    await Retry(async () => { await hub.InvokeAsync("JoinProject", projectId); return true; });

    // Warm-up (JIT, connection pools), not measured.
    await Run(http, taskIds, options.Rate, TimeSpan.FromSeconds(options.WarmupSeconds), clock, null);
    await Task.Delay(2000);
    received.Clear();

    var updates = new ConcurrentBag<Update>();
    var sendWindow = TimeSpan.FromSeconds(options.Seconds);
    var behind = await Run(http, taskIds, options.Rate, sendWindow, clock, updates);
    // Let the last events arrive.
    await Task.Delay(TimeSpan.FromSeconds(5));

    // The k-th successful update of a task is matched with the k-th TaskUpdated for it (a task is never updated
    // while its previous update is in flight, and the realtime service pushes in order all-in-one).
    var fromResponse = new List<double>();
    var fromRequest = new List<double>();
    var beforeResponse = 0;
    foreach (var group in updates.Where(u => u.Ok).GroupBy(u => u.TaskId))
    {
        var events = received.TryGetValue(group.Key, out var q) ? q.ToArray() : [];
        var ordered = group.OrderBy(u => u.SentAt).ToArray();
        for (var k = 0; k < ordered.Length && k < events.Length; k++)
        {
            var ms = (events[k] - ordered[k].ReturnedAt) * 1000.0 / Stopwatch.Frequency;
            if (ms < 0) beforeResponse++;
            fromResponse.Add(Math.Max(0, ms));
            fromRequest.Add((events[k] - ordered[k].SentAt) * 1000.0 / Stopwatch.Frequency);
        }
    }
    var ok = updates.Count(u => u.Ok);
    var failed = updates.Count(u => !u.Ok);
    var report = Report(options, updates.Count, ok, failed, behind, fromResponse, fromRequest, beforeResponse);
    Console.WriteLine(report);
    var results = Path.Combine(root, "bench", "results");
    Directory.CreateDirectory(results);
    await File.WriteAllTextAsync(Path.Combine(results, "realtime-latest.md"), report);
    return 0;
}
finally
{
    if (server is { HasExited: false })
    {
        server.Kill(entireProcessTree: true);
        await server.WaitForExitAsync();
    }
    try { if (Directory.Exists(dataDir)) Directory.Delete(dataDir, true); } catch (IOException) { }
}

static async Task<int> Run(HttpClient http, Guid[] taskIds, int rate, TimeSpan duration, Stopwatch clock, ConcurrentBag<Update>? updates)
{
    var inFlight = new ConcurrentDictionary<Guid, bool>();
    var pending = new List<Task>();
    var total = (int)(rate * duration.TotalSeconds);
    var interval = Stopwatch.Frequency / (double)rate;
    var start = clock.ElapsedTicks;
    var skipped = 0;
    for (var i = 0; i < total; i++)
    {
        var due = start + (long)(i * interval);
        var wait = (due - clock.ElapsedTicks) * 1000.0 / Stopwatch.Frequency;
        if (wait > 1) await Task.Delay(TimeSpan.FromMilliseconds(wait));
        else while (clock.ElapsedTicks < due) Thread.SpinWait(50);
        var taskId = taskIds[i % taskIds.Length];
        if (!inFlight.TryAdd(taskId, true)) { skipped++; continue; }
        var n = i;
        pending.Add(Task.Run(async () =>
        {
            var sent = clock.ElapsedTicks;
            var ok = false;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Patch, $"/v1/tasks/{taskId}") { Content = JsonContent.Create(new { title = $"Update {n}" }) };
                request.Headers.TryAddWithoutValidation("If-Match", "*");
                using var response = await http.SendAsync(request);
                ok = response.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            updates?.Add(new Update(taskId, sent, clock.ElapsedTicks, ok));
            inFlight.TryRemove(taskId, out _);
        }));
    }
    await Task.WhenAll(pending);
    return skipped;
}

static string Report(Options o, int sent, int ok, int failed, int skipped, List<double> fromResponse, List<double> fromRequest, int beforeResponse)
{
    static string P(List<double> values, double p)
    {
        if (values.Count == 0) return "–";
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)].ToString("0.0", CultureInfo.InvariantCulture);
    }
    var sb = new StringBuilder();
    sb.AppendLine(CultureInfo.InvariantCulture, $"# Realtime latency: PATCH → SignalR event ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
    sb.AppendLine();
    sb.AppendLine(CultureInfo.InvariantCulture, $"All-in-one host (SQLite, in-process events and SignalR), {Environment.ProcessorCount} cores shared with the generator; one client on WebSockets joined to the project.");
    sb.AppendLine(CultureInfo.InvariantCulture, $"Fixed arrival rate {o.Rate} PATCH/s for {o.Seconds} s over {o.Tasks} tasks (after {o.WarmupSeconds} s warm-up), `If-Match: *`.");
    sb.AppendLine();
    sb.AppendLine("| measured | n | p50 ms | p90 ms | p99 ms | max ms |");
    sb.AppendLine("|---|---|---|---|---|---|");
    sb.AppendLine(CultureInfo.InvariantCulture, $"| PATCH returned → event at client | {fromResponse.Count} | {P(fromResponse, 50)} | {P(fromResponse, 90)} | {P(fromResponse, 99)} | {P(fromResponse, 100)} |");
    sb.AppendLine(CultureInfo.InvariantCulture, $"| PATCH sent → event at client | {fromRequest.Count} | {P(fromRequest, 50)} | {P(fromRequest, 90)} | {P(fromRequest, 99)} | {P(fromRequest, 100)} |");
    sb.AppendLine();
    sb.AppendLine(CultureInfo.InvariantCulture, $"Updates sent {sent}, succeeded {ok}, failed {failed}, skipped (task still in flight) {skipped}; events matched {fromResponse.Count} (missing {ok - fromResponse.Count}); events that arrived before their PATCH response {beforeResponse} (counted as 0 ms).");
    return sb.ToString();
}

static async Task WaitReady(HttpClient http, Process? server)
{
    var deadline = DateTime.UtcNow.AddMinutes(10);
    while (true)
    {
        if (server is { HasExited: true }) throw new InvalidOperationException("The host exited.");
        try
        {
            if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
        }
        catch (HttpRequestException)
        {
        }
        if (DateTime.UtcNow > deadline) throw new TimeoutException("The host was not ready.");
        await Task.Delay(250);
    }
}

static async Task<Guid> Id(HttpResponseMessage response)
{
    if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
}

static async Task<T> Retry<T>(Func<Task<T>> attempt)
{
    var deadline = DateTime.UtcNow.AddSeconds(30);
    while (true)
    {
        try
        {
            return await attempt();
        }
        catch (Exception ex) when (ex is HttpRequestException or HubException && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
    }
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "TaskFlow.slnx"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}

sealed record Update(Guid TaskId, long SentAt, long ReturnedAt, bool Ok);

sealed record Options(string? Url, int Port, int Rate, int Seconds, int WarmupSeconds, int Tasks)
{
    public static Options Parse(string[] args)
    {
        string? Get(string name) => Array.IndexOf(args, "--" + name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new(Get("url"), Int("port", 5991), Int("rate", 200), Int("seconds", 30), Int("warmup", 5), Int("tasks", 400));
    }
}
