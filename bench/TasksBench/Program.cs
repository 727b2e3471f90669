using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

// Seeds a workspace with projects, tasks, labels, assignees and comments through the public API, then measures the
// task endpoints with a closed-loop generator (N concurrent clients). See bench/README.md.
var options = Options.Parse(args);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
{
    BaseAddress = new Uri(options.Url),
    Timeout = TimeSpan.FromMinutes(10),
};
return options.Command switch
{
    "seed" => await Seeder.Run(http, options),
    "run" => await Load.Run(http, options),
    "mixed" => await Mixed.Run(http, options),
    "lag" => Mixed.Lag(options),
    "count" => await Load.Count(http, options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: TasksBench mixed --url URL --state FILE [--moves 100] [--creates 50] [--reads 600] [--duration 60] [--warmup 15] [--server-pid PID] [--since-file FILE] [--request-timeout 10]");
    Console.Error.WriteLine("       TasksBench lag --outbox FILE --inbox FILE");
    Console.Error.WriteLine("       TasksBench count --url URL --state FILE --scenarios move|create --requests N [--connections 16]");
    Console.Error.WriteLine("usage: TasksBench seed|run --url URL --state FILE [--data-dir DIR] [--projects 100] [--tasks 100000] [--big 10000] [--comment-every 5] [--concurrency 8] [--import-concurrency 1] [--duration 20] [--warmup 5] [--connections 16] [--server-pid PID] [--rate 0] [--scenarios board,filtered,search,search-two,search-prefix,move,create,board+move]");
    return 2;
}

sealed record Options(string Command, string Url, string State, string? DataDir, int Projects, int Tasks, int Big, int CommentEvery, int Concurrency, int ImportConcurrency, int Duration, int Warmup, int Connections, int ServerPid, int Rate, string[] Scenarios)
{
    /// <summary>The value of --name, or <paramref name="fallback"/> (for the options only one command reads).</summary>
    public static string Arg(string name, string fallback)
    {
        var args = Environment.GetCommandLineArgs();
        var i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public static Options Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        return new Options(
            args.Length > 0 ? args[0] : "",
            Get("url", "http://127.0.0.1:5990"),
            Get("state", "bench/.out/tasks-state.json"),
            args.Contains("--data-dir") ? Get("data-dir", "") : null,
            Int("projects", 100), Int("tasks", 100_000), Int("big", 10_000), Int("comment-every", 5),
            Int("concurrency", 8), Int("import-concurrency", 1), Int("duration", 20), Int("warmup", 5), Int("connections", 16), Int("server-pid", 0), Int("rate", 0),
            Get("scenarios", "board,filtered,search,move,create,board+move").Split(','));
    }
}

/// <summary>What the seeder created, for the load run.</summary>
sealed record State(
    string Email, string Password, Guid WorkspaceId, Guid[] ProjectIds, Guid BigProjectId, Guid[] BigStatusIds,
    Guid[] UserIds, Guid[] BigTaskSample, string[] Words, int Tasks, int Comments, int Labels, double SeedSeconds);

static class Api
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<JsonNode> Send(HttpClient http, HttpMethod method, string path, string? token, object? body = null, HttpStatusCode? expect = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (body is not null) request.Content = JsonContent.Create(body, options: Json);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode && (expect is null || response.StatusCode == expect))
                return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
            if ((int)response.StatusCode is 429 or 503 && attempt < 20)
            {
                await Task.Delay(500 * attempt);
                continue;
            }
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }
    }

    public static async Task<JsonNode> SendCsv(HttpClient http, string path, string token, string csv)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? JsonNode.Parse(text)! : throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
    }

    public static async Task<string> Login(HttpClient http, string email, string password) =>
        (await Send(http, HttpMethod.Post, "/v1/auth/login", null, new { email, password }))["accessToken"]!.GetValue<string>();

    public static async Task<Guid> Register(HttpClient http, string email, string password, string name) =>
        (await Send(http, HttpMethod.Post, "/v1/auth/register", null, new { email, password, displayName = name }))["id"]!.GetValue<Guid>();
}

