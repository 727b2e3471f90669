using System.Text.Json;
using Microsoft.Playwright;

namespace TaskFlow.Bench.WebBench;

/// <summary>What "interactive" means for every measure, and the browser's own timings of a load.</summary>
internal static class Timings
{
    /// <summary>Interactive: every card rendered (cards appear only once WebAssembly runs and the data arrived) and quick-add enabled.</summary>
    public static string Interactive(int cards) =>
        $"document.querySelectorAll('[data-testid=task-card]').length >= {cards} && !!document.querySelector('input[id^=quick-add-]:not([disabled])')";

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    // The browser's own timings of the load just measured: when the page, the framework, the session and the API answered.
    public static async Task<List<(string Step, double At)>> Timeline(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>(@"() => {
            const nav = performance.getEntriesByType('navigation')[0];
            const res = performance.getEntriesByType('resource').map(r => ({ name: new URL(r.name).pathname, start: r.startTime, end: r.responseEnd }));
            const api = res.filter(r => r.name.startsWith('/v1/') && !r.name.startsWith('/v1/realtime'));
            const first = (f) => res.filter(f).reduce((m, r) => Math.min(m, r.start), Infinity);
            const last = (f) => res.filter(f).reduce((m, r) => Math.max(m, r.end), -1);
            return [
                ['HTML answered', nav.responseEnd],
                ['blazor.web.js loaded', last(r => r.name.includes('blazor.web'))],
                ['.wasm files requested (first)', first(r => r.name.endsWith('.wasm'))],
                ['.wasm files loaded (last)', last(r => r.name.endsWith('.wasm'))],
                ['session refresh sent', first(r => r.name.startsWith('/app/session'))],
                ['session refresh answered', last(r => r.name.startsWith('/app/session'))],
                ['first API request sent', api.reduce((m, r) => Math.min(m, r.start), Infinity)],
                ['last board API response (' + api.length + ' API calls)', api.filter(r => r.name.includes('/tasks')).reduce((m, r) => Math.max(m, r.end), -1)],
                ...performance.getEntriesByType('mark').filter(m => m.name.startsWith('tf:'))
                    .filter((m, i, all) => all.findIndex(o => o.name.split(':')[1] === m.name.split(':')[1]) === i)
                    .map(m => ['app mark ' + m.name, m.startTime]),
                ['interactive board (now)', performance.now()],
            ].sort((a, b) => a[1] - b[1]);
        }");
        return [.. json.EnumerateArray().Select(e => (e[0].GetString()!, e[1].ValueKind == JsonValueKind.Number ? e[1].GetDouble() : double.NaN))];
    }

}
