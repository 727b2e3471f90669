using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Playwright;

namespace TaskFlow.Bench.WebBench;

/// <summary>
/// Two builds side by side (<c>--compare URL2</c>): the same board on each host, then warm loads that alternate between
/// them (A B, B A, …), so both see the same load on a shared machine. Reports each host's median and range, the median
/// of the paired differences, and the median of every timeline step over all warm loads.
/// </summary>
internal static class Compare
{
    public static async Task<int> Run(string urlA, string others, int cards, int rounds, string output)
    {
        string[] urls = [urlA, .. others.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        string[] names = [.. urls.Select((_, i) => ((char)('A' + i)).ToString())];
        var seeded = await Task.WhenAll(urls.Select(u => Seeding.Board(u, cards)));
        var loadAtStart = Timings.LoadAverage();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.Launch(playwright);
        var ready = Timings.Interactive(cards);
        var hosts = new List<Host>();
        foreach (var (url, (http, email, projectId, _)) in urls.Zip(seeded))
        {
            http.Dispose();
            var context = await Chromium.SignedInContext(browser, url, email);
            var page = await context.NewPageAsync();
            var cdp = await context.NewCDPSessionAsync(page);
            await cdp.SendAsync("Performance.enable");
            var host = new Host(url, new Uri(new Uri(url), $"projects/{projectId}?perf").ToString(), context, page, cdp);
            // A cold load and one warm load, not counted: caches filled, code cached by the browser.
            await Open(host, ready);
            await Open(host, ready);
            hosts.Add(host);
        }
        for (var round = 0; round < rounds; round++)
        {
            // Rotate who goes first, so no host always follows the same one.
            foreach (var host in hosts.Skip(round % hosts.Count).Concat(hosts.Take(round % hosts.Count)))
            {
                var before = await Metrics(host.Cdp);
                host.Interactive.Add(await Open(host, ready));
                var after = await Metrics(host.Cdp);
                // The page's counters start again with each document; the process's CPU time does not.
                foreach (var (name, value) in after)
                {
                    double? ms = name is "ThreadTime" or "TaskDuration" or "ScriptDuration" or "LayoutDuration" or "RecalcStyleDuration" ? value * 1000
                        : name == "ProcessTime" ? (value - before.GetValueOrDefault(name)) * 1000 : null;
                    if (ms is null) continue;
                    var key = name switch
                    {
                        "ThreadTime" => "browser main-thread CPU time",
                        "ProcessTime" => "browser renderer process CPU time",
                        _ => "browser " + name,
                    };
                    if (!host.Steps.TryGetValue(key, out var list)) host.Steps[key] = list = [];
                    list.Add(ms.Value);
                }
                foreach (var (step, at) in await Timings.Timeline(host.Page))
                {
                    var key = step.StartsWith("last board API response", StringComparison.Ordinal) ? "last board API response" : step;
                    if (!host.Steps.TryGetValue(key, out var list)) host.Steps[key] = list = [];
                    list.Add(at);
                }
            }
            Console.Error.WriteLine($"round {round + 1}: " + string.Join(", ", hosts.Zip(names, (h, n) => $"{n} {h.Interactive[^1]:F0} ms")));
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# Web app A/B — {DateTime.UtcNow:yyyy-MM-ddTHH:mmZ}");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{string.Join(", ", names.Zip(urls, (n, u) => $"{n}: {u}"))}. Board: {cards} cards. {rounds} warm loads each, in turn (the first of each round rotates), after one cold and one warm load each that are not counted.");
        report.AppendLine(CultureInfo.InvariantCulture, $"Load average (1, 5, 15 min) at the start: {loadAtStart}; at the end: {Timings.LoadAverage()}.");
        report.AppendLine();
        report.AppendLine("| Navigation → interactive board, warm | Median | Min | Max | Every run |");
        report.AppendLine("|---|---|---|---|---|");
        foreach (var (host, name) in hosts.Zip(names))
        {
            var sorted = host.Interactive.Order().ToList();
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {Median(host.Interactive):F0} ms | {sorted[0]:F0} ms | {sorted[^1]:F0} ms | {string.Join(", ", host.Interactive.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))} |");
        }
        foreach (var (host, name) in hosts.Zip(names).Skip(1))
        {
            var differences = host.Interactive.Zip(hosts[0].Interactive, (b, a) => b - a).ToList();
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} − A, paired by round | {Median(differences):+0;-0} ms | {differences.Min():+0;-0} ms | {differences.Max():+0;-0} ms | |");
        }
        report.AppendLine();
        report.AppendLine("Median of each step over the warm loads (ms since navigation start):");
        report.AppendLine();
        report.AppendLine($"| Step | {string.Join(" | ", names)} |");
        report.AppendLine($"|---|{string.Concat(names.Select(_ => "---|"))}");
        foreach (var step in hosts.SelectMany(h => h.Steps.Keys).Distinct()
            .OrderBy(k => k.StartsWith("browser ", StringComparison.Ordinal)).ThenBy(k => Median(hosts.First(h => h.Steps.ContainsKey(k)).Steps[k])))
        {
            string Cell(Host h) => h.Steps.TryGetValue(step, out var v) ? Median(v).ToString("F0", CultureInfo.InvariantCulture) : "–";
            report.AppendLine(CultureInfo.InvariantCulture, $"| {step} | {string.Join(" | ", hosts.Select(Cell))} |");
        }
        foreach (var host in hosts) await host.Context.DisposeAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, report.ToString());
        Console.WriteLine(report);
        return 0;
    }

    static async Task<double> Open(Host host, string ready)
    {
        var clock = Stopwatch.StartNew();
        await host.Page.GotoAsync(host.BoardUrl, new() { WaitUntil = WaitUntilState.Commit, Timeout = 120_000 });
        await host.Page.WaitForFunctionAsync(ready, null, new() { Timeout = 120_000 });
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>Chromium's counters for the page (seconds): main-thread task, script, layout time, and CPU time where reported.</summary>
    static async Task<Dictionary<string, double>> Metrics(ICDPSession cdp)
    {
        var result = await cdp.SendAsync("Performance.getMetrics");
        var metrics = new Dictionary<string, double>();
        if (result is { } json)
            foreach (var m in json.GetProperty("metrics").EnumerateArray())
                metrics[m.GetProperty("name").GetString()!] = m.GetProperty("value").GetDouble();
        return metrics;
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    sealed record Host(string Url, string BoardUrl, IBrowserContext Context, IPage Page, ICDPSession Cdp)
    {
        public List<double> Interactive { get; } = [];
        public Dictionary<string, List<double>> Steps { get; } = [];
    }
}