static partial class Seeder
{
    static readonly string[] Vocabulary =
    [
        "login", "checkout", "invoice", "dashboard", "export", "import", "payment", "refund", "search", "onboarding",
        "billing", "profile", "avatar", "upload", "report", "webhook", "calendar", "reminder", "timezone", "session",
        "cache", "latency", "migration", "database", "index", "backup", "restore", "permission", "invite", "workspace",
        "sidebar", "keyboard", "shortcut", "theme", "mobile", "tablet", "notification", "digest", "email", "sms",
    ];
    static readonly string[] Verbs = ["Fix", "Add", "Improve", "Refactor", "Investigate", "Remove", "Document", "Test", "Speed up", "Redesign"];
    static readonly string[] Priorities = ["none", "low", "medium", "high", "urgent"];

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex TokenPattern();

    public static async Task<int> Run(HttpClient http, Options o)
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(42);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var password = "bench-password-" + suffix;
        var owner = $"owner-{suffix}@bench.test";
        var ownerId = await Api.Register(http, owner, password, "Bench Owner");
        var token = await Api.Login(http, owner, password);
        var workspaceId = (await Api.Send(http, HttpMethod.Post, "/v1/workspaces", token, new { name = "Bench " + suffix }))["id"]!.GetValue<Guid>();

        // Three more members through the invitation flow; the token comes from the all-in-one mail sink.
        var userIds = new List<Guid> { ownerId };
        var emails = new List<string> { owner };
        if (o.DataDir is not null)
        {
            for (var i = 1; i <= 3; i++)
            {
                var email = $"member{i}-{suffix}@bench.test";
                var id = await Api.Register(http, email, password, $"Member {i}");
                await Api.Send(http, HttpMethod.Post, $"/v1/workspaces/{workspaceId}/invitations", token, new { email, role = "member" });
                var invitation = await WaitForToken(o.DataDir, email);
                var memberToken = await Api.Login(http, email, password);
                await Api.Send(http, HttpMethod.Post, "/v1/invitations/accept", memberToken, new { token = invitation });
                userIds.Add(id);
                emails.Add(email);
            }
        }
        await Task.Delay(1000); // membership copies in projects/tasks are fed by events

        var projectIds = new Guid[o.Projects];
        var statuses = new Guid[o.Projects][];
        var statusNames = new string[o.Projects][];
        var labels = new Guid[o.Projects][];
        var labelCount = 0;
        for (var p = 0; p < o.Projects; p++)
        {
            var key = "P" + p.ToString("D3", CultureInfo.InvariantCulture);
            projectIds[p] = (await Api.Send(http, HttpMethod.Post, $"/v1/workspaces/{workspaceId}/projects", token, new { name = $"Project {p}", key }))["id"]!.GetValue<Guid>();
            foreach (var member in userIds.Skip(1))
                await Api.Send(http, HttpMethod.Post, $"/v1/projects/{projectIds[p]}/members", token, new { userId = member, role = "member" });
            var labelIds = new List<Guid>();
            foreach (var name in LabelNames)
            {
                labelIds.Add((await Api.Send(http, HttpMethod.Post, $"/v1/projects/{projectIds[p]}/labels", token, new { name, color = "#3366cc" }))["id"]!.GetValue<Guid>());
                labelCount++;
            }
            labels[p] = [.. labelIds];
        }
        await Task.Delay(1000);
        for (var p = 0; p < o.Projects; p++)
        {
            var list = await Api.Send(http, HttpMethod.Get, $"/v1/projects/{projectIds[p]}/statuses", token);
            var array = list as JsonArray ?? list["data"] as JsonArray ?? throw new InvalidOperationException("statuses: unexpected shape " + list.ToJsonString());
            statuses[p] = [.. array.Select(s => s!["id"]!.GetValue<Guid>())];
            statusNames[p] = [.. array.Select(s => s!["name"]!.GetValue<string>())];
        }

