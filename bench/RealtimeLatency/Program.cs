// Latency from a task update to (1) the SignalR "event" at a client looking at the project and (2) the in-app
// notification of a watcher (pushed as "notification" once it is in the recipient's list), at a fixed arrival rate
// (open loop: updates go out on schedule whether or not earlier ones have answered). All-in-one or scaled out
// (separate processes on PostgreSQL, RabbitMQ and the Redis backplane). See bench/README.md.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

var options = Options.Parse(args);
var root = FindRoot();
await using var topology = options.Url is null ? await Topology.Start(options, root) : Topology.External(options);
var clock = Stopwatch.StartNew();

using var http = new HttpClient { BaseAddress = topology.Api, Timeout = TimeSpan.FromSeconds(30) };
// Set-up through the API: the actor, a watcher who joins through the mailed invitation, a workspace, a project and
// the tasks (each assigned to the watcher, which makes the watcher follow it).
const string password = "bench-password-long-enough-1";
var actorEmail = $"bench-{Guid.NewGuid():N}@example.com";
var watcherEmail = $"watcher-{Guid.NewGuid():N}@example.com";
await Retry(async () => (await http.PostAsJsonAsync("/v1/auth/register", new { email = actorEmail, password, displayName = "Bench" })).EnsureSuccessStatusCode());
var watcherId = await Retry(async () => await Id(await http.PostAsJsonAsync("/v1/auth/register", new { email = watcherEmail, password, displayName = "Watcher" })));
var token = await Login(http, actorEmail, password);
var watcherToken = await Login(http, watcherEmail, password);
http.DefaultRequestHeaders.Authorization = new("Bearer", token);
var workspaceId = await Id(await http.PostAsJsonAsync("/v1/workspaces", new { name = "Bench" }));
await Retry(async () => (await http.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/invitations", new { email = watcherEmail, role = "member" })).EnsureSuccessStatusCode());
var invitation = await Mail.InvitationToken(topology.MailDir, watcherEmail);
using (var accept = new HttpRequestMessage(HttpMethod.Post, "/v1/invitations/accept") { Content = JsonContent.Create(new { token = invitation }) })
{
    accept.Headers.Authorization = new("Bearer", watcherToken);
    (await http.SendAsync(accept)).EnsureSuccessStatusCode();
}
var projectId = await Retry(async () => await Id(await http.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Bench", key = "BEN" })));
var statuses = await Retry(async () =>
{
    var list = await http.GetFromJsonAsync<JsonElement>($"/v1/projects/{projectId}/statuses");
    var items = list.ValueKind == JsonValueKind.Array ? list : list.GetProperty("data");
    var ids = items.EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ToArray();
    return ids.Length >= 2 ? ids : throw new HttpRequestException("The workflow has not reached the task service yet.");
});
var taskIds = new Guid[options.Tasks];
for (var i = 0; i < taskIds.Length; i++)
    taskIds[i] = await Retry(async () => await Id(await http.PostAsJsonAsync($"/v1/projects/{projectId}/tasks", new { title = $"Task {i}", assigneeIds = new[] { watcherId } })));
Console.Error.WriteLine($"{taskIds.Length} tasks created");

// Two clients on WebSockets with the token in the query string, as a browser: the actor looks at the project (board
// events), the watcher waits for notifications. Scaled out they connect to different realtime instances.
var events = new ConcurrentDictionary<Guid, ConcurrentQueue<long>>();
var notices = new ConcurrentDictionary<Guid, ConcurrentQueue<long>>();
var eventType = options.Update == "move" ? "TaskMoved" : "TaskUpdated";
await using var board = Hub(topology.BoardHub, token);
await using var inbox = Hub(topology.NotificationHub, watcherToken);
board.On<JsonElement>("event", e =>
{
    var at = clock.ElapsedTicks;
    if (e.GetProperty("type").GetString() == eventType) events.GetOrAdd(e.GetProperty("taskId").GetGuid(), _ => new()).Enqueue(at);
});
inbox.On<JsonElement>("notification", n =>
{
    var at = clock.ElapsedTicks;
    if (n.GetProperty("kind").GetString() == "status_changed" && n.GetProperty("url").GetString() is { } url && Guid.TryParse(url.Split('/')[^1], out var taskId))
        notices.GetOrAdd(taskId, _ => new()).Enqueue(at);
});
await board.StartAsync();
await inbox.StartAsync();
await Retry(async () => { await board.InvokeAsync("JoinProject", projectId); return true; });

var load = new Load(http, taskIds, statuses, options.Update, clock);
// Warm-up (JIT, connection pools, the first notifications), not measured.
await load.Run(options.Rate, TimeSpan.FromSeconds(options.WarmupSeconds), null);
// Start measuring from a settled server: wait until no warm-up message has arrived for 2 s (at most a minute), so a
// backlog of the warm-up (tier-0 code is slow) is not counted as latency of the measured updates.
var settledAt = clock.Elapsed;
for (var seen = -1L; clock.Elapsed - settledAt < TimeSpan.FromSeconds(60);)
{
    var now = events.Values.Sum(q => (long)q.Count) + notices.Values.Sum(q => (long)q.Count);
    if (now == seen) break;
    seen = now;
    await Task.Delay(2000);
}
Console.Error.WriteLine($"Warm-up settled {(clock.Elapsed - settledAt).TotalSeconds:F0} s after its last update");
events.Clear();
notices.Clear();

var updates = new ConcurrentBag<Update>();
var cpuBefore = topology.ServerCpuSeconds();
var loadBefore = Report.LoadAverage();
var behind = await load.Run(options.Rate, TimeSpan.FromSeconds(options.Seconds), updates);
// Let the last events arrive.
await Task.Delay(TimeSpan.FromSeconds(options.DrainSeconds));
var cpu = topology.ServerCpuSeconds() - cpuBefore;

var report = Report.Write(options, topology.Description, updates, events, notices, behind, cpu, loadBefore);
Console.WriteLine(report);
var results = Path.Combine(root, "bench", "results");
Directory.CreateDirectory(results);
await File.WriteAllTextAsync(Path.Combine(results, options.Url is null && options.Scaled ? "realtime-scaled-latest.md" : "realtime-latest.md"), report);
return 0;

static HubConnection Hub(Uri url, string token) => new HubConnectionBuilder()
    .WithUrl(url, o =>
    {
        o.Transports = HttpTransportType.WebSockets;
        o.SkipNegotiation = true;
        o.WebSocketFactory = async (context, ct) =>
        {
            var socket = new System.Net.WebSockets.ClientWebSocket();
            var uri = new UriBuilder(context.Uri) { Query = "access_token=" + Uri.EscapeDataString(token) };
            await socket.ConnectAsync(uri.Uri, ct);
            return socket;
        };
    })
    .Build();

static async Task<string> Login(HttpClient http, string email, string password) => await Retry(async () =>
{
    var response = await http.PostAsJsonAsync("/v1/auth/login", new { email, password });
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
});

static async Task<Guid> Id(HttpResponseMessage response)
{
    if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
}

static async Task<T> Retry<T>(Func<Task<T>> attempt)
{
    // Services learn of workspaces, projects and members through events: a request can precede its local copy.
    var deadline = DateTime.UtcNow.AddSeconds(60);
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

/// <summary>Sends updates at a fixed rate, round robin over the tasks; a task whose previous update is still in flight is skipped.</summary>
sealed class Load(HttpClient http, Guid[] taskIds, Guid[] statuses, string kind, Stopwatch clock)
{
    readonly ConcurrentDictionary<Guid, int> column = new();

    public async Task<int> Run(int rate, TimeSpan duration, ConcurrentBag<Update>? updates)
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
                    using var request = Request(taskId, n);
                    using var response = await http.SendAsync(request);
                    ok = response.IsSuccessStatusCode;
                    if (ok && kind == "move") column.AddOrUpdate(taskId, 1, (_, c) => 1 - c);
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

    HttpRequestMessage Request(Guid taskId, int n)
    {
        if (kind == "move")
        {
            // Back and forth between the first two columns, to the bottom: a status change every time.
            var target = statuses[1 - column.GetValueOrDefault(taskId, 0)];
            return new HttpRequestMessage(HttpMethod.Post, $"/v1/tasks/{taskId}/move") { Content = JsonContent.Create(new { statusId = target }) };
        }
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/v1/tasks/{taskId}") { Content = JsonContent.Create(new { title = $"Update {n}" }) };
        patch.Headers.TryAddWithoutValidation("If-Match", "*");
        return patch;
    }
}

static class Report
{
    public static string Write(Options o, string topology, ConcurrentBag<Update> updates, ConcurrentDictionary<Guid, ConcurrentQueue<long>> events,
        ConcurrentDictionary<Guid, ConcurrentQueue<long>> notices, int skipped, double? cpuSeconds, string loadBefore)
    {
        var ok = updates.Count(u => u.Ok);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Realtime latency: task update → SignalR event and → watcher's notification ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{topology}; {Environment.ProcessorCount} cores shared by the server(s), the generator and both clients (load average when the measured updates started: {loadBefore}).");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Fixed arrival rate {o.Rate} updates/s ({(o.Update == "move" ? "POST /move between two columns: TaskMoved, and a status_changed notification for the watcher" : "PATCH title with If-Match: *: TaskUpdated")}) for {o.Seconds} s over {o.Tasks} tasks, after {o.WarmupSeconds} s warm-up.");
        sb.AppendLine("Latency is from the update's HTTP response (the commit) to the message at the client; a message that beats its response counts as 0 ms.");
        sb.AppendLine();
        sb.AppendLine("| measured | n | missing | p50 ms | p90 ms | p99 ms | max ms |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        Row(sb, "update → SignalR event at the board client", Match(updates, events), ok);
        if (o.Update == "move") Row(sb, "update → notification at the watcher (in their list)", Match(updates, notices), ok);
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Updates sent {updates.Count}, succeeded {ok}, failed {updates.Count - ok}, skipped (task still in flight) {skipped}. \"missing\": successful updates without their message {o.DrainSeconds} s after the last one was sent.");
        if (cpuSeconds is { } cpu && ok > 0)
            sb.AppendLine(CultureInfo.InvariantCulture, $"Server CPU (user + system, all server processes, from the first measured update to the end of the drain): {cpu:0.0} s, {cpu * 1000 / ok:0.0} ms per successful update. This figure does not depend on what else runs on the machine; the latencies do.");
        return sb.ToString();
    }

    /// <summary>The k-th successful update of a task is matched with the k-th message about it (a task is never updated while its previous update is in flight).</summary>
    static List<double> Match(ConcurrentBag<Update> updates, ConcurrentDictionary<Guid, ConcurrentQueue<long>> messages)
    {
        var latencies = new List<double>();
        foreach (var group in updates.Where(u => u.Ok).GroupBy(u => u.TaskId))
        {
            var arrived = messages.TryGetValue(group.Key, out var q) ? q.ToArray() : [];
            var ordered = group.OrderBy(u => u.SentAt).ToArray();
            for (var k = 0; k < ordered.Length && k < arrived.Length; k++)
                latencies.Add(Math.Max(0, (arrived[k] - ordered[k].ReturnedAt) * 1000.0 / Stopwatch.Frequency));
        }
        return latencies;
    }

    static void Row(StringBuilder sb, string name, List<double> values, int expected) =>
        sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {values.Count} | {expected - values.Count} | {P(values, 50)} | {P(values, 90)} | {P(values, 99)} | {P(values, 100)} |");

    static string P(List<double> values, double p)
    {
        if (values.Count == 0) return "–";
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)].ToString("0.0", CultureInfo.InvariantCulture);
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}

static partial class Mail
{
    /// <summary>The invitation token from the mail sink (.eml files) of the process that sends mail.</summary>
    public static async Task<string> InvitationToken(string mailDir, string email)
    {
        for (var i = 0; i < 300; i++)
        {
            if (Directory.Exists(mailDir))
            {
                foreach (var file in Directory.EnumerateFiles(mailDir, "*.eml"))
                {
                    var text = await File.ReadAllTextAsync(file);
                    if (text.Contains(email, StringComparison.OrdinalIgnoreCase) && text.Contains("invitations/accept", StringComparison.Ordinal))
                        return TokenPattern().Match(text.Replace("=\r\n", "", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal)).Groups[1].Value;
                }
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"No invitation mail for {email} in {mailDir}");
    }

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex TokenPattern();
}

sealed record Options(string? Url, string? MailDir, int Port, int Rate, int Seconds, int WarmupSeconds, int DrainSeconds, int Tasks, string Update, bool Scaled)
{
    public static Options Parse(string[] args)
    {
        string? Get(string name) => Array.IndexOf(args, "--" + name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var update = Get("update") ?? "move";
        if (update is not ("move" or "patch")) throw new ArgumentException("--update is move or patch");
        return new(Get("url"), Get("mail-dir"), Int("port", 5991), Int("rate", 200), Int("seconds", 30), Int("warmup", 30), Int("drain", 10), Int("tasks", 400), update, args.Contains("--scaled"));
    }
}

/// <summary>The server(s) under test: started here (all-in-one, or scaled out as separate processes), or given by --url.</summary>
sealed class Topology : IAsyncDisposable
{
    readonly List<Process> processes = [];
    readonly List<Func<Task>> cleanups = [];

    public required Uri Api { get; init; }
    public required Uri BoardHub { get; init; }
    public required Uri NotificationHub { get; init; }
    public required string MailDir { get; init; }
    public required string Description { get; init; }

    /// <summary>User + system CPU time of the server processes started here (null for an external server).</summary>
    public double? ServerCpuSeconds()
    {
        if (processes.Count == 0) return null;
        double ticks = 0;
        foreach (var p in processes)
        {
            // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks, counted after the ")" that ends the name.
            var stat = File.ReadAllText($"/proc/{p.Id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        return ticks / 100.0;
    }

    public static Topology External(Options o)
    {
        var api = new Uri(o.Url!);
        var hub = new Uri(api, "v1/realtime/hub");
        return new Topology { Api = api, BoardHub = hub, NotificationHub = hub, MailDir = o.MailDir ?? throw new ArgumentException("--mail-dir is required with --url (the mail sink folder of the notifications service)"), Description = $"Server at {api}" };
    }

    public static async Task<Topology> Start(Options o, string root)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "taskflow-bench-rt-" + Guid.NewGuid().ToString("N")[..8]);
        Console.Error.WriteLine("Building src/Host (Release)");
        await Run("dotnet", ["build", "-c", "Release", "-v", "q", "--nologo", Path.Combine(root, "src", "Host")]);
        var dll = Path.Combine(root, "src", "Host", "bin", "Release", "net10.0", "TaskFlow.Host.dll");
        var port = o.Port;
        Topology topology;
        var started = new List<Process>();
        var cleanups = new List<Func<Task>> { () => { try { Directory.Delete(dataDir, true); } catch (IOException) { } return Task.CompletedTask; } };
        try
        {
            if (!o.Scaled)
            {
                var url = new Uri($"http://127.0.0.1:{port}/");
                started.Add(await Launch(dll, "all", url, "all-in-one", [
                    ("DataDir", dataDir), ("RateLimits:Enabled", "false"), ("Messaging:OutboxPollInterval", "00:00:00.200")]));
                topology = new Topology
                {
                    Api = url, BoardHub = new Uri(url, "v1/realtime/hub"), NotificationHub = new Uri(url, "v1/realtime/hub"),
                    MailDir = Path.Combine(dataDir, "mail"),
                    Description = "All-in-one host (SQLite, in-process events and SignalR)",
                };
            }
            else
            {
                var suffix = Guid.NewGuid().ToString("N")[..8];
                var prefix = "bench_rt_" + suffix;
                var vhost = "bench-rt-" + suffix;
                var postgres = Environment.GetEnvironmentVariable("BENCH_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres";
                var redis = Environment.GetEnvironmentVariable("BENCH_REDIS") ?? "127.0.0.1:6379";
                await Run("rabbitmqctl", ["add_vhost", vhost]);
                await Run("rabbitmqctl", ["set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"]);
                cleanups.Add(() => Run("rabbitmqctl", ["delete_vhost", vhost]));
                cleanups.Add(async () =>
                {
                    foreach (var db in new[] { "identity", "workspaces", "projects", "tasks", "notifications", "integrations", "realtime" })
                        await Run("psql", ["-h", "127.0.0.1", "-U", "postgres", "-c", $"DROP DATABASE IF EXISTS {prefix}_{db} WITH (FORCE)"], quiet: true);
                });
                (string, string)[] Common(string name) =>
                [
                    ("DataDir", Path.Combine(dataDir, name)), ("Data:Provider", "Postgres"), ("Data:Postgres", postgres), ("Data:DatabasePrefix", prefix),
                    ("Messaging:Transport", "RabbitMQ"), ("Messaging:RabbitMQ", $"amqp://guest:guest@127.0.0.1:5672/{vhost}"),
                    ("Messaging:OutboxPollInterval", "00:00:00.200"), ("RateLimits:Enabled", "false"),
                ];
                var core = new Uri($"http://127.0.0.1:{port + 1}/");
                var jwks = new Uri(core, ".well-known/jwks.json").ToString();
                started.Add(await Launch(dll, "identity,workspaces,projects,tasks,integrations", core, "core", Common("core")));
                var notifications = new Uri($"http://127.0.0.1:{port + 2}/");
                started.Add(await Launch(dll, "notifications", notifications, "notifications", [.. Common("notifications"), ("Auth:JwksUrl", jwks)]));
                var realtime = new[] { new Uri($"http://127.0.0.1:{port + 3}/"), new Uri($"http://127.0.0.1:{port + 4}/") };
                for (var i = 0; i < realtime.Length; i++)
                    started.Add(await Launch(dll, "realtime", realtime[i], $"realtime-{i + 1}", [
                        .. Common($"realtime-{i + 1}"), ("Auth:JwksUrl", jwks), ("Redis:Configuration", redis), ("Realtime:ChannelPrefix", "bench-" + suffix)]));
                var gateway = new Uri($"http://127.0.0.1:{port}/");
                started.Add(await Launch(dll, "gateway", gateway, "gateway", [
                    .. new[] { "identity", "workspaces", "projects", "tasks", "integrations" }.Select(s => ($"Gateway:Services:{s}", core.ToString())),
                    ("Gateway:Services:notifications", notifications.ToString()), ("Gateway:Services:realtime", realtime[0].ToString()),
                    ("Auth:JwksUrl", jwks), ("RateLimits:Enabled", "false")]));
                topology = new Topology
                {
                    Api = gateway,
                    BoardHub = new Uri(gateway, "v1/realtime/hub"),
                    NotificationHub = new Uri(realtime[1], "v1/realtime/hub"),
                    MailDir = Path.Combine(dataDir, "notifications", "mail"),
                    Description = "Scaled out: gateway; core (identity, workspaces, projects, tasks, integrations); notifications; two realtime instances on the Redis backplane "
                        + "(both consume RabbitMQ; the board client is on instance 1 through the gateway, the watcher on instance 2 directly); PostgreSQL, RabbitMQ, Redis",
                };
            }
        }
        catch
        {
            foreach (var p in started) Stop(p);
            foreach (var cleanup in cleanups) await cleanup();
            throw;
        }
        topology.processes.AddRange(started);
        topology.cleanups.AddRange(cleanups);
        return topology;
    }

    static async Task<Process> Launch(string dll, string services, Uri url, string name, IEnumerable<(string Key, string Value)> settings)
    {
        Console.Error.WriteLine($"Starting {name} ({services}) on {url}");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        foreach (var a in new[] { dll, "--services", services, "--urls", url.ToString().TrimEnd('/') }) info.ArgumentList.Add(a);
        foreach (var (key, value) in settings)
        {
            info.ArgumentList.Add("--" + key);
            info.ArgumentList.Add(value);
        }
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[{name}] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"{name} exited with {process.ExitCode}.");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return process;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline) { Stop(process); throw new TimeoutException($"{name} was not ready."); }
            await Task.Delay(250);
        }
    }

    static async Task Run(string file, string[] arguments, bool quiet = false)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment["PGPASSWORD"] = "postgres";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 && !quiet) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed: {await output} {await error}");
    }

    static void Stop(Process process)
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in processes) Stop(p);
        foreach (var cleanup in cleanups) await cleanup();
    }
}
