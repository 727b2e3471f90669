// The reporting benchmark of issue 18 (bench/reports.sh runs it):
//   seed     — a workspace and its projects, statuses and cycles through the API; then a generated history of task events
//              (the tasks service's own records, serialised as its outbox does) copied into reporting's event log.
//   rebuild  — POST the workspace rebuild and time it, with the server's CPU.
//   latency  — closed-loop load on the burndown and cycle-time reports of the big project.
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Tasks.Contracts;

var options = Options.Parse(args);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
{
    BaseAddress = new Uri(options.Get("url", "http://127.0.0.1:5992")),
    Timeout = TimeSpan.FromMinutes(60),
};
return args.FirstOrDefault() switch
{
    "seed" => await Seed.Run(http, options),
    "rebuild" => await Rebuild.Run(http, options),
    "latency" => await Latency.Run(http, options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("ReportsBench seed|rebuild|latency --url … --state file [--pg conn] [--projects 100 --tasks 100000 --big 10000 --events-per-task 10] [--server-pid N --connections 4 --duration 20]");
    return 2;
}

sealed class Options(Dictionary<string, string> values)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 1; i + 1 < args.Length; i += 2) values[args[i].TrimStart('-')] = args[i + 1];
        return new Options(values);
    }

    public string Get(string name, string fallback) => values.TryGetValue(name, out var v) ? v : fallback;
    public int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

/// <summary>What the seeder made, for the rebuild and the load.</summary>
sealed record State(string Email, string Password, Guid WorkspaceId, Guid BigProjectId, Guid BigCycleId, int Projects, int Tasks, long Events, double SeedSeconds);

static class Api
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<JsonNode> Send(HttpClient http, HttpMethod method, string path, string? token, object? body = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (body is not null) request.Content = JsonContent.Create(body, options: Json);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode) return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
            if ((int)response.StatusCode is 404 or 429 or 503 && attempt < 40)
            {
                await Task.Delay(250 * attempt); // 404: reporting may not have the project's events yet
                continue;
            }
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }
    }

    public static async Task<string> Login(HttpClient http, string email, string password) =>
        (await Send(http, HttpMethod.Post, "/v1/auth/login", null, new { email, password }))["accessToken"]!.GetValue<string>();

    /// <summary>CPU time (user + system, ms) the server process has used so far.</summary>
    public static double ServerCpu(int pid)
    {
        if (pid <= 0) return double.NaN;
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) * 1000.0 / 100;
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

static class Seed
{
    sealed record Status(Guid Id, string Category);