        // Task counts: the first project gets `big` tasks, the rest share what is left.
        var perProject = new int[o.Projects];
        perProject[0] = Math.Min(o.Big, o.Tasks);
        for (var p = 1; p < o.Projects; p++) perProject[p] = (o.Tasks - perProject[0]) / (o.Projects - 1) + (p <= (o.Tasks - perProject[0]) % (o.Projects - 1) ? 1 : 0);

        // Tasks go in through the CSV import, a chunk of one project's tasks per request and transaction: every row is
        // created as by POST /tasks (number, rank, activity, search text, TaskCreated through the outbox), without
        // 100,000 separate requests and commits.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var chunks = new List<(int Project, int First, int Count)>();
        for (int p = 0, first = 0; p < o.Projects; first += perProject[p], p++)
            for (var offset = 0; offset < perProject[p]; offset += ImportChunk)
                chunks.Add((p, first + offset, Math.Min(ImportChunk, perProject[p] - offset)));
        var created = 0;
        var tokenBox = new[] { token };
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = o.ImportConcurrency }, async (chunk, _) =>
        {
            var csv = new StringBuilder("title,description,status,priority,assignee,labels,dueDate,estimate\n");
            for (var i = chunk.First; i < chunk.First + chunk.Count; i++)
            {
                var r = new Random(i);
                var p = chunk.Project;
                var title = $"{Verbs[r.Next(Verbs.Length)]} {Vocabulary[r.Next(Vocabulary.Length)]} {Vocabulary[r.Next(Vocabulary.Length)]} #{i}";
                var description = $"When the {Vocabulary[r.Next(Vocabulary.Length)]} page loads, the {Vocabulary[r.Next(Vocabulary.Length)]} is wrong. Steps: open it, click, wait.";
                var status = statusNames[p][r.Next(statusNames[p].Length)];
                var priority = Priorities[r.Next(Priorities.Length)];
                var assignees = string.Join(';', emails.OrderBy(_ => r.Next()).Take(r.Next(0, 3)));
                var labelNames = string.Join(';', LabelNames.OrderBy(_ => r.Next()).Take(r.Next(0, 3)));
                var due = r.Next(10) < 7 ? today.AddDays(r.Next(-60, 60)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
                var estimate = r.Next(10) < 5 ? r.Next(1, 13).ToString(CultureInfo.InvariantCulture) : "";
                csv.Append(CultureInfo.InvariantCulture, $"{Quote(title)},{Quote(description)},{Quote(status)},{priority},{assignees},{labelNames},{due},{estimate}\n");
            }
            await Retrying(http, tokenBox, owner, password, t => Api.SendCsv(http, $"/v1/projects/{projectIds[chunk.Project]}/tasks/import", t, csv.ToString()));
            var n = Interlocked.Add(ref created, chunk.Count);
            Console.Error.WriteLine($"imported {n}/{o.Tasks} tasks in {clock.Elapsed.TotalSeconds:F0} s");
        });

        // A comment on every CommentEvery-th task (in key order per project), and a sample of the big project's tasks to move.
        var taskIds = new Guid[o.Projects][];
        await Parallel.ForEachAsync(Enumerable.Range(0, o.Projects), new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency }, async (p, _) =>
        {
            var ids = new List<Guid>(perProject[p]);
            string? cursor = null;
            do
            {
                var page = await Retrying(http, tokenBox, owner, password, t => Api.Send(http, HttpMethod.Get,
                    $"/v1/projects/{projectIds[p]}/tasks?sort=key&limit=100" + (cursor is null ? "" : "&cursor=" + cursor), t));
                ids.AddRange(page["data"]!.AsArray().Select(x => x!["id"]!.GetValue<Guid>()));
                cursor = page["nextCursor"]?.GetValue<string>();
            } while (cursor is not null);
            taskIds[p] = [.. ids];
        });
        var commentTargets = taskIds.SelectMany(ids => ids).Where((_, i) => i % o.CommentEvery == 0).ToArray();
        var comments = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, commentTargets.Length), new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency }, async (i, _) =>
        {
            var r = new Random(i);
            await Retrying(http, tokenBox, owner, password, t => Api.Send(http, HttpMethod.Post, $"/v1/tasks/{commentTargets[i]}/comments", t,
                new { body = $"Looked into the {Vocabulary[r.Next(Vocabulary.Length)]} part; the {Vocabulary[r.Next(Vocabulary.Length)]} needs another pass." }));
            var n = Interlocked.Increment(ref comments);
            if (n % 5000 == 0) Console.Error.WriteLine($"commented {n}/{commentTargets.Length} tasks in {clock.Elapsed.TotalSeconds:F0} s");
        });
        var sample = taskIds[0].Where((_, i) => i % 10 == 0).ToArray();

        var state = new State(owner, password, workspaceId, projectIds, projectIds[0], statuses[0], [.. userIds], [.. sample], Vocabulary,
            created, comments, labelCount, Math.Round(clock.Elapsed.TotalSeconds, 1));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(o.State))!);
        await File.WriteAllTextAsync(o.State, JsonSerializer.Serialize(state, Api.Json));
        Console.Error.WriteLine($"seeded {created} tasks, {comments} comments, {labelCount} labels in {clock.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    const int ImportChunk = 1_000;
    static readonly string[] LabelNames = ["bug", "feature", "chore", "design", "backend", "frontend"];

    static string Quote(string value) => value.Contains(',') || value.Contains('"') ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    static async Task<JsonNode> Retrying(HttpClient http, string[] tokenBox, string email, string password, Func<string, Task<JsonNode>> call)
    {
        try
        {
            return await call(tokenBox[0]);
        }
        catch (InvalidOperationException e) when (e.Message.Contains(": 401 ", StringComparison.Ordinal))
        {
            tokenBox[0] = await Api.Login(http, email, password);
            return await call(tokenBox[0]);
        }
    }

    static async Task<string> WaitForToken(string dataDir, string email)
    {
        var mailDir = Path.Combine(dataDir, "mail");
        for (var i = 0; i < 100; i++)
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
        throw new TimeoutException("No invitation mail for " + email);
    }
}