    public static async Task<int> Run(HttpClient http, Options o)
    {
        var clock = Stopwatch.StartNew();
        var projects = o.Int("projects", 100);
        var tasks = o.Int("tasks", 100_000);
        var big = Math.Min(o.Int("big", 10_000), tasks);
        var perTask = o.Int("events-per-task", 10);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (email, password) = ($"reports-{suffix}@bench.example", "bench-password-1234");
        var userId = (await Api.Send(http, HttpMethod.Post, "/v1/auth/register", null, new { email, password, displayName = "Bench Owner" }))["id"]!.GetValue<Guid>();
        var token = await Api.Login(http, email, password);
        var workspaceId = (await Api.Send(http, HttpMethod.Post, "/v1/workspaces", token, new { name = "Reports bench " + suffix }))["id"]!.GetValue<Guid>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var start = today.AddDays(-180);

        var projectIds = new Guid[projects];
        var statuses = new Status[projects][];
        var cycles = new (Guid Id, DateOnly Start, DateOnly End)[projects][];
        for (var p = 0; p < projects; p++)
        {
            projectIds[p] = (await Api.Send(http, HttpMethod.Post, $"/v1/workspaces/{workspaceId}/projects", token, new { name = $"Project {p}", key = $"R{p}" }))["id"]!.GetValue<Guid>();
            statuses[p] = [.. (await Api.Send(http, HttpMethod.Get, $"/v1/projects/{projectIds[p]}/statuses", token)).AsArray()
                .Select(s => new Status(s!["id"]!.GetValue<Guid>(), s["category"]!.GetValue<string>()))];
            // Two-week cycles over the last 84 days, the last one running now.
            cycles[p] = new (Guid, DateOnly, DateOnly)[6];
            for (var c = 0; c < 6; c++)
            {
                var (from, to) = (today.AddDays(-84 + 14 * c + 1), today.AddDays(-84 + 14 * c + 14));
                var id = (await Api.Send(http, HttpMethod.Post, $"/v1/projects/{projectIds[p]}/cycles", token, new { name = $"Cycle {c + 1}", startDate = from, endDate = to }))["id"]!.GetValue<Guid>();
                cycles[p][c] = (id, from, to);
            }
        }
        // Reporting learns the projects and cycles from events; wait until it answers for the last one.
        await Api.Send(http, HttpMethod.Get, $"/v1/projects/{projectIds[^1]}/reports/summary", token);
        Console.Error.WriteLine($"seed: {projects} projects made through the API in {clock.Elapsed.TotalSeconds:F0} s");

        var assignees = new[] { userId, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        await using var data = NpgsqlDataSource.Create(o.Get("pg", ""));
        await using var connection = await data.OpenConnectionAsync();
        long events = 0;
        var random = new Random(42);
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY report_events (\"Id\", \"Type\", \"ProjectId\", \"WorkspaceId\", \"OccurredAt\", \"Payload\") FROM STDIN (FORMAT BINARY)"))
        {
            var number = new int[projects];
            for (var t = 0; t < tasks; t++)
            {
                // The first project holds `big` tasks, the rest are spread over the others.
                var p = t < big || projects == 1 ? 0 : 1 + (t - big) % (projects - 1);
                foreach (var (type, occurredAt, payload) in History(random, workspaceId, projectIds[p], $"R{p}-{++number[p]}", statuses[p], cycles[p], assignees, start, today, perTask))
                {
                    await writer.StartRowAsync();
                    await writer.WriteAsync(Guid.CreateVersion7(occurredAt), NpgsqlDbType.Uuid);
                    await writer.WriteAsync(type, NpgsqlDbType.Varchar);
                    await writer.WriteAsync(projectIds[p], NpgsqlDbType.Uuid);
                    await writer.WriteAsync(workspaceId, NpgsqlDbType.Uuid);
                    await writer.WriteAsync(occurredAt, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(payload, NpgsqlDbType.Text);
                    events++;
                }
                if ((t + 1) % 20_000 == 0) Console.Error.WriteLine($"seed: {t + 1} tasks, {events} events");
            }
            await writer.CompleteAsync();
        }
        await using (var analyze = new NpgsqlCommand("ANALYZE report_events", connection)) await analyze.ExecuteNonQueryAsync();
        var state = new State(email, password, workspaceId, projectIds[0], cycles[0][^1].Id, projects, tasks, events, clock.Elapsed.TotalSeconds);
        await File.WriteAllTextAsync(o.Get("state", "state.json"), JsonSerializer.Serialize(state, Api.Json));
        Console.Error.WriteLine($"seed: {tasks} tasks, {events} events in {clock.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    /// <summary>
    /// One task's events, oldest first: created (backlog or to do), then moves forward through the workflow (one in ten
    /// back a step, some cancelled), re-estimates and re-assignments, up to <paramref name="count"/> events; one in fifty
    /// is deleted at the end. Timestamps are spread over the 180 days to today.
    /// </summary>
    static IEnumerable<(string Type, DateTime At, string Payload)> History(
        Random random, Guid workspaceId, Guid projectId, string key, Status[] statuses, (Guid Id, DateOnly Start, DateOnly End)[] cycles,
        Guid[] people, DateOnly first, DateOnly today, int count)
    {
        var taskId = Guid.CreateVersion7();
        var title = "Task " + key;
        var open = statuses.Where(s => s.Category is not ("done" or "cancelled")).ToArray();
        var done = statuses.First(s => s.Category == "done");
        var cancelled = statuses.FirstOrDefault(s => s.Category == "cancelled");
        var cycle = random.Next(3) == 0 ? null : (Guid?)cycles[random.Next(cycles.Length)].Id;
        var estimate = random.Next(2) == 0 ? (double?)null : new[] { 1.0, 2, 3, 5, 8 }[random.Next(5)];
        Guid[] assigned = random.Next(4) == 0 ? [] : [people[random.Next(people.Length)]];
        DateOnly? due = random.Next(10) < 7 ? first.AddDays(random.Next(200)) : null;
        var span = today.DayNumber - first.DayNumber;
        var at = first.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddDays(random.Next(span)).AddMinutes(random.Next(24 * 60));
        var now = DateTime.UtcNow;
        var position = random.Next(Math.Min(2, open.Length));
        var status = open[position];
        TaskReportFacts Facts() => new(status.Category, estimate, cycle, [], assigned, due);
        yield return ("TaskCreated", at, Serialize(new TaskCreated(taskId, projectId, workspaceId, key, title, people[0], status.Id, "medium", due, assigned, [], Facts()) { OccurredAt = at }));
        var deleted = random.Next(50) == 0;
        for (var i = 1; i < count - (deleted ? 1 : 0); i++)
        {
            at = at.AddHours(1 + random.Next(72));
            if (at > now) at = now.AddSeconds(-random.Next(3600));
            if (random.Next(10) < 6)
            {
                var from = status;
                if (status == done || status == cancelled) status = open[^1]; // reopened
                else if (random.Next(10) == 0 && position > 0) status = open[--position];
                else if (position + 1 < open.Length) status = open[++position];
                else status = cancelled is not null && random.Next(10) == 0 ? cancelled : done;
                yield return ("TaskMoved", at, Serialize(new TaskMoved(taskId, projectId, from.Id, status.Id, "a0", people[0], workspaceId, key, title, [], Facts()) { OccurredAt = at }));
            }
            else
            {
                string field;
                if (random.Next(2) == 0) (estimate, field) = (new[] { 1.0, 2, 3, 5, 8 }[random.Next(5)], "estimate");
                else (assigned, field) = ([people[random.Next(people.Length)]], "assigneeIds");
                yield return ("TaskUpdated", at, Serialize(new TaskUpdated(taskId, projectId, [field], people[0], workspaceId, key, title, status.Id, due, assigned, [], Facts()) { OccurredAt = at }));
            }
        }
        if (deleted) yield return ("TaskDeleted", at.AddHours(1), Serialize(new TaskDeleted(taskId, projectId, workspaceId, key, people[0]) { OccurredAt = at.AddHours(1) }));
    }

    static string Serialize<T>(T e) where T : IntegrationEvent => JsonSerializer.Serialize(e, EventEnvelope.Json);
}

static class Rebuild
{
    public static async Task<int> Run(HttpClient http, Options o)
    {
        var state = JsonSerializer.Deserialize<State>(await File.ReadAllTextAsync(o.Get("state", "state.json")), Api.Json)!;
        var token = await Api.Login(http, state.Email, state.Password);
        var pid = o.Int("server-pid", 0);
        var cpu = Api.ServerCpu(pid);
        var clock = Stopwatch.StartNew();
        var result = await Api.Send(http, HttpMethod.Post, $"/v1/workspaces/{state.WorkspaceId}/reports/rebuild", token);
        var seconds = clock.Elapsed.TotalSeconds;
        cpu = Api.ServerCpu(pid) - cpu;
        var events = result["events"]!.GetValue<int>();
        Console.WriteLine("| what | projects | tasks | events | seconds | events/s | server CPU s |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| workspace rebuild | {result["projects"]} | {result["tasks"]} | {events:N0} | {seconds:F1} | {events / seconds:N0} | {cpu / 1000:F1} |");
        return 0;
    }
}

static class Latency
{
    public static async Task<int> Run(HttpClient http, Options o)
    {
        var state = JsonSerializer.Deserialize<State>(await File.ReadAllTextAsync(o.Get("state", "state.json")), Api.Json)!;
        var token = await Api.Login(http, state.Email, state.Password);
        var (connections, duration, warmup, pid) = (o.Int("connections", 4), o.Int("duration", 20), o.Int("warmup", 10), o.Int("server-pid", 0));
        var reports = new (string Name, string Path)[]
        {
            ("burndown (current cycle)", $"/v1/projects/{state.BigProjectId}/reports/cycles/{state.BigCycleId}/burndown"),
            ("cycle time (90 days)", $"/v1/projects/{state.BigProjectId}/reports/cycle-time?from={DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-90):yyyy-MM-dd}"),
        };
        Console.WriteLine($"| report ({connections} clients, closed loop, {duration} s) | req/s | p50 ms | p99 ms | max ms | server CPU ms/req | errors |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, path) in reports)
        {
            await Measure(http, token, path, connections, TimeSpan.FromSeconds(warmup));
            var cpu = Api.ServerCpu(pid);
            var (latencies, seconds, errors, firstError) = await Measure(http, token, path, connections, TimeSpan.FromSeconds(duration));
            cpu = Api.ServerCpu(pid) - cpu;
            Array.Sort(latencies);
            Console.WriteLine($"| {name} | {latencies.Length / seconds:F1} | {Api.Percentile(latencies, 0.5):F1} | {Api.Percentile(latencies, 0.99):F1} | {latencies[^1]:F1} | {cpu / latencies.Length:F1} | {errors} |");
            if (firstError is not null) Console.Error.WriteLine($"{name}: {firstError}");
        }
        return 0;
    }

    static async Task<(double[] Latencies, double Seconds, int Errors, string? FirstError)> Measure(HttpClient http, string token, string path, int connections, TimeSpan duration)
    {
        var all = new List<double>[connections];
        var errors = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
        {
            var mine = all[c] = [];
            while (clock.Elapsed < duration)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                var start = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                    firstError ??= $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                }
            }
        }));
        return ([.. all.SelectMany(l => l)], clock.Elapsed.TotalSeconds, errors, firstError);
    }
}