static class Load
{
    sealed record Scenario(string Name, Func<Random, (HttpMethod Method, string Path, object? Body)> Next);

    public static async Task<int> Run(HttpClient http, Options o)
    {
        var state = JsonSerializer.Deserialize<State>(await File.ReadAllTextAsync(o.State), Api.Json)!;
        var token = await Api.Login(http, state.Email, state.Password);
        var all = await Scenarios(http, token, state);
        Console.WriteLine($"| scenario | requests | req/s | p50 ms | p99 ms | max ms | errors | server CPU ms/request |");
        Console.WriteLine($"|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var scenario in all.Where(s => o.Scenarios.Contains(s.Name)))
        {
            await Measure(http, token, scenario, o.Connections, TimeSpan.FromSeconds(o.Warmup), o.Rate);
            var cpuBefore = ServerCpu(o.ServerPid);
            var (count, seconds, latencies, errors, firstError) = await Measure(http, token, scenario, o.Connections, TimeSpan.FromSeconds(o.Duration), o.Rate);
            var cpu = ServerCpu(o.ServerPid) - cpuBefore;
            Array.Sort(latencies);
            double P(double q) => latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {scenario.Name}{(o.Rate > 0 ? $" at {o.Rate}/s" : "")} | {count} | {count / seconds:F0} | {P(0.50):F1} | {P(0.99):F1} | {(latencies.Length > 0 ? latencies[^1] : 0):F1} | {errors} | {(o.ServerPid > 0 && count > 0 ? (cpu / count).ToString("F2", CultureInfo.InvariantCulture) : "–")} |"));
            if (firstError is not null) Console.Error.WriteLine($"{scenario.Name}: first error: {firstError}");
        }
        return 0;
    }

    static async Task<Scenario[]> Scenarios(HttpClient http, string token, State state)
    {
        var big = state.BigProjectId;
        var search = await SearchPath(http, token, state);
        var all = new Scenario[]
        {
            new("board", r => (HttpMethod.Get, $"/v1/projects/{big}/tasks?status={state.BigStatusIds[r.Next(state.BigStatusIds.Length)]}&sort=rank&limit=50", null)),
            new("filtered", r => (HttpMethod.Get, $"/v1/projects/{big}/tasks?assignee={state.UserIds[r.Next(state.UserIds.Length)]}&priority=high&sort=dueDate&limit=50", null)),
            new("search", r => (HttpMethod.Get, search(state.Words[r.Next(state.Words.Length)]), null)),
            // Issue 19 also asks for two-word and prefix queries (the last word of every query matches as a prefix).
            new("search-two", r => (HttpMethod.Get, search(state.Words[r.Next(state.Words.Length)] + "%20" + state.Words[r.Next(state.Words.Length)]), null)),
            new("search-prefix", r => (HttpMethod.Get, search(state.Words[r.Next(state.Words.Length)][..3]), null)),
            new("move", r => (HttpMethod.Post, $"/v1/tasks/{state.BigTaskSample[r.Next(state.BigTaskSample.Length)]}/move", new { statusId = state.BigStatusIds[r.Next(state.BigStatusIds.Length)] })),
            new("create", r => (HttpMethod.Post, $"/v1/projects/{state.ProjectIds[r.Next(state.ProjectIds.Length)]}/tasks", new { title = $"Bench task {r.Next()}", priority = "medium" })),
        };
        // A board in use: nine column reads to one move in the same project, so cached pages keep being invalidated.
        return [.. all, new("board+move", r => r.Next(10) == 0 ? all.Single(s => s.Name == "move").Next(r) : all[0].Next(r))];
    }

    /// <summary>
    /// Exactly --requests requests of one scenario (the first of --scenarios), closed loop at --connections clients; prints
    /// "requests errors seconds". For cost figures that must include the work done after the answers (bench/tasks.sh
    /// BENCH_DRAINED: the script reads the server's CPU and statements around this run and the drain that follows).
    /// </summary>
    public static async Task<int> Count(HttpClient http, Options o)
    {
        var state = JsonSerializer.Deserialize<State>(await File.ReadAllTextAsync(o.State), Api.Json)!;
        var token = await Api.Login(http, state.Email, state.Password);
        var scenario = (await Scenarios(http, token, state)).Single(s => s.Name == o.Scenarios[0]);
        var total = int.Parse(Options.Arg("requests", "500"), CultureInfo.InvariantCulture);
        var next = 0;
        var errors = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, o.Connections).Select(async c =>
        {
            var random = new Random(c * 7919 + Environment.TickCount);
            while (Interlocked.Increment(ref next) <= total)
            {
                var (method, path, body) = scenario.Next(random);
                using var request = new HttpRequestMessage(method, path);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                if (body is not null) request.Content = JsonContent.Create(body, options: Api.Json);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                    firstError ??= $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                }
            }
        }));
        if (firstError is not null) Console.Error.WriteLine($"{scenario.Name}: first error: {firstError}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total} {errors} {clock.Elapsed.TotalSeconds:F1}"));
        return errors == 0 ? 0 : 1;
    }

    /// <summary>
    /// CPU time (user + system, ms) the server process has used so far, from /proc: per request it is a cost figure that
    /// other load on the machine barely moves, unlike latency. 0 without a pid.
    /// </summary>
    static double ServerCpu(int pid)
    {
        if (pid <= 0) return 0;
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    /// <summary>The workspace search endpoint when the server has it, else the project list's text filter.</summary>
    static async Task<Func<string, string>> SearchPath(HttpClient http, string token, State state)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/workspaces/{state.WorkspaceId}/search?q=login&limit=20");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        if (response.IsSuccessStatusCode) return word => $"/v1/workspaces/{state.WorkspaceId}/search?q={word}&limit=20";
        Console.Error.WriteLine("search: no workspace search endpoint; measuring the project list's q filter instead");
        return word => $"/v1/projects/{state.BigProjectId}/tasks?q={word}&limit=20";
    }

    /// <summary>
    /// Closed loop (<paramref name="rate"/> 0: each client sends its next request when the previous one is answered), or
    /// open loop at <paramref name="rate"/> requests per second in all, spread over the clients on a fixed schedule.
    /// Open-loop latency counts from the scheduled send time, so a stalled server is not hidden by clients that waited
    /// for it (coordinated omission).
    /// </summary>
    static async Task<(int Count, double Seconds, double[] Latencies, int Errors, string? FirstError)> Measure(
        HttpClient http, string token, Scenario scenario, int connections, TimeSpan duration, int rate = 0)
    {
        var latencies = new List<double>[connections];
        var errors = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
        {
            var mine = latencies[c] = new List<double>(100_000);
            var random = new Random(c * 7919 + Environment.TickCount);
            var origin = Stopwatch.GetTimestamp();
            for (long k = 0; clock.Elapsed < duration; k++)
            {
                var (method, path, body) = scenario.Next(random);
                using var request = new HttpRequestMessage(method, path);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                if (body is not null) request.Content = JsonContent.Create(body, options: Api.Json);
                var start = Stopwatch.GetTimestamp();
                if (rate > 0)
                {
                    start = origin + (long)((k * connections + c) * (double)Stopwatch.Frequency / rate);
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), start);
                    if (wait > TimeSpan.Zero) await Task.Delay(wait);
                }
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                mine.Add(elapsed);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                    firstError ??= $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                }
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToArray();
        return (all.Length, seconds, all, errors, firstError);
    }
}

/// <summary>
/// The mixed open-loop load of issue 19: moves, creates and board/list reads, each at its own fixed arrival rate (a
/// request is sent at its scheduled time whether or not earlier ones were answered), latency counted from the scheduled
/// time. Reports per kind the count, p50/p99/max, errors, and the server's CPU per request over the whole mix; writes
/// the measured window's start (Unix seconds) to --since-file for the delivery-lag query (<see cref="Lag"/>).
/// </summary>
static class Mixed
{
    sealed record Kind(string Name, int Rate, Func<Random, (HttpMethod Method, string Path, object? Body)> Next);

    public static async Task<int> Run(HttpClient http, Options o)
    {
        var state = JsonSerializer.Deserialize<State>(await File.ReadAllTextAsync(o.State), Api.Json)!;
        var token = await Api.Login(http, state.Email, state.Password);
        int Rate(string name, int fallback) => int.Parse(Options.Arg(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var big = state.BigProjectId;
        var kinds = new Kind[]
        {
            new("move", Rate("moves", 100), r => (HttpMethod.Post, $"/v1/tasks/{state.BigTaskSample[r.Next(state.BigTaskSample.Length)]}/move", new { statusId = state.BigStatusIds[r.Next(state.BigStatusIds.Length)] })),
            new("create", Rate("creates", 50), r => (HttpMethod.Post, $"/v1/projects/{state.ProjectIds[r.Next(state.ProjectIds.Length)]}/tasks", new { title = $"Bench task {r.Next()}", priority = "medium" })),
            // Reads of the big project (the state knows its columns): three board columns to one filtered list.
            new("read", Rate("reads", 600), r => r.Next(4) == 0
                ? (HttpMethod.Get, $"/v1/projects/{big}/tasks?assignee={state.UserIds[r.Next(state.UserIds.Length)]}&priority=high&sort=dueDate&limit=50", null)
                : (HttpMethod.Get, $"/v1/projects/{big}/tasks?status={state.BigStatusIds[r.Next(state.BigStatusIds.Length)]}&sort=rank&limit=50", null)),
        };
        Console.Error.WriteLine($"mixed: warm-up {o.Warmup} s at the same rates");
        var warmup = await Measure(http, token, kinds, TimeSpan.FromSeconds(o.Warmup));
        Console.Error.WriteLine($"mixed: warm-up done; at most {TakePeak()} requests in flight, {warmup.Sum(r => r.Errors)} errors, {warmup.Sum(r => r.ShedLatencies.Length)} shed (503 busy)");
        foreach (var (kind, r) in kinds.Zip(warmup))
            if (r.FirstError is not null) Console.Error.WriteLine($"{kind.Name} (warm-up): first error: {r.FirstError}");
        var since = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        if (Options.Arg("since-file", "") is { Length: > 0 } sinceFile)
            await File.WriteAllTextAsync(sinceFile, since.ToString("F3", CultureInfo.InvariantCulture));
        var cpuBefore = ServerCpu(o.ServerPid);
        var results = await Measure(http, token, kinds, TimeSpan.FromSeconds(o.Duration));
        var cpu = ServerCpu(o.ServerPid) - cpuBefore;
        var total = results.Sum(r => r.Latencies.Length);
        // Shed requests (503 busy, docs/adr/0044) are answered at once by design: counted apart, and kept out of the
        // latency figures, which are those of the requests the server served (successes and other errors).
        Console.WriteLine($"| kind | target/s | sent | answered/s | p50 ms | p99 ms | max ms | errors | shed | shed p99 ms |");
        Console.WriteLine($"|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (kind, r) in kinds.Zip(results))
        {
            var l = r.Latencies;
            Array.Sort(l);
            var s = r.ShedLatencies;
            Array.Sort(s);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {kind.Name} | {kind.Rate} | {r.Sent} | {l.Length / r.Seconds:F0} | {P(l, 0.50):F1} | {P(l, 0.99):F1} | {(l.Length > 0 ? l[^1] : 0):F1} | {r.Errors} | {s.Length} | {P(s, 0.99):F1} |"));
            if (r.FirstError is not null) Console.Error.WriteLine($"{kind.Name}: first error: {r.FirstError}");
        }
        Console.WriteLine();
        Console.WriteLine($"At most {TakePeak()} requests in flight at once (a server that keeps up holds a handful; requests unanswered {RequestTimeout.TotalSeconds:F0} s after their scheduled time count as errors).");
        Console.WriteLine();
        Console.WriteLine(o.ServerPid > 0 && total > 0
            ? string.Create(CultureInfo.InvariantCulture, $"Server CPU over the mix: {cpu / 1000:F1} s for {total} requests, {cpu / total:F2} ms per request (consumers included: they run in the server process).")
            : "Server CPU: no --server-pid given.");
        return 0;
    }

    static double P(double[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    sealed record Result(int Sent, double Seconds, double[] Latencies, int Errors, string? FirstError, double[] ShedLatencies);

    /// <summary>Every kind on its own schedule; each request is its own task, so a slow answer delays nothing else.</summary>
    static async Task<Result[]> Measure(HttpClient http, string token, Kind[] kinds, TimeSpan duration)
    {
        var origin = Stopwatch.GetTimestamp();
        var end = origin + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return await Task.WhenAll(kinds.Select(async (kind, index) =>
        {
            if (kind.Rate <= 0) return new Result(0, duration.TotalSeconds, [], 0, null, []);
            var random = new Random(index * 7919 + Environment.TickCount);
            var inFlight = new List<Task<(double Ms, string? Error, bool Shed)>>();
            for (long k = 0; ; k++)
            {
                var at = origin + (long)(k * (double)Stopwatch.Frequency / kind.Rate);
                if (at >= end) break;
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), at);
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                var (method, path, body) = kind.Next(random);
                inFlight.Add(Send(http, token, method, path, body, at));
            }
            var done = await Task.WhenAll(inFlight);
            var served = done.Where(d => !d.Shed).ToList();
            var errors = served.Where(d => d.Error is not null).ToList();
            return new Result(done.Length, duration.TotalSeconds, [.. served.Select(d => d.Ms)], errors.Count, errors.FirstOrDefault().Error,
                [.. done.Where(d => d.Shed).Select(d => d.Ms)]);
        }));
    }

    /// <summary>
    /// Longest a request may take from its scheduled time (--request-timeout, seconds, default 10): past it the request is
    /// cancelled and counted as an error. Without it a server that falls behind the arrival rate made the warm-up wait for
    /// its whole backlog (2026-12-07: minutes, which looked like a hang).
    /// </summary>
    static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(double.Parse(Options.Arg("request-timeout", "10"), CultureInfo.InvariantCulture));

    static int inFlight, peakInFlight;

    /// <summary>The most requests that were in flight at once since the last call (a server keeping up holds a handful).</summary>
    static int TakePeak() => Interlocked.Exchange(ref peakInFlight, Volatile.Read(ref inFlight));

    static async Task<(double Ms, string? Error, bool Shed)> Send(HttpClient http, string token, HttpMethod method, string path, object? body, long scheduled)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body, options: Api.Json);
        var now = Interlocked.Increment(ref inFlight);
        for (var peak = Volatile.Read(ref peakInFlight); now > peak; peak = Volatile.Read(ref peakInFlight))
            if (Interlocked.CompareExchange(ref peakInFlight, now, peak) == peak) break;
        using var timeout = new CancellationTokenSource(RequestTimeout - Stopwatch.GetElapsedTime(scheduled) is { Ticks: > 0 } left ? left : TimeSpan.Zero);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var ms = Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds;
            if (response.IsSuccessStatusCode) return (ms, null, false);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var shed = response.StatusCode == HttpStatusCode.ServiceUnavailable && text.Contains("problems/busy", StringComparison.Ordinal);
            return (ms, $"{(int)response.StatusCode} {text}", shed);
        }
        catch (HttpRequestException e)
        {
            return (Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds, e.Message, false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds, $"timeout: no answer {RequestTimeout.TotalSeconds:F0} s after its scheduled time", false);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    static double ServerCpu(int pid)
    {
        if (pid <= 0) return 0;
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    /// <summary>
    /// Delivery lag: for every event the tasks service wrote in the measured window (--outbox: lines "id|unix seconds" of
    /// outbox_messages.OccurredAt), the time until each consumer that writes an inbox row applied it (--inbox: lines
    /// "id|consumer|unix seconds" of inbox_messages.HandledAt, from every service's database). Pushes (SignalR) keep no
    /// inbox row and are not in these figures. Reports p50/p99/max per consumer and in all, and the events that no
    /// consumer had applied when the files were taken.
    /// </summary>
    public static int Lag(Options o)
    {
        var outbox = File.ReadLines(Options.Arg("outbox", "")).Select(l => l.Split('|')).Where(f => f.Length >= 2)
            .ToDictionary(f => f[0], f => double.Parse(f[1], CultureInfo.InvariantCulture));
        var byConsumer = new Dictionary<string, List<double>>();
        var applied = new HashSet<string>();
        foreach (var f in File.ReadLines(Options.Arg("inbox", "")).Select(l => l.Split('|')).Where(f => f.Length >= 3))
        {
            if (!outbox.TryGetValue(f[0], out var occurred)) continue;
            applied.Add(f[0]);
            var lag = (double.Parse(f[2], CultureInfo.InvariantCulture) - occurred) * 1000;
            (byConsumer.TryGetValue(f[1], out var list) ? list : byConsumer[f[1]] = []).Add(lag);
        }
        Console.WriteLine($"| consumer | events applied | p50 ms | p99 ms | max ms |");
        Console.WriteLine($"|---|---:|---:|---:|---:|");
        foreach (var (consumer, lags) in byConsumer.OrderBy(c => c.Key, StringComparer.Ordinal).Append(new("all", [.. byConsumer.Values.SelectMany(v => v)])))
        {
            var sorted = lags.Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {consumer} | {sorted.Length} | {P(sorted, 0.50):F0} | {P(sorted, 0.99):F0} | {(sorted.Length > 0 ? sorted[^1] : 0):F0} |"));
        }
        Console.WriteLine();
        Console.WriteLine($"{outbox.Count} events written in the window; {outbox.Count - applied.Count} applied by no consumer with an inbox (pushes only, or not delivered yet).");
        return 0;
    }
}
